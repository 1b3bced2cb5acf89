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

# bench/busy.py: what readers meet while an editor writes.
BUSY_ONE_WRITE_RATIO = 0.8
BUSY_FIVE_WRITES_RATIO = 0.6
BUSY_PAGE_P50_MS = 400
FIRST_VISIT_MS = 60
SEARCH_SUBPOENA_MS = 60
BUSY_API_P99_RATIO = 1.5


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:,.0f}{unit}"
    if value >= 10:
        return f"{value:.1f}{unit}"
    return f"{value:.2f}{unit}"


def speed_note(meta: dict[str, Any]) -> str:
    """How fast the machine ran the bench's fixed work during the run (run.machine_speed), for
    comparing runs made on different machines or days; empty for a run that did not measure it."""
    speed = meta.get("machine_speed")
    if not speed:
        return ""
    sql = f", fixed SQL {speed['sql_ms']} ms" if speed.get("sql_ms") is not None else ""
    return f" (fixed Python work {speed['python_ms']} ms{sql})"


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
    """The issue's targets, each with what this run measured and whether it is met: the main
    bench's (`sizes`) and bench/busy.py's (`busy`), each when the results hold it."""
    found = main_targets(results) if results.get("sizes") else []
    if results.get("busy", {}).get("sizes"):
        found += busy_targets(results["busy"])
    return found


def main_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    sizes = list(results["sizes"])
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


def _sizes_label(sizes: list[str]) -> str:
    return ", ".join(f"{int(s):,}" for s in sizes)


