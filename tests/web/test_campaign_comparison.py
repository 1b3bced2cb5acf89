"""A campaign's counties side by side: the rows, their CSV, their order, and the figures a story
quotes, checked against numbers worked out by hand."""

from __future__ import annotations

import csv
import datetime as dt
import io
from html.parser import HTMLParser

import pytest
from django.conf import settings

from requests_tracker import services
from requests_tracker.selectors import campaigns as campaign_selectors
from tests.factories import AgencyFactory, CountyFactory, SourceFactory
from tests.web.conftest import shown

pytestmark = pytest.mark.django_db

ISSUED = dt.date(2025, 7, 1)  # due 30 calendar days later: 2025-07-31


@pytest.fixture
def three_counties(journalist):
    """Three counties asked on 2025-07-01, due 2025-07-31:
    - Alpine answered on day 3 (partial: charges only, of charges and release dates);
    - Butte declined on day 34, after a public statement on day 1 (not an answer);
    - Colusa never answered, and DOJ served it an administrative subpoena due 2025-09-30.
    """
    alpine = CountyFactory(name="Alpine County", fips="06003")
    butte = CountyFactory(name="Butte County", fips="06007")
    colusa = CountyFactory(name="Colusa County", fips="06011")
    letter = SourceFactory(title="The letter")
    campaign = services.issue_campaign(
        title="Letters of 2025-07-01",
        issuing_agency=AgencyFactory(),
        issued_on=ISSUED,
        counties=[alpine, butte, colusa],
        due_basis="calendar_days",
        due_days=30,
        data_sought=["charges", "release_dates"],
        sources=[letter],
        actor=journalist,
        today=ISSUED,
    )
    requests = {r.county.fips: r for r in campaign.requests.select_related("county")}
    services.log_response(
        data_request=requests["06003"],
        kind="partial",
        categories_provided=["charges"],
        received_on=ISSUED + dt.timedelta(days=3),
        sources=[SourceFactory(title="Alpine's answer"), letter],
        actor=journalist,
    )
    services.log_response(
        data_request=requests["06007"],
        kind="public_statement",
        received_on=ISSUED + dt.timedelta(days=1),
        sources=[SourceFactory(title="Butte on TV")],
        actor=journalist,
    )
    services.log_response(
        data_request=requests["06007"],
        kind="declined",
        received_on=ISSUED + dt.timedelta(days=34),
        actor=journalist,
    )
    services.file_escalation(
        data_request=requests["06011"],
        kind="administrative_subpoena",
        issued_on=dt.date(2025, 9, 1),
        due_on=dt.date(2025, 9, 30),
        sources=[SourceFactory(title="The subpoena")],
        actor=journalist,
    )
    services.flag_overdue(today=dt.date(2025, 10, 15))
    return campaign


