"""County maps as SVG: one state's counties filled by where each stands, drawn from the shapes file.

Pure drawing, no ORM: the pages and the embed read the standings (selectors.maps) and hand them
here. The shapes come from requests_tracker/data/county_shapes.json (built by bin/build_shapes
from the us-atlas package; see the README beside it), read once per process.

What the drawing promises a reader:
- one `<path data-fips="…">` per county that has an area in the shapes, filled by its map
  category (selectors.maps.MAP_CATEGORIES) and, when it has a page, wrapped in a link to it;
- a `<title>` per county: name, status, days overdue and the highest escalation rung reached,
  which browsers show on hover and screen readers read as the link's name;
- overdue drawn with a hatch and a dark outline on top of the fill, so it never rests on colour
  alone; the legend swatches use the same fills and hatch;
- every piece of text XML-escaped here.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.html import escape

from requests_tracker.selectors.maps import (
    MAP_CATEGORIES,
    NO_REQUEST,
    CountyStanding,
)

SHAPES_FILE = Path(__file__).resolve().parent.parent / "data" / "county_shapes.json"

# Fills, light to dark within each meaning; each borders its neighbours with a white line, and
# the status is always also in the title, the legend and the table.
FILLS: dict[str, str] = {
    NO_REQUEST: "#e1e5ea",
    "awaiting": "#b9c0ca",
    "acknowledged": "#8fbce6",
    "partial": "#f0a95b",
    "complied": "#3f9b62",
    "declined": "#c23b32",
    "escalated": "#6a4fb3",
    "closed": "#4a4f57",
}
MUTED_FILL = "#f7f8f9"
"""Counties outside a status filter: drawn, still titled, but without their fill."""
OVERDUE_OUTLINE = "#111111"
BORDER = "#ffffff"
STATE_OUTLINE = "#5b6470"
PADDING = 6


@dataclass(frozen=True)
class StateShape:
    code: str
    name: str
    fips: str
    width: int
    height: int
    outline: str
    counties: Mapping[str, tuple[str, str]]
    """FIPS → (name in the Census file, SVG path; empty when it has no area at this scale)."""


@lru_cache(maxsize=1)
def _shapes() -> dict:
    with SHAPES_FILE.open(encoding="utf-8") as file:
        return json.load(file)


def shapes_credit() -> str:
    """Where the shapes come from, in a line short enough for a caption or an embed."""
    return (
        "U.S. Census Bureau cartographic boundaries (2017) via us-atlas "
        f"{_shapes()['atlas_version']} (ISC licence)"
    )


def mapped_states() -> dict[str, str]:
    """USPS code → state name, for every state the shapes file can draw."""
    return {code: state["name"] for code, state in _shapes()["states"].items()}


def state_shape(code: str) -> StateShape | None:
    """The shapes of one state (USPS code), or None when the file has none for it."""
    state = _shapes()["states"].get(code.upper())
    if state is None:
        return None
    return StateShape(
        code=code.upper(),
        name=state["name"],
        fips=state["fips"],
        width=state["width"],
        height=state["height"],
        outline=state["outline"],
        counties={fips: (name, path) for fips, (name, path) in state["counties"].items()},
    )


@dataclass(frozen=True)
class MapRow:
    """One county as the map, its legend and its table show it."""

    standing: CountyStanding
    path: str
    """Empty when the county has no area in the shapes (it is listed in the table only)."""

    @property
    def drawn(self) -> bool:
        return bool(self.path)


def map_rows(shape: StateShape, standings: Mapping[str, CountyStanding]) -> list[MapRow]:
    """Every county of the state, by name: those in the shapes (a county the tracker has not
    loaded stands at "no request", without a page) and those the tracker has that the shapes
    lack (listed, not drawn)."""
    rows = []
    for fips, (atlas_name, path) in shape.counties.items():
        standing = standings.get(fips) or CountyStanding(
            fips=fips,
            name=atlas_name,
            state=shape.code,
            county_id=None,
            category=NO_REQUEST,
            status=None,
            request_id=None,
            overdue_since=None,
            days_overdue=0,
            rung_kind=None,
            rung_status=None,
            rung_due_on=None,
        )
        rows.append(MapRow(standing=standing, path=path))
    rows.extend(
        MapRow(standing=standing, path="")
        for fips, standing in standings.items()
        if fips not in shape.counties
    )
    return sorted(rows, key=lambda row: (row.standing.name, row.standing.fips))


@dataclass(frozen=True)
class LegendEntry:
    category: str
    label: str
    fill: str
    count: int


@dataclass(frozen=True)
class Legend:
    entries: list[LegendEntry]
    overdue: int
    total: int


def legend(rows: Iterable[MapRow]) -> Legend:
    """How many counties stand in each category, and how many are overdue."""
    rows = list(rows)
    counts = Counter(row.standing.category for row in rows)
    return Legend(
        entries=[
            LegendEntry(category, label, FILLS[category], counts.get(category, 0))
            for category, label in MAP_CATEGORIES
        ],
        overdue=sum(1 for row in rows if row.standing.overdue),
        total=len(rows),
    )


def county_title(standing: CountyStanding) -> str:
    """What a reader hovering (or a screen reader on) a county learns: name, status, days
    overdue, highest escalation rung reached with its status and due date."""
    parts = [f"{standing.name}, {standing.state}: {standing.status_label}"]
    if standing.days_overdue:
        parts.append(
            f"overdue {standing.days_overdue} day{'s' if standing.days_overdue != 1 else ''}"
        )
    if standing.rung_kind:
        rung = f"escalation: {standing.rung_label}"
        if standing.rung_status:
            rung += f" ({standing.rung_status})"
        if standing.rung_due_on:
            rung += f", due {standing.rung_due_on:%Y-%m-%d}"
        parts.append(rung)
    elif standing.status is not None:
        parts.append("no escalation")
    return "; ".join(parts)


HrefFor = Callable[[CountyStanding], "str | None"]


def _hatch(pattern_id: str) -> str:
    return (
        f'<pattern id="{pattern_id}" patternUnits="userSpaceOnUse" width="9" height="9" '
        f'patternTransform="rotate(45)">'
        f'<rect width="3.5" height="9" fill="{OVERDUE_OUTLINE}" fill-opacity="0.55"/></pattern>'
    )


def _layers(
    shape: StateShape,
    rows: list[MapRow],
    *,
    href_for: HrefFor,
    only: str | None,
    id_prefix: str,
    target: str = "",
) -> str:
    """The map's groups: county fills (linked and titled), overdue hatches, the state outline."""
    fills, hatches = [], []
    for row in rows:
        if not row.drawn:
            continue
        standing = row.standing
        matches = only is None or standing.category == only
        fill = FILLS[standing.category] if matches else MUTED_FILL
        title = escape(county_title(standing))
        path = (
            f'<path data-fips="{standing.fips}" '
            f'data-category="{standing.category}" data-overdue="{str(standing.overdue).lower()}" '
            f'fill="{fill}" d="{row.path}"/>'
        )
        href = href_for(standing)
        if href:
            opens = f' target="{target}"' if target else ""
            fills.append(f'<a href="{escape(href)}"{opens}><title>{title}</title>{path}</a>')
        else:
            fills.append(f"<g><title>{title}</title>{path}</g>")
        if standing.overdue and matches:
            # A copy of the outline rather than <use>: a referenced path keeps its own fill.
            hatches.append(f'<path d="{row.path}"/>')
    return (
        f'<g class="counties" stroke="{BORDER}" stroke-width="0.8" stroke-linejoin="round">'
        + "".join(fills)
        + "</g>"
        + f'<g class="overdue" fill="url(#{id_prefix}-hatch)" stroke="{OVERDUE_OUTLINE}" '
        'stroke-width="2" pointer-events="none" aria-hidden="true">'
        + "".join(hatches)
        + "</g>"
        + f'<path class="state-outline" d="{shape.outline}" fill="none" stroke="{STATE_OUTLINE}" '
        'stroke-width="1" pointer-events="none" aria-hidden="true"/>'
    )


