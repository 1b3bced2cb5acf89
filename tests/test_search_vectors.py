"""The stored search vectors (models/search.py, migration 0014): PostgreSQL keeps every field of
SEARCH_FIELDS in them, at its weight, whichever way the row was written; renaming a county or
retitling a campaign reaches the rows that show it; a query uses the GIN index."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from requests_tracker import services
from requests_tracker.models import Campaign, County, DataRequest, Escalation, Response, Source
from requests_tracker.models.search import SEARCH_FIELDS
from requests_tracker.selectors import search
from tests.factories import AgencyFactory, CountyFactory, SourceFactory

pytestmark = pytest.mark.django_db

WORD = "zanzibarite"
WEIGHTS = "ABCD"
MODELS = {
    "datarequest": DataRequest,
    "response": Response,
    "escalation": Escalation,
    "source": Source,
}
JULY_17 = dt.date(2025, 7, 17)


@pytest.fixture
def records():
    """One of each searchable record, in one county, the request issued with a campaign."""
    county = CountyFactory(name="Mono County", fips="06998")
    campaign = services.issue_campaign(
        title="Plain campaign",
        issuing_agency=AgencyFactory(),
        issued_on=JULY_17,
        counties=[county],
        due_basis="calendar_days",
        due_days=30,
        data_sought=["charges"],
        today=JULY_17,
    )
    data_request = campaign.requests.get()
    return {
        "datarequest": data_request,
        "response": services.log_response(
            data_request=data_request,
            kind="acknowledged",
            received_on=dt.date(2025, 7, 20),
            today=dt.date(2025, 7, 20),
        ),
        "escalation": services.file_escalation(
            data_request=data_request,
            kind="demand_letter",
            issued_on=dt.date(2025, 8, 20),
            today=dt.date(2025, 8, 20),
        ),
        "source": SourceFactory(title="Plain title", publisher="Plain publisher"),
    }


def weights_holding(record, word: str) -> str:
    """The weights at which `word` is in the record's stored vector ("" when it is not)."""
    table = type(record)._meta.db_table
    found = ""
    with connection.cursor() as cursor:
        for weight in WEIGHTS:
            cursor.execute(
                f"SELECT ts_filter(search_vector, %s::\"char\"[]) @@ to_tsquery('english', %s) "
                f"FROM {table} WHERE id = %s",
                ["{" + weight.lower() + "}", word, record.pk],
            )
            if cursor.fetchone()[0]:
                found += weight
    return found


def write(record, path: str, value: str) -> None:
    """Set the field at `path` straight in the database (no service), as any writer could."""
    if path in ("county__name", "request__county__name"):
        county_id = record.county_id if path == "county__name" else record.request.county_id
        County.objects.filter(pk=county_id).update(name=value)
    elif path == "campaign__title":
        Campaign.objects.filter(pk=record.campaign_id).update(title=value)
    else:
        type(record).objects.filter(pk=record.pk).update(**{path: value})


@pytest.mark.parametrize(
    ("model_name", "weight", "path"),
    [(name, weight, path) for name, fields in SEARCH_FIELDS.items() for weight, path in fields],
)
def test_every_searched_field_is_in_the_stored_vector_at_its_weight(
    records, model_name, weight, path
):
    record = records[model_name]
    assert weights_holding(record, WORD) == ""

    write(record, path, f"Words and {WORD}")

    assert weights_holding(record, WORD) == weight


def test_renaming_a_county_reaches_its_requests_responses_and_escalations(records):
    for name in ("datarequest", "response", "escalation"):
        assert weights_holding(records[name], "mono") == "A", name

    County.objects.filter(name="Mono County").update(name="Inyo County")

    for name in ("datarequest", "response", "escalation"):
        assert weights_holding(records[name], "inyo") == "A", name
        assert weights_holding(records[name], "mono") == "", name


def test_a_campaign_issued_in_bulk_is_searchable_at_once():
    counties = [CountyFactory(name=f"Bulk {n} County", fips=f"0690{n}") for n in range(3)]
    campaign = services.issue_campaign(
        title="Detainer audit",
        issuing_agency=AgencyFactory(),
        issued_on=JULY_17,
        counties=counties,
        due_basis="calendar_days",
        due_days=30,
        data_sought=["charges"],
        summary="Lists of every detainer",
        today=JULY_17,
    )
    found = search.matching_requests(DataRequest.objects.all(), "detainer audit", None)
    assert set(found) == set(campaign.requests.all())


def test_an_edit_through_a_service_is_searchable_at_once(records, editor):
    services.update_request(
        data_request=records["datarequest"], actor=editor, summary="The sheriff declined."
    )
    assert weights_holding(records["datarequest"], "declin") == "B"


@pytest.mark.parametrize("model_name", list(MODELS))
def test_a_search_can_use_the_gin_index(records, model_name, editor):
    matching = {
        "datarequest": search.matching_requests,
        "response": search.matching_responses,
        "escalation": search.matching_escalations,
        "source": search.matching_sources,
    }[model_name]
    queryset = matching(MODELS[model_name].objects.all(), "plain", editor).order_by()
    with connection.cursor() as cursor:
        # A handful of rows: the planner would rightly scan them (or walk another index in its
        # order, filtering); forbid both to see whether the search's own index can answer.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    index = {"datarequest": "datarequest_search"}.get(model_name, f"{model_name}_search")
    assert f"Bitmap Index Scan on {index}" in plan, plan


def test_a_requests_public_vector_is_its_vector_without_the_internal_note(records):
    DataRequest.objects.filter(pk=records["datarequest"].pk).update(
        internal_note="Tipster: call the jail's night note-taker."
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT public_search_vector = ts_filter(search_vector, '{a,b,c}'), "
            "strip(search_vector)::text LIKE %s, strip(public_search_vector)::text LIKE %s "
            "FROM requests_tracker_datarequest WHERE id = %s",
            ["%tipster%", "%tipster%", records["datarequest"].pk],
        )
        same, full_has_note, public_has_note = cursor.fetchone()
    assert same and full_has_note and not public_has_note