def busy_targets(busy: dict[str, Any]) -> list[dict[str, Any]]:
    """bench/busy.py's targets, at its largest size (and its smallest for growth). A figure that
    is missing (a rate or page not measured) counts as not met."""
    sizes = list(busy["sizes"])
    small, large = sizes[0], sizes[-1]
    big = busy["sizes"][large]
    at = f"at {int(large):,}"
    found: list[dict[str, Any]] = []
    mixed = big.get("mixed", {}).get("on", {})
    base = (mixed.get("0") or {}).get("pages_per_s")
    for rate, wanted, pages_too in (
        ("1", BUSY_ONE_WRITE_RATIO, True),
        ("5", BUSY_FIVE_WRITES_RATIO, False),
    ):
        point = mixed.get(rate) or {}
        rps = point.get("pages_per_s")
        ratio = rps / base if rps and base else None
        p50 = point.get("per_page_p50_ms", {})
        slow = {key: v for key, v in p50.items() if v is None or v >= BUSY_PAGE_P50_MS}
        target = (
            f"mixed workload {at}, {busy['meta']['readers']} readers, {rate} write(s)/s: "
            f"pages/s >= {wanted}x the mix with no write"
        )
        measured = (
            f"{_number(rps)} vs {_number(base)} pages/s ({_number(ratio, '×')}; writes achieved "
            f"{_number(point.get('writes_per_s'))}/s)"
        )
        met = ratio is not None and ratio >= wanted
        if pages_too:
            target += f", every page's p50 < {BUSY_PAGE_P50_MS} ms"
            worst = max(p50.items(), key=lambda item: item[1] or 0, default=(None, None))
            measured += f"; slowest p50 {worst[0]} {_number(worst[1], ' ms')}"
            met = met and bool(p50) and not slow
        found.append(
            {
                "target": target,
                "measured": measured,
                "met": met,
                "ratio": ratio,
                "pages_per_s": rps,
                "no_write_pages_per_s": base,
                "per_page_p50_ms": p50,
                "writes_per_s": point.get("writes_per_s"),
            }
        )
    first = big.get("first_visit", {})
    before = busy["sizes"][small].get("first_visit", {})
    over = {
        k: v["first_p50_ms"]
        for k, v in first.items()
        if v["first_p50_ms"] is None or v["first_p50_ms"] >= FIRST_VISIT_MS
    }
    growth = {
        k: v["first_p50_ms"] / before[k]["first_p50_ms"]
        for k, v in first.items()
        if k in before and v["first_p50_ms"] and before[k]["first_p50_ms"]
    }
    grown = {k: g for k, g in growth.items() if g > GROWTH_LIMIT}
    found.append(
        {
            "target": f"first visit after a write {at} < {FIRST_VISIT_MS} ms p50 for every page, "
            f"none > {GROWTH_LIMIT}x its {int(small):,} figure",
            "measured": "; ".join(
                [
                    "over: "
                    + (", ".join(f"{k} {_number(v, ' ms')}" for k, v in over.items()) or "none"),
                    "grown: " + (", ".join(f"{k} {g:.1f}×" for k, g in grown.items()) or "none"),
                ]
            ),
            "met": bool(first)
            and not over
            and (len(sizes) == 1 or (len(growth) == len(first) and not grown)),
            "first_p50_ms": {k: v["first_p50_ms"] for k, v in first.items()},
            "growth": growth,
        }
    )
    search = (big.get("search_subpoena") or {}).get("p50_ms")
    found.append(
        {
            "target": f'search "subpoena" {at} < {SEARCH_SUBPOENA_MS} ms p50 (1 client)',
            "measured": _number(search, " ms"),
            "met": search is not None and search < SEARCH_SUBPOENA_MS,
            "p50_ms": search,
        }
    )
    ratios, p99s = {}, {}
    for size in sizes:
        api = busy["sizes"][size].get("api_list", {})
        floor = api.get("floor", {})
        for who in ("viewer", "anonymous"):
            app = api.get(f"api_list_{who}", {})
            app10, floor10 = app.get("10") or {}, floor.get("10") or {}
            app50, floor50 = app.get("50") or {}, floor.get("50") or {}
            if app10.get("rps") and floor10.get("rps"):
                ratios[(size, who)] = app10["rps"] / floor10["rps"]
            if app50.get("p99_ms") and floor50.get("p99_ms"):
                p99s[(size, who)] = app50["p99_ms"] / floor50["p99_ms"]
    wanted = [(s, w) for s in sizes for w in ("viewer", "anonymous")]
    found.append(
        {
            "target": f"API list at 10 clients >= {API_RATIO_TARGET}x the floor at "
            f"{_sizes_label(sizes)}, anonymous and signed-in viewer",
            "measured": ", ".join(
                f"{int(s):,} {w}: {_number(ratios.get((s, w)), '×')}" for s, w in wanted
            ),
            "met": all(ratios.get(key, 0) >= API_RATIO_TARGET for key in wanted),
            "ratios": {f"{s} {w}": r for (s, w), r in ratios.items()},
        }
    )
    found.append(
        {
            "target": f"API list p99 at 50 clients <= {BUSY_API_P99_RATIO}x the floor's p99 at "
            f"{_sizes_label(sizes)}, anonymous and signed-in viewer",
            "measured": ", ".join(
                f"{int(s):,} {w}: {_number(p99s.get((s, w)), '×')}" for s, w in wanted
            ),
            "met": all(key in p99s and p99s[key] <= BUSY_API_P99_RATIO for key in wanted),
            "ratios": {f"{s} {w}": r for (s, w), r in p99s.items()},
        }
    )
    return found


