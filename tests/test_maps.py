"""The county shapes and the map drawing: the shapes file is what its script builds from the
pinned us-atlas package, covers every county that package draws, and the SVG tells a reader
each county's standing in words as well as in colour."""

from __future__ import annotations

import datetime as dt
import importlib.machinery
import importlib.util
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import us

from requests_tracker.presentation import charts, county_maps
from requests_tracker.selectors.maps import CountyStanding, map_category
from tests.ci import unavailable

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"


def load_build_script():
    loader = importlib.machinery.SourceFileLoader(
        "build_shapes", str(ROOT / "bin" / "build_shapes")
    )
    spec = importlib.util.spec_from_loader("build_shapes", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def node_modules(tmp_path_factory) -> Path:
    """The pinned npm packages, installed with npm ci into a temporary folder."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        unavailable(f"{' and '.join(missing)} not installed (apt-get install nodejs npm)")
    build = load_build_script()
    return build.install_packages(tmp_path_factory.mktemp("shapes"))


def test_a_rebuild_from_the_pinned_us_atlas_package_equals_the_committed_shapes(node_modules):
    build = load_build_script()
    rebuilt = build.build(node_modules)
    assert rebuilt == (ROOT / "requests_tracker" / "data" / "county_shapes.json").read_bytes()
    assert len(rebuilt) < build.SIZE_LIMIT_BYTES


def test_every_county_of_load_counties_that_us_atlas_draws_has_a_shape(node_modules):
    atlas = json.loads((node_modules / "us-atlas" / "counties-albers-10m.json").read_text())
    atlas_fips = {geometry["id"] for geometry in atlas["objects"]["counties"]["geometries"]}
    # The same list `load_counties --all` loads.
    loaded = {
        (state.abbr, county.fips)
        for state in us.states.STATES_AND_TERRITORIES + [us.states.DC]
        for county in state.counties or []
    }
    drawn_by_atlas = {(abbr, fips) for abbr, fips in loaded if fips in atlas_fips}
    assert len(drawn_by_atlas) > 3000
    missing = [
        (abbr, fips)
        for abbr, fips in drawn_by_atlas
        if (shape := county_maps.state_shape(abbr)) is None or fips not in shape.counties
    ]
    assert missing == []


def test_the_committed_shapes_fit_the_size_budget_and_draw_all_58_california_counties():
    assert (ROOT / "requests_tracker" / "data" / "county_shapes.json").stat().st_size < 3_000_000
    california = county_maps.state_shape("CA")
    assert california.name == "California"
    assert len(california.counties) == 58
    assert all(path for _, path in california.counties.values())
    assert california.counties["06037"][0] == "Los Angeles"


def test_counties_without_area_in_us_atlas_are_the_ones_the_data_readme_names():
    readme = (ROOT / "requests_tracker" / "data" / "README.md").read_text()
    empty = [
        fips
        for code in county_maps.mapped_states()
        for fips, (_, path) in county_maps.state_shape(code).counties.items()
        if not path
    ]
    assert len(empty) <= 3
    for fips in empty:
        assert fips in readme


def standing(fips: str, name: str, status: str | None, *, days_overdue: int = 0, **extra):
    return CountyStanding(
        fips=fips,
        name=name,
        state="XX",
        county_id=extra.pop("county_id", 1),
        category=map_category(status),
        status=status,
        request_id=1 if status else None,
        overdue_since=dt.date(2025, 8, 17) if days_overdue else None,
        days_overdue=days_overdue,
        rung_kind=extra.pop("rung_kind", None),
        rung_status=extra.pop("rung_status", None),
        rung_due_on=extra.pop("rung_due_on", None),
    )


TOY = county_maps.StateShape(
    code="XX",
    name="Toy State",
    fips="99",
    width=100,
    height=50,
    outline="M0 0l100 0 0 50-100 0z",
    counties={
        "99001": ("Alpha", "M0 0l50 0 0 50-50 0z"),
        "99003": ("Beta", "M50 0l50 0 0 50-50 0z"),
        "99005": ("Gamma", ""),
    },
)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_the_map_draws_one_titled_linked_path_per_county_with_its_fill():
    standings = {
        "99001": standing("99001", "Alpha <County> & Co", "declined"),
        "99003": standing("99003", "Beta County", "extended", county_id=None),
    }
    rows = county_maps.map_rows(TOY, standings)
    svg = parse(
        county_maps.render_map(TOY, rows, href_for=lambda s: f"/c/{s.fips}/", label="Toy <map>")
    )
    paths = {p.get("data-fips"): p for p in svg.iter(f"{SVG}path") if p.get("data-fips")}
    assert set(paths) == {"99001", "99003"}, "a county without area is not drawn"
    assert paths["99001"].get("fill") == county_maps.FILLS["declined"]
    assert paths["99003"].get("fill") == county_maps.FILLS["acknowledged"], (
        "extended shares its fill"
    )
    links = list(svg.iter(f"{SVG}a"))
    assert [link.get("href") for link in links] == ["/c/99001/", "/c/99003/"]
    assert links[0].find(f"{SVG}title").text == "Alpha <County> & Co, XX: Declined; no escalation"
    assert svg.get("aria-label") == "Toy <map>"


def test_a_county_that_has_no_page_is_titled_but_not_linked():
    rows = county_maps.map_rows(TOY, {})
    svg = parse(county_maps.render_map(TOY, rows, href_for=lambda s: None, label="Toy"))
    assert list(svg.iter(f"{SVG}a")) == []
    titles = [
        group.find(f"{SVG}title").text
        for group in svg.iter(f"{SVG}g")
        if group.find(f"{SVG}title") is not None
    ]
    assert titles == ["Alpha, XX: No request", "Beta, XX: No request"]


def test_overdue_counties_get_a_hatched_outlined_copy_and_say_so_in_their_title():
    standings = {
        "99001": standing(
            "99001",
            "Alpha",
            "awaiting",
            days_overdue=12,
            rung_kind="administrative_subpoena",
            rung_status="open",
            rung_due_on=dt.date(2025, 9, 30),
        ),
        "99003": standing("99003", "Beta", "complied"),
    }
    rows = county_maps.map_rows(TOY, standings)
    svg = parse(county_maps.render_map(TOY, rows, href_for=lambda s: "/x/", label="Toy"))
    overdue_group = next(g for g in svg.iter(f"{SVG}g") if g.get("class") == "overdue")
    copies = list(overdue_group.iter(f"{SVG}path"))
    assert [copy.get("d") for copy in copies] == [TOY.counties["99001"][1]]
    assert overdue_group.get("fill").startswith("url(#") and overdue_group.get("stroke")
    title = next(svg.iter(f"{SVG}a")).find(f"{SVG}title").text
    assert title == (
        "Alpha, XX: Awaiting response; overdue 12 days; "
        "escalation: Administrative subpoena (open), due 2025-09-30"
    )


def test_a_status_filter_blanks_the_other_counties_and_the_legend_still_counts_all():
    standings = {
        "99001": standing("99001", "Alpha", "declined", days_overdue=3),
        "99003": standing("99003", "Beta", "awaiting", days_overdue=3),
    }
    rows = county_maps.map_rows(TOY, standings)
    svg = parse(
        county_maps.render_map(TOY, rows, href_for=lambda s: "/x/", label="Toy", only="declined")
    )
    fills = {
        p.get("data-fips"): p.get("fill") for p in svg.iter(f"{SVG}path") if p.get("data-fips")
    }
    assert fills == {"99001": county_maps.FILLS["declined"], "99003": county_maps.MUTED_FILL}
    key = county_maps.legend(rows)
    counts = {entry.category: entry.count for entry in key.entries}
    assert counts["declined"] == 1 and counts["awaiting"] == 1 and counts["none"] == 1
    assert (key.overdue, key.total) == (2, 3)
    assert [row.standing.name for row in county_maps.filtered(rows, "declined")] == ["Alpha"]


def test_the_embed_is_one_self_contained_svg_with_heading_legend_and_escaped_text():
    standings = {"99001": standing("99001", "Alpha", "declined", days_overdue=2)}
    rows = county_maps.map_rows(TOY, standings)
    svg_text = county_maps.render_embed(
        TOY,
        rows,
        href_for=lambda s: "https://tracker.example/c/",
        title='Toy "state" <b>',
        subtitle="as of today",
        credit="credit & thanks",
    )
    svg = parse(svg_text)
    texts = [text.text for text in svg.iter(f"{SVG}text")]
    assert texts[:2] == ['Toy "state" <b>', "as of today"]
    assert "Declined: 1" in texts and "No request: 2" in texts and "Overdue: 1" in texts
    assert texts[-1] == "credit & thanks"
    assert "<b>" not in svg_text
    # Nothing to load or run: no images, scripts or external style sheets.
    assert not [
        e for e in svg.iter() if e.tag in {f"{SVG}image", f"{SVG}script", f"{SVG}foreignObject"}
    ]


def test_the_histogram_counts_values_in_bins_and_says_so_in_words():
    svg = parse(charts.histogram([0, 3, 6, 7, 34], bin_width=7, title="Days <to> answer"))
    assert svg.find(f"{SVG}title").text == "Days <to> answer"
    assert svg.find(f"{SVG}desc").text == ("3 in 0–6 days; 1 in 7–13 days; 1 in 28–34 days.")
    assert len(list(svg.iter(f"{SVG}rect"))) == 3


def test_a_histogram_with_nothing_to_count_says_so():
    svg = parse(charts.histogram([], bin_width=7, title="Days", empty="Nobody has answered."))
    assert [text.text for text in svg.iter(f"{SVG}text")] == ["Nobody has answered."]
    assert svg.find(f"{SVG}desc").text == "Nobody has answered."


def test_the_status_chart_stacks_each_day_and_describes_the_last():
    steps = [
        (dt.date(2025, 7, 1), {"awaiting": 3}),
        (dt.date(2025, 7, 10), {"awaiting": 2, "declined": 1}),
    ]
    series = [("awaiting", "Awaiting", "#ccc"), ("declined", "Declined", "#c00")]
    svg = parse(charts.stacked_steps(steps, series=series, title="Status"))
    assert [p.find(f"{SVG}title").text for p in svg.iter(f"{SVG}polygon")] == [
        "Awaiting",
        "Declined",
    ]
    assert svg.find(f"{SVG}desc").text == (
        "From 2025-07-01 to 2025-07-10; on 2025-07-10: 2 awaiting, 1 declined."
    )
