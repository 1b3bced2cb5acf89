"""The bench's results as Markdown tables, and the issue's targets checked against them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

DOCS_START = "<!-- bench:results:start -->"
DOCS_END = "<!-- bench:results:end -->"

FAST_PAGES = ["dashboard", "stats", "map", "campaign_page"]
"""Pages that must read a few hundred rows, not the whole table: p50 < 50 ms at 1M, 1 client."""
FAST_PAGE_MS = 50
GROWTH_LIMIT = 1.5
API_RATIO_TARGET = 0.5
API_P99_MS = 250
FLAG_RATIO_TARGET = 2.0
WORKER_RSS_MB = 200


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:,.0f}{unit}"
    if value >= 10:
        return f"{value:.1f}{unit}"
    return f"{value:.2f}{unit}"


def _point(entry: dict[str, Any], clients: int) -> dict[str, Any] | None:
    return (entry.get("clients") or {}).get(str(clients))


def api_ratio(size: dict[str, Any], clients: int) -> float | None:
    """The API list's requests per second over the floor's, at `clients` clients."""
    app = _point(size["endpoints"].get("api_list", {}), clients)
    floor = _point(size["endpoints"].get("floor", {}), clients)
    if not app or not floor or not floor["rps"]:
        return None
    return app["rps"] / floor["rps"]


def size_table(size: dict[str, Any], clients: list[int]) -> str:
    head = ["endpoint", "queries"]
    for n in clients:
        head += [f"{n}c req/s", f"{n}c p50 ms", f"{n}c p99 ms"]
    head.append("errors")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    skipped = []
    for key, entry in size["endpoints"].items():
        if entry.get("skipped"):
            skipped.append(f"`{entry['path']}` ({entry['skipped']})")
            continue
        label = f"`{entry['path']}`" if key != "floor" else f"floor: `{entry['path']}`"
        row = [label, str(entry.get("queries", "–"))]
        errors = 0
        for n in clients:
            point = _point(entry, n) or {}
            row += [
                _number(point.get("rps")),
                _number(point.get("p50_ms")),
                _number(point.get("p99_ms")),
            ]
            errors += point.get("errors", 0)
        row.append(str(errors))
        lines.append("| " + " | ".join(row) + " |")
    ratios = [api_ratio(size, n) for n in clients]
    ratio_row = ["API list / floor (req/s)", ""]
    for ratio in ratios:
        ratio_row += [_number(ratio), "", ""]
    ratio_row.append("")
    lines.append("| " + " | ".join(ratio_row) + " |")
    if skipped:
        lines.append("")
        lines.append("Skipped: " + "; ".join(skipped) + ".")
    return "\n".join(lines)


def growth_table(results: dict[str, Any]) -> str:
    sizes = list(results["sizes"])
    if len(sizes) < 2:
        return ""
    small, large = sizes[0], sizes[-1]
    head = ["endpoint (1 client, p50 ms)", *(f"{int(s):,}" for s in sizes), f"{large} / {small}"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, entry in results["sizes"][small]["endpoints"].items():
        if entry.get("skipped"):
            continue
        values = [
            (_point(results["sizes"][s]["endpoints"].get(key, {}), 1) or {}).get("p50_ms")
            for s in sizes
        ]
        growth = values[-1] / values[0] if values[0] and values[-1] else None
        lines.append(
            "| "
            + " | ".join([f"`{entry['path']}`", *map(_number, values), _number(growth, "×")])
            + " |"
        )
    return "\n".join(lines)


def flag_table(results: dict[str, Any]) -> str:
    head = [
        "requests",
        "as of",
        "newly overdue",
        "flag_overdue s",
        "hand-written s",
        "ratio",
        "same rows",
        "flag_overdue peak RSS MB",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for size, entry in results["sizes"].items():
        flag = entry.get("flag_overdue")
        if not flag:
            continue
        share = flag["requests_newly_overdue"] / flag["of"]
        lines.append(
            "| "
            + " | ".join(
                [
                    f"{int(size):,}",
                    flag["today"],
                    f"{flag['requests_newly_overdue']:,} ({share:.1%})",
                    _number(flag["service_seconds"]),
                    _number(flag["hand_seconds"]),
                    _number(flag["ratio"], "×"),
                    "yes" if flag["same_rows_changed"] else "NO",
                    _number(flag["peak_rss_mb"]),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def memory_table(results: dict[str, Any]) -> str:
    head = [
        "requests",
        "app worker RSS after the run MB",
        "app worker RSS, most seen MB",
        "app worker peak (VmHWM) MB",
        "app restarts / workers killed",
        "floor worker RSS MB",
        "seed_bench s",
        "seed_bench peak RSS MB",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for size, entry in results["sizes"].items():
        app = entry["memory"]["app"]
        floor = entry["memory"]["floor"]
        seeding = entry.get("seeding", {})
        lines.append(
            "| "
            + " | ".join(
                [
                    f"{int(size):,}",
                    " / ".join(_number(w.get("rss_mb")) for w in app["workers"]),
                    _number(app.get("max_rss_mb")),
                    _number(app.get("max_peak_rss_mb")),
                    f"{app.get('restarts', 0)} / {app['workers_replaced']}",
                    _number(floor.get("max_rss_mb")),
                    "reused" if seeding.get("reused") else _number(seeding.get("seed_seconds")),
                    "–" if seeding.get("reused") else _number(seeding.get("seed_peak_rss_mb")),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets, each with what this run measured and whether it is met."""
    sizes = list(results["sizes"])
    if not sizes:
        return []
    small, large = results["sizes"][sizes[0]], results["sizes"][sizes[-1]]
    found: list[dict[str, Any]] = []

    ratios = {s: api_ratio(results["sizes"][s], 10) for s in sizes}
    found.append(
        {
            "target": f"API list at 10 clients >= {API_RATIO_TARGET}x the floor",
            "measured": ", ".join(f"{int(s):,}: {_number(r, '×')}" for s, r in ratios.items()),
            "met": all(r is not None and r >= API_RATIO_TARGET for r in ratios.values()),
        }
    )
    p99 = {
        s: (_point(results["sizes"][s]["endpoints"].get("api_list", {}), 50) or {}).get("p99_ms")
        for s in sizes
    }
    found.append(
        {
            "target": f"API list p99 at 50 clients < {API_P99_MS} ms",
            "measured": ", ".join(f"{int(s):,}: {_number(v, ' ms')}" for s, v in p99.items()),
            "met": all(v is not None and v < API_P99_MS for v in p99.values()),
        }
    )
    if len(sizes) > 1:
        grown = []
        for key, entry in small["endpoints"].items():
            if entry.get("skipped"):
                continue
            before = (_point(entry, 1) or {}).get("p50_ms")
            after = (_point(large["endpoints"].get(key, {}), 1) or {}).get("p50_ms")
            if before and after:
                grown.append((key, after / before))
        worst = sorted(grown, key=lambda item: -item[1])
        found.append(
            {
                "target": f"every p50 at {int(sizes[-1]):,} <= {GROWTH_LIMIT}x its p50 at "
                f"{int(sizes[0]):,} (1 client)",
                "measured": ", ".join(f"{key} {g:.1f}×" for key, g in worst if g > GROWTH_LIMIT)
                or "all within",
                "met": all(g <= GROWTH_LIMIT for _, g in grown),
            }
        )
    fast = []
    for key in FAST_PAGES:
        entry = large["endpoints"].get(key)
        if not entry or entry.get("skipped"):
            continue
        fast.append((key, (_point(entry, 1) or {}).get("p50_ms")))
    found.append(
        {
            "target": f"dashboard, stats, map, campaign page p50 < {FAST_PAGE_MS} ms at "
            f"{int(sizes[-1]):,} (1 client)",
            "measured": ", ".join(f"{key} {_number(v, ' ms')}" for key, v in fast),
            "met": all(v is not None and v < FAST_PAGE_MS for _, v in fast),
        }
    )
    flag = large.get("flag_overdue")
    if flag:
        found.append(
            {
                "target": f"flag_overdue <= {FLAG_RATIO_TARGET}x the hand-written statement at "
                f"{int(sizes[-1]):,}",
                "measured": f"{_number(flag['ratio'], '×')} ({_number(flag['service_seconds'])} s "
                f"vs {_number(flag['hand_seconds'])} s)",
                "met": flag["ratio"] is not None and flag["ratio"] <= FLAG_RATIO_TARGET,
            }
        )
    rss = {s: results["sizes"][s]["memory"]["app"]["max_rss_mb"] for s in sizes}
    found.append(
        {
            "target": f"a gunicorn worker's RSS under {WORKER_RSS_MB} MB after the run (the most "
            "seen after any point)",
            "measured": ", ".join(f"{int(s):,}: {_number(v, ' MB')}" for s, v in rss.items()),
            "met": all(v < WORKER_RSS_MB for v in rss.values()),
        }
    )
    return found