def busy_markdown(busy: dict[str, Any]) -> str:
    """bench/busy.py's tables: the mixed workload, first visits, search, API list and floor."""
    meta = busy["meta"]
    parts = [
        f"Run of {meta['started']} at commit {meta['commit']}: {meta['cores']} cores"
        f"{speed_note(meta)}; gunicorn "
        f"2 sync workers; {meta['readers']} readers as a viewer, one editor writing through the "
        f"API; medians of {meta['repeats']} runs of {meta['seconds']} s per point (first "
        f"visits: medians of {meta['first_visits']})."
    ]
    for size, entry in busy["sizes"].items():
        pages = list(entry["pages"])
        head = ["page cache", "writes/s", "pages/s", *pages, "write p50 ms", "errors"]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for mode, points in entry.get("mixed", {}).items():
            for rate, point in points.items():
                row = [
                    mode,
                    f"{rate} ({_number(point['writes_per_s'])})",
                    _number(point["pages_per_s"]),
                ]
                row += [_number(point["per_page_p50_ms"].get(key)) for key in pages]
                row += [
                    _number(point["write_p50_ms"]),
                    str(point["errors"] + point["write_errors"]),
                ]
                lines.append("| " + " | ".join(row) + " |")
        first = [
            "| page | first visit after a write, p50 ms | next visit (kept), p50 ms | errors |",
            "|---|---|---|---|",
        ]
        for visit in entry.get("first_visit", {}).values():
            first.append(
                f"| `{visit['path']}` | {_number(visit['first_p50_ms'])} | "
                f"{_number(visit['kept_p50_ms'])} | {visit['errors']} |"
            )
        api = [
            "| API list | 10c req/s | 10c p99 ms | 50c req/s | 50c p99 ms | errors |",
            "|---|---|---|---|---|---|",
        ]
        for key, points in entry.get("api_list", {}).items():
            ten, fifty = points.get("10") or {}, points.get("50") or {}
            api.append(
                f"| {key} | {_number(ten.get('rps'))} | {_number(ten.get('p99_ms'))} | "
                f"{_number(fifty.get('rps'))} | {_number(fifty.get('p99_ms'))} | "
                f"{sum(p['errors'] for p in points.values())} |"
            )
        statements = [
            "| floor page | rows | same bytes | floor statement ms | independent statement ms |",
            "|---|---|---|---|---|",
        ]
        for page in entry.get("floor_statements", {}).get("pages", []):
            q = page["query"]
            statements.append(
                f"| {q['state']} {q['status']} {q['page_size']} | {page['rows']} | "
                f"{'yes' if page['same_bytes'] else 'NO'} | "
                f"{_number(page['median_ms']['floor'])} | "
                f"{_number(page['median_ms']['independent'])} |"
            )
        search = entry.get("search_subpoena", {})
        parts.append(
            f"### Busy: {int(size):,} requests\n\nMixed workload (p50 ms per page):\n\n"
            + "\n".join(lines)
            + "\n\nFirst visit after a write (one client):\n\n"
            + "\n".join(first)
            + f"\n\nSearch `{search.get('path')}`, 1 client: p50 "
            f"{_number(search.get('p50_ms'), ' ms')} "
            f"({search.get('errors', 0)} errors).\n\nAPI list against the floor:\n\n"
            + "\n".join(api)
            + "\n\nThe floor's statement against an independent one (same bytes, median of the "
            "statement alone):\n\n" + "\n".join(statements)
        )
    return "\n\n".join(parts)


def markdown(results: dict[str, Any]) -> str:
    parts = [main_markdown(results)] if results.get("sizes") else []
    if results.get("busy", {}).get("sizes"):
        parts.append(busy_markdown(results["busy"]))
    rows = ["| target | measured | met |", "|---|---|---|"]
    for target in results.get("targets", []):
        rows.append(
            f"| {target['target']} | {target['measured']} | {'yes' if target['met'] else 'no'} |"
        )
    parts.append("### Targets\n\n" + "\n".join(rows))
    return "\n\n".join(parts)


def main_markdown(results: dict[str, Any]) -> str:
    meta = results["meta"]
    clients = meta["clients"]
    parts = [
        f"Run of {meta['started']} at commit {meta['commit']}: {meta['cores']} cores"
        f"{speed_note(meta)}, "
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
    return "\n\n".join(parts)


def update_docs(path: Path, markdown_text: str) -> None:
    """Replace the section between the bench markers in `path` with `markdown_text`."""
    text = path.read_text()
    start, end = text.index(DOCS_START) + len(DOCS_START), text.index(DOCS_END)
    path.write_text(text[:start] + "\n" + markdown_text + "\n" + text[end:])