def render_map(
    shape: StateShape,
    rows: list[MapRow],
    *,
    href_for: HrefFor,
    label: str,
    only: str | None = None,
    id_prefix: str = "county",
    target: str = "",
) -> str:
    """The map for a page: an `<svg>` that scales to its container, labelled `label` (its
    borders, hover and focus are styled by the site's stylesheet: no inline style under the CSP).

    `only` (a map category) draws the other counties without their fill (a status filter);
    `target` is where the county links open (`_top` inside an embed's frame)."""
    view_box = f"{-PADDING} {-PADDING} {shape.width + 2 * PADDING} {shape.height + 2 * PADDING}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="county-map" viewBox="{view_box}" '
        f'role="group" aria-label="{escape(label)}" data-state="{shape.code}">'
        f"<defs>{_hatch(f'{id_prefix}-hatch')}</defs>"
        + _layers(shape, rows, href_for=href_for, only=only, id_prefix=id_prefix, target=target)
        + "</svg>"
    )


EMBED_WIDTH = 1000
EMBED_FONT = "Verdana,DejaVu Sans,Geneva,sans-serif"


def render_embed(
    shape: StateShape,
    rows: list[MapRow],
    *,
    href_for: HrefFor,
    title: str,
    subtitle: str,
    credit: str,
) -> str:
    """A self-contained SVG for a published story: heading, map, legend with counts, credit.

    Drawn on a canvas EMBED_WIDTH units wide; the state is fitted into the space under the
    heading, the legend sits below it in two columns. Nothing is loaded from elsewhere."""
    head = 96
    map_box = min(EMBED_WIDTH - 2 * PADDING, 760)
    scale = map_box / max(shape.width, shape.height)
    map_width, map_height = shape.width * scale, shape.height * scale
    offset_x = (EMBED_WIDTH - map_width) / 2
    key = legend(rows)
    entries = [*key.entries]
    legend_rows = (len(entries) + 2) // 2  # the overdue hatch takes the last slot
    legend_top = head + map_height + 24
    height = round(legend_top + legend_rows * 34 + 56)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="county-map" '
        f'viewBox="0 0 {EMBED_WIDTH} {height}" width="{EMBED_WIDTH}" height="{height}" '
        f'role="group" aria-label="{escape(title)}" font-family="{EMBED_FONT}">',
        f"<title>{escape(title)}</title>",
        f"<defs>{_hatch('embed-hatch')}</defs>",
        f'<rect width="{EMBED_WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="16" y="40" font-size="28" font-weight="700" fill="#1d1d1f">'
        f"{escape(title)}</text>",
        f'<text x="16" y="74" font-size="19" fill="#454b53">{escape(subtitle)}</text>',
        f'<g transform="translate({offset_x:.1f} {head}) scale({scale:.5f})">',
        _layers(shape, rows, href_for=href_for, only=None, id_prefix="embed"),
        "</g>",
        f'<g font-size="19" fill="#1d1d1f" transform="translate(16 {legend_top:.0f})">',
    ]
    slots = [(entry.fill, f"{entry.label}: {entry.count}", False) for entry in entries]
    slots.append(("url(#embed-hatch)", f"Overdue: {key.overdue}", True))
    for index, (fill, text, hatched) in enumerate(slots):
        x, y = (index % 2) * (EMBED_WIDTH / 2), (index // 2) * 34
        outline = OVERDUE_OUTLINE if hatched else "#8a9099"
        under = (
            f'<rect x="{x:.0f}" y="{y}" width="26" height="22" fill="#ffffff"/>' if hatched else ""
        )
        parts.append(
            f'{under}<rect x="{x:.0f}" y="{y}" width="26" height="22" fill="{fill}" '
            f'stroke="{outline}"/><text x="{x + 36:.0f}" y="{y + 17}">{escape(text)}</text>'
        )
    parts.append("</g>")
    parts.append(
        f'<text x="16" y="{height - 16}" font-size="14" fill="#555b63">{escape(credit)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def filtered(rows: list[MapRow], only: str | None) -> list[MapRow]:
    """The rows a status filter keeps (all of them without a filter)."""
    return rows if only is None else [row for row in rows if row.standing.category == only]