def markdown(results: dict[str, Any]) -> str:
    meta = results["meta"]
    clients = meta["clients"]
    parts = [
        f"Run of {meta['started']} at commit {meta['commit']}: {meta['cores']} cores, "
        f"{meta['postgresql']}, {meta['wrk']}, gunicorn {meta['gunicorn']}; medians of "
        f"{meta['repeats']} wrk runs per point, each at least {meta['seconds']} s (longer for "
        f"slow endpoints, up to {meta['max_seconds']} s); seed {meta['seed']}.",
    ]
    for size, entry in results["sizes"].items():
        data = entry["data"]
        load = ", ".join(f"{x:.1f}" for x in entry["load_average_before"])
        parts.append(
            f"### {int(size):,} requests\n\n"
            f"{data['requests']:,} requests, {data['responses']:,} responses, "
            f"{data['escalations']:,} escalations, {data['activity']:,} activity rows, "
            f"{data['overdue']:,} overdue. Load average before: {load}.\n\n"
            + size_table(entry, clients)
        )
    growth = growth_table(results)
    if growth:
        parts.append("### Growth with the data\n\n" + growth)
    parts.append("### flag_overdue against one hand-written statement\n\n" + flag_table(results))
    parts.append("### Memory and seeding\n\n" + memory_table(results))
    rows = ["| target | measured | met |", "|---|---|---|"]
    for target in results.get("targets", []):
        rows.append(
            f"| {target['target']} | {target['measured']} | {'yes' if target['met'] else 'no'} |"
        )
    parts.append("### Targets\n\n" + "\n".join(rows))
    return "\n\n".join(parts)


def update_docs(path: Path, markdown_text: str) -> None:
    """Replace the section between the bench markers in `path` with `markdown_text`."""
    text = path.read_text()
    start, end = text.index(DOCS_START) + len(DOCS_START), text.index(DOCS_END)
    path.write_text(text[:start] + "\n" + markdown_text + "\n" + text[end:])
