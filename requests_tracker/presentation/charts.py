"""Small server-rendered SVG charts for a campaign: counties by status over time, and how long
counties took to give a first response. Pure functions over plain numbers, no ORM, no clock;
every text is XML-escaped. Each chart is an image with a title and a description that says in
words what it shows, and the page prints the same numbers beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.html import escape

WIDTH = 640
HEIGHT = 260
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 44, 12, 12, 34
FONT = "system-ui,-apple-system,Segoe UI,Roboto,Arial,sans-serif"
AXIS = "#555b63"
BAR = "#0b5cad"
SERIES_WIDTH, SERIES_HEIGHT = 340, 200


def _empty(title: str, message: str) -> str:
    """A chart with nothing to draw yet says so where its bars would be."""
    return _frame(
        title,
        message,
        f'<rect x="{MARGIN_LEFT}" y="{MARGIN_TOP}" width="{WIDTH - MARGIN_LEFT - MARGIN_RIGHT}" '
        f'height="{HEIGHT - MARGIN_TOP - MARGIN_BOTTOM}" fill="#f4f5f7" stroke="#d0d4da"/>'
        f'<text x="{WIDTH / 2:.0f}" y="{HEIGHT / 2:.0f}" text-anchor="middle" font-size="15" '
        f'fill="{AXIS}">{escape(message)}</text>',
    )


def _frame(
    title: str, description: str, body: str, height: int = HEIGHT, width: int = WIDTH
) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" font-family="{FONT}" font-size="12">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>{body}</svg>"
    )


def stacked_steps(
    steps: Sequence[tuple[dt.date, Mapping[str, int]]],
    *,
    series: Sequence[tuple[str, str, str]],
    title: str,
) -> str:
    """Counts per series over time as stacked steps: each step holds from its day to the next.

    `steps` are (day, {series key: count}) in day order; `series` are (key, label, fill), drawn
    bottom to top. The axis runs from the first day to a little past the last, so the last
    step (the standing now) always shows."""
    if not steps:
        return _empty(title, "No requests yet.")
    first, last = steps[0][0], steps[-1][0]
    # The last step (where things stand now) gets a sliver of the axis past its day, at least
    # one day, so a change logged today is visible rather than zero wide.
    tail = max(1, round((last - first).days * 0.04))
    span = (last - first).days + tail
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    top = max(1, max(sum(counts.values()) for _, counts in steps))

    def x(day: dt.date) -> float:
        return MARGIN_LEFT + plot_w * (day - first).days / span

    def y(value: float) -> float:
        return MARGIN_TOP + plot_h * (1 - value / top)

    edges = [x(day) for day, _ in steps] + [MARGIN_LEFT + plot_w]
    body = []
    below = [0] * len(steps)
    for key, label, fill in series:
        upper = [below[i] + steps[i][1].get(key, 0) for i in range(len(steps))]
        if not any(upper[i] - below[i] for i in range(len(steps))):
            continue
        points = []
        for i in range(len(steps)):
            points += [(edges[i], y(upper[i])), (edges[i + 1], y(upper[i]))]
        for i in reversed(range(len(steps))):
            points += [(edges[i + 1], y(below[i])), (edges[i], y(below[i]))]
        coordinates = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        body.append(
            f'<polygon points="{coordinates}" fill="{fill}" stroke="#ffffff" stroke-width="0.5">'
            f"<title>{escape(label)}</title></polygon>"
        )
        below = upper
    base = MARGIN_TOP + plot_h
    body.append(
        f'<g stroke="{AXIS}" fill="none"><line x1="{MARGIN_LEFT}" y1="{base}" '
        f'x2="{MARGIN_LEFT + plot_w}" y2="{base}"/><line x1="{MARGIN_LEFT}" y1="{MARGIN_TOP}" '
        f'x2="{MARGIN_LEFT}" y2="{base}"/></g>'
        f'<g fill="{AXIS}"><text x="{MARGIN_LEFT - 6}" y="{MARGIN_TOP + 10}" '
        f'text-anchor="end">{top}</text><text x="{MARGIN_LEFT - 6}" y="{base}" '
        f'text-anchor="end">0</text>'
        f'<text x="{MARGIN_LEFT}" y="{base + 20}">{first:%Y-%m-%d}</text>'
        f'<text x="{x(last):.1f}" y="{base + 20}" text-anchor="end">{last:%Y-%m-%d}</text>'
        f'<line x1="{x(last):.1f}" y1="{base}" x2="{x(last):.1f}" y2="{base + 5}" stroke="{AXIS}"/>'
        "</g>"
    )
    latest = steps[-1][1]
    in_words = ", ".join(
        f"{latest.get(key, 0)} {label.lower()}" for key, label, _ in series if latest.get(key)
    )
    description = f"From {first:%Y-%m-%d} to {last:%Y-%m-%d}; on {last:%Y-%m-%d}: {in_words}."
    return _frame(title, description, "".join(body))


def histogram(
    values: Sequence[int],
    *,
    bin_width: int,
    title: str,
    unit: str = "days",
    empty: str = "Nothing to count yet.",
) -> str:
    """Bars counting `values` in bins of `bin_width` (0 to bin_width-1, ...), up to the largest;
    with no values, the `empty` message in their place."""
    if not values:
        return _empty(title, empty)
    bins = [0] * (max(values) // bin_width + 1)
    for value in values:
        bins[max(value, 0) // bin_width] += 1
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    top = max(bins)
    slot = plot_w / len(bins)
    base = MARGIN_TOP + plot_h
    body = []
    labels = []
    for index, count in enumerate(bins):
        low, high = index * bin_width, (index + 1) * bin_width - 1
        span = f"{low}–{high}" if bin_width > 1 else f"{low}"
        height = plot_h * count / top
        left = MARGIN_LEFT + index * slot + 2
        if count:
            body.append(
                f'<rect x="{left:.1f}" y="{base - height:.1f}" width="{max(slot - 4, 1):.1f}" '
                f'height="{height:.1f}" fill="{BAR}"><title>{count} in {span} {unit}</title></rect>'
                f'<text x="{left + (slot - 4) / 2:.1f}" y="{base - height - 3:.1f}" '
                f'text-anchor="middle" fill="#1d1d1f">{count}</text>'
            )
            labels.append(f"{count} in {span} {unit}")
        # Label every bin while they fit, else every few, so the axis never overprints.
        if len(bins) <= 12 or index % ((len(bins) + 11) // 12) == 0:
            body.append(
                f'<text x="{left + (slot - 4) / 2:.1f}" y="{base + 16}" text-anchor="middle" '
                f'fill="{AXIS}">{span}</text>'
            )
    body.append(
        f'<line x1="{MARGIN_LEFT}" y1="{base}" x2="{MARGIN_LEFT + plot_w}" y2="{base}" '
        f'stroke="{AXIS}"/><text x="{MARGIN_LEFT + plot_w}" y="{base + 30}" text-anchor="end" '
        f'fill="{AXIS}">{escape(unit)}</text>'
    )
    return _frame(title, "; ".join(labels) + ".", "".join(body))


def series(points: Sequence[tuple[str, float]], *, title: str, unit: str) -> str:
    """One bar per reported period (label, value), in the order given: a metric over time.
    Periods of different lengths are not rescaled: each bar is the number as reported, and the
    page's table beside it gives each period's dates. Drawn small (SERIES_WIDTH), so that three
    fit side by side with readable labels."""
    if not points:
        return _empty(title, "No figures reported yet.")
    width, height, left_margin = SERIES_WIDTH, SERIES_HEIGHT, 8
    plot_w = width - left_margin - MARGIN_RIGHT
    plot_h = height - MARGIN_TOP - MARGIN_BOTTOM - 8
    top = max(value for _, value in points) or 1
    slot = plot_w / len(points)
    base = MARGIN_TOP + 8 + plot_h
    body = []
    for index, (label, value) in enumerate(points):
        bar = plot_h * max(value, 0) / top
        left = left_margin + index * slot + 4
        middle = left + (slot - 8) / 2
        number = f"{value:g}"
        body.append(
            f'<rect x="{left:.1f}" y="{base - bar:.1f}" width="{max(slot - 8, 1):.1f}" '
            f'height="{bar:.1f}" fill="{BAR}"><title>{escape(label)}: {number} '
            f"{escape(unit)}</title></rect>"
            f'<text x="{middle:.1f}" y="{base - bar - 4:.1f}" text-anchor="middle" '
            f'fill="#1d1d1f" font-size="14">{number}</text>'
            f'<text x="{middle:.1f}" y="{base + 16}" text-anchor="middle" fill="{AXIS}">'
            f"{escape(label[:20])}</text>"
        )
    body.append(
        f'<line x1="{left_margin}" y1="{base}" x2="{left_margin + plot_w}" y2="{base}" '
        f'stroke="{AXIS}"/><text x="{left_margin + plot_w}" y="{base + 31}" text-anchor="end" '
        f'fill="{AXIS}">{escape(unit)}</text>'
    )
    in_words = "; ".join(f"{label}: {value:g} {unit}" for label, value in points)
    return _frame(title, in_words + ".", "".join(body), height=height, width=width)


def metric_charts(all_series: Sequence[Any], *, with_place: bool = False) -> list[dict[str, Any]]:
    """A chart for each series of figures (selectors.story.series_of): its metric, its SVG."""
    return [
        {
            "metric": one.metric,
            "svg": series(
                one.points(with_place=with_place),
                title=f"{one.metric.name}, as reported",
                unit=one.metric.unit,
            ),
        }
        for one in all_series
    ]