class TableRows(HTMLParser):
    """The text of each cell of the comparison table's body rows."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.in_table = self.in_body = False
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "comparison" in (dict(attrs).get("class") or ""):
            self.in_table = True
        elif self.in_table and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag == "td":
            self.cell = []
        elif self.cell is not None and tag == "li":
            self.cell.append(" ")  # list items read as separate words

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.in_table = self.in_body = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def page_rows(client, path: str) -> list[list[str]]:
    parser = TableRows()
    parser.feed(client.get(path).content.decode())
    return parser.rows


def csv_rows(client, path: str) -> list[dict[str, str]]:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_figures_match_the_hand_computed_fixture(three_counties, viewer_browser):
    response = viewer_browser.get(f"/campaigns/{three_counties.pk}/")
    figures = shown(response, "figures")
    # First responses on days 3 and 34 (Butte's day-1 statement is not an answer): median 18.5.
    assert figures.median_days_to_first_response == 18.5
    assert (figures.responded, figures.counties) == (2, 3)
    # Only Alpine answered by 2025-07-31; all three due dates have passed.
    assert (figures.answered_by_due_date, figures.decided) == (1, 3)
    assert figures.answered_by_due_date_share == pytest.approx(1 / 3, abs=1e-4)
    assert (figures.declined, figures.declined_share) == (1, pytest.approx(1 / 3, abs=1e-4))
    assert (figures.escalated, figures.escalated_share) == (1, pytest.approx(1 / 3, abs=1e-4))
    html = response.content.decode()
    assert '<dd class="figure__n">18.5</dd>' in html
    assert html.count('<dd class="figure__n">33%</dd>') == 3
    # Each figure is printed with its definition.
    assert "except a public statement" in html
    assert "on or before the due date, as extended" in html
    assert "even if DOJ has since escalated" in html


def test_the_comparison_rows_and_the_csv_agree(three_counties, viewer_browser):
    path = f"/campaigns/{three_counties.pk}/"
    cells = page_rows(viewer_browser, path)
    records = csv_rows(viewer_browser, f"{path}comparison.csv")
    assert [row[0] for row in cells] == [
        "Alpine County, CA",
        "Butte County, CA",
        "Colusa County, CA",
    ]
    assert [record["county"] for record in records] == [
        "Alpine County",
        "Butte County",
        "Colusa County",
    ]
    alpine, butte, colusa = records
    assert cells[0][1] == ("✓ Charges / crimes of arrest given ✗ Scheduled release dates not given")
    assert (alpine["data_sought"], alpine["data_given"]) == ("charges;release_dates", "charges")
    assert cells[0][2] == "3 (2025-07-04)" and alpine["days_to_first_response"] == "3"
    assert cells[1][2] == "34 (2025-08-04)" and butte["days_to_first_response"] == "34"
    assert cells[2][2] == "no response" and colusa["days_to_first_response"] == ""
    assert cells[0][3] == "Partially complied on time"
    assert (alpine["status"], alpine["answered_by_due_date"]) == ("partial", "yes")
    assert cells[1][3] == "Declined not by the deadline"
    assert (butte["status"], butte["declined"]) == ("declined", "yes")
    assert cells[2][3] == "Escalated not by the deadline"
    assert cells[2][5] == "Administrative subpoena (open)"
    assert colusa["highest_escalation"] == "administrative_subpoena"
    assert cells[2][6] == colusa["escalation_due_on"] == "2025-09-30"
    # Sources: the letter on every request; Alpine's answer cites the letter again (counted
    # once) and one more; Butte's statement one; Colusa's subpoena one.
    assert [row[7] for row in cells] == ["2", "2", "2"]
    assert [record["sources"] for record in records] == ["2", "2", "2"]
    # Whole addresses: a spreadsheet opened elsewhere still links to the page.
    assert [record["request"] for record in records] == [
        f"{settings.SITE_URL}/requests/{pk}/"
        for pk in three_counties.requests.order_by("county__name").values_list("pk", flat=True)
    ]


def test_sorting_puts_counties_without_a_value_last_and_the_csv_follows(
    three_counties, viewer_browser
):
    path = f"/campaigns/{three_counties.pk}/"
    slowest_first = page_rows(viewer_browser, f"{path}?sort=days&order=desc")
    assert [row[0] for row in slowest_first] == [
        "Butte County, CA",
        "Alpine County, CA",
        "Colusa County, CA",
    ]
    fastest_first = page_rows(viewer_browser, f"{path}?sort=days")
    assert [row[0] for row in fastest_first][:2] == ["Alpine County, CA", "Butte County, CA"]
    records = csv_rows(viewer_browser, f"{path}comparison.csv?sort=days&order=desc")
    assert [r["county"] for r in records] == ["Butte County", "Alpine County", "Colusa County"]
    by_rung = page_rows(viewer_browser, f"{path}?sort=rung&order=desc")
    assert by_rung[0][0] == "Colusa County, CA"
    html = viewer_browser.get(f"{path}?sort=days&order=desc").content.decode()
    assert 'aria-sort="descending"' in html
    assert 'href="?sort=days&amp;order=asc#comparison"' in html


def test_an_unknown_sort_column_is_reported_and_the_rows_stay_by_county(
    three_counties, viewer_browser
):
    response = viewer_browser.get(f"/campaigns/{three_counties.pk}/?sort=password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is no column “password” to sort by" in html
    assert [row.county_name for row in shown(response, "comparison")] == [
        "Alpine County",
        "Butte County",
        "Colusa County",
    ]


def test_the_status_history_starts_awaiting_and_ends_where_the_counties_stand(
    three_counties, journalist
):
    today = dt.date(2025, 10, 15)
    rows = campaign_selectors.comparison_rows(three_counties, today=today, reader=journalist)
    steps = campaign_selectors.status_history(three_counties, rows, today=today)
    assert steps[0].day == ISSUED
    assert steps[0].counts["awaiting"] == 3
    assert steps[-1].day == today
    final = {status: n for status, n in steps[-1].counts.items() if n}
    assert final == {"partial": 1, "declined": 1, "escalated": 1}


def test_the_campaign_page_draws_both_charts_and_names_who_has_not_answered(
    three_counties, viewer_browser
):
    html = viewer_browser.get(f"/campaigns/{three_counties.pk}/").content.decode()
    assert "<title>Counties by status over time: Letters of 2025-07-01</title>" in html
    assert "<desc>1 in 0–6 days; 1 in 28–34 days.</desc>" in html
    assert "Yet to answer: 1." in html


def test_the_csv_needs_a_reader_like_the_page(three_counties, client, outsider_browser):
    path = f"/campaigns/{three_counties.pk}/comparison.csv"
    assert "/accounts/login/" in client.get(path).url
    assert outsider_browser.get(path).status_code == 403
    assert client.get("/campaigns/999999/comparison.csv").status_code == 302


def test_a_county_that_complied_without_listing_categories_gave_everything_sought(
    journalist, viewer_browser
):
    full, listed = CountyFactory(name="Full County"), CountyFactory(name="Listed County")
    campaign = services.issue_campaign(
        title="Letters",
        issuing_agency=AgencyFactory(),
        issued_on=ISSUED,
        counties=[full, listed],
        due_basis="calendar_days",
        due_days=30,
        data_sought=["charges", "release_dates"],
        today=ISSUED,
    )
    for county, categories in ((full, []), (listed, ["release_dates"])):
        services.log_response(
            data_request=campaign.requests.get(county=county),
            kind="complied",
            categories_provided=categories,
            received_on=ISSUED + dt.timedelta(days=10),
            actor=journalist,
        )
    records = csv_rows(viewer_browser, f"/campaigns/{campaign.pk}/comparison.csv")
    assert [(r["county"], r["data_given"]) for r in records] == [
        ("Full County", "charges;release_dates"),
        ("Listed County", "release_dates"),
    ]
