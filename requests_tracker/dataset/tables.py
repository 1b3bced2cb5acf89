"""The tables of the open-data release: which rows a public instance shows, column by column.

Each Resource names its CSV file and table, its columns (a Frictionless type, a description,
whether it is required, the allowed values), its keys, and the function that reads its rows.
Nothing here writes: dataset/release.py turns them into files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from requests_tracker.choices import (
    ActivityVerb,
    DataCategory,
    DueBasis,
    EscalationKind,
    EscalationStatus,
    RequestStatus,
    ResponseKind,
    SourceKind,
)
from requests_tracker.links import absolute_url
from requests_tracker.models import (
    Activity,
    Agency,
    Campaign,
    Correction,
    County,
    DataRequest,
    Escalation,
    ReportedFigure,
    Response,
    Source,
)

SOURCE_EVENTS = (ActivityVerb.SOURCE_ADDED, ActivityVerb.SOURCE_REMOVED)


def public_sources() -> QuerySet[Source]:
    """The sources an anonymous reader of a public instance may know exist: none sensitive."""
    return Source.objects.filter(sensitive=False)


# --- The tables ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Frictionless field type: string, integer, number, boolean, date, datetime
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resource:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[dict[str, Any]]]
    primary_key: tuple[str, ...] = ("id",)
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (column, resource, its column)


def _id(description: str = "The record's id in the tracker.") -> Column:
    return Column("id", "integer", description, required=True)


def _values(queryset: QuerySet, **renamed: str) -> Iterator[dict[str, Any]]:
    """Rows of `queryset` as dicts, columns named as the dataset names them."""
    for row in queryset.values(*renamed.values()).iterator(chunk_size=2000):
        yield {name: row[lookup] for name, lookup in renamed.items()}


def _page(name: str, pk: int) -> str:
    return absolute_url(reverse(name, args=[pk]))


def _counties() -> Iterator[dict[str, Any]]:
    public = set(public_sources().values_list("pk", flat=True))
    for row in _values(
        County.objects.order_by("fips"),
        fips="fips",
        name="name",
        state="state",
        sanctuary_status="sanctuary_status",
        sanctuary_source_id="sanctuary_source_id",
    ):
        if row["sanctuary_source_id"] not in public:
            row["sanctuary_source_id"] = None
        row["page"] = absolute_url(reverse("web:county_detail", args=[row["fips"]]))
        yield row


def _sources() -> Iterator[dict[str, Any]]:
    for row in _values(
        public_sources().order_by("pk"),
        id="pk",
        title="title",
        url="url",
        publisher="publisher",
        published_on="published_on",
        kind="kind",
        archived_url="archived_url",
        document="file",
        document_sha256="sha256",
        verified_on="verified_on",
    ):
        row["document"] = _page("web:source_file", row["id"]) if row["document"] else None
        row["page"] = _page("web:source_detail", row["id"])
        yield row


def _requests() -> Iterator[dict[str, Any]]:
    for row in _values(
        DataRequest.objects.order_by("pk"),
        id="pk",
        county_fips="county__fips",
        campaign_id="campaign_id",
        issuing_agency_id="issuing_agency_id",
        addressee="addressee",
        issued_on="issued_on",
        due_on="due_on",
        due_basis="due_basis",
        due_rule="due_rule",
        data_sought="data_sought",
        legal_authority="legal_authority",
        summary="summary",
        status="status",
        overdue_since="overdue_since",
    ):
        row["page"] = _page("web:request_detail", row["id"])
        yield row


def _figures() -> Iterator[dict[str, Any]]:
    public = set(public_sources().values_list("pk", flat=True))
    for row in _values(
        ReportedFigure.objects.order_by("pk"),
        id="pk",
        county_fips="county__fips",
        metric="metric",
        value="value",
        unit="unit",
        period_start="period_start",
        period_end="period_end",
        period_label="period_label",
        reported_by="reported_by",
        note="note",
        source_id="source_id",
    ):
        if row["source_id"] not in public:
            row["source_id"] = None
        yield row


def _citations(model: Any, column: str) -> Callable[[], Iterator[dict[str, Any]]]:
    """The public sources each record of `model` cites, its id named `column`."""
    through = model.sources.through
    record_id = f"{model._meta.model_name}_id"  # the link table's column (datarequest_id)

    def rows() -> Iterator[dict[str, Any]]:
        cited = through.objects.filter(source__in=public_sources()).order_by(record_id, "source_id")
        yield from _values(cited, **{column: record_id, "source_id": "source_id"})

    return rows


def _events() -> Iterator[dict[str, Any]]:
    withheld = set(Source.objects.filter(sensitive=True).values_list("pk", flat=True))
    rows = Activity.objects.order_by("created_at", "pk").values(
        "pk",
        "occurred_on",
        "created_at",
        "verb",
        "county__fips",
        "campaign_id",
        "request_id",
        "response_id",
        "escalation_id",
        "summary",
        "data",
    )
    for row in rows.iterator(chunk_size=2000):
        if row["verb"] in SOURCE_EVENTS and row["data"].get("source_id") in withheld:
            continue  # its summary names a source the public may not know exists
        yield {
            "id": row["pk"],
            "occurred_on": row["occurred_on"],
            "recorded_at": row["created_at"],
            "verb": row["verb"],
            "county_fips": row["county__fips"],
            "campaign_id": row["campaign_id"],
            "request_id": row["request_id"],
            "response_id": row["response_id"],
            "escalation_id": row["escalation_id"],
            "summary": row["summary"],
        }


def _corrections() -> Iterator[dict[str, Any]]:
    for row in _values(
        Correction.objects.order_by("created_at", "pk"),
        id="pk",
        corrected_at="created_at",
        kind="kind",
        county_fips="county__fips",
        request_id="request_id",
        response_id="response_id",
        escalation_id="escalation_id",
        figure_id="figure_id",
        record="record_label",
        note="note",
        changes="changes",
    ):
        row["changes"] = json.dumps(
            [{k: change[k] for k in ("label", "from", "to")} for change in row["changes"]],
            ensure_ascii=False,
        )
        yield row


COUNTY = Column("county_fips", "string", "The county's five-digit FIPS code.", required=True)
PAGE = Column("page", "string", "The record's page on the tracker.")
CATEGORIES = f"Data categories, separated by '; ' ({', '.join(DataCategory.values)})."
COUNTY_KEY = ("county_fips", "counties", "fips")
REQUEST_KEY = ("request_id", "requests", "id")
SOURCE_KEY = ("source_id", "sources", "id")


def _choice(name: str, choices: Any, description: str, required: bool = True) -> Column:
    return Column(name, "string", description, required=required, enum=tuple(choices.values))


RESOURCES: tuple[Resource, ...] = (
    Resource(
        "counties",
        "Counties",
        "Every county on file, with its stance on cooperation with immigration enforcement.",
        (
            Column("fips", "string", "Five-digit FIPS code.", required=True),
            Column("name", "string", "The county's name.", required=True),
            Column("state", "string", "Two-letter USPS code.", required=True),
            _choice("sanctuary_status", County.SanctuaryStatus, "Cooperation with ICE."),
            Column("sanctuary_source_id", "integer", "The source of that stance."),
            PAGE,
        ),
        _counties,
        primary_key=("fips",),
        foreign_keys=(("sanctuary_source_id", "sources", "id"),),
    ),
    Resource(
        "agencies",
        "Agencies",
        "Bodies that issue or answer requests (DOJ components, sheriffs, county counsel).",
        (
            _id(),
            Column("name", "string", "The agency's name.", required=True),
            _choice("level", Agency.Level, "federal, state, county or city."),
            Column("county_fips", "string", "The county of a local agency."),
        ),
        lambda: _values(
            Agency.objects.order_by("pk"),
            id="pk",
            name="name",
            level="level",
            county_fips="county__fips",
        ),
        foreign_keys=(COUNTY_KEY,),
    ),
    Resource(
        "sources",
        "Sources",
        "The evidence behind the facts: documents, court filings, statements, news reports.",
        (
            _id(),
            Column("title", "string", "The source's title.", required=True),
            Column("url", "string", "Its address."),
            Column("publisher", "string", "Who published it."),
            Column("published_on", "date", "When it was published."),
            _choice("kind", SourceKind, "What kind of source it is."),
            Column("archived_url", "string", "An archived copy's address."),
            Column("document", "string", "The tracker's stored copy of the document."),
            Column("document_sha256", "string", "SHA-256 of the stored copy."),
            Column("verified_on", "date", "When a newsroom editor verified it."),
            PAGE,
        ),
        _sources,
    ),
    Resource(
        "campaigns",
        "Campaigns",
        "DOJ actions sent to many counties at once (the same letter, date and deadline).",
        (
            _id(),
            Column("title", "string", "The campaign's title.", required=True),
            Column("issuing_agency_id", "integer", "Who issued it.", required=True),
            Column("issued_on", "date", "The letters' date.", required=True),
            Column("due_on", "date", "The deadline the letters gave.", required=True),
            _choice("due_basis", DueBasis, "How the deadline was set."),
            Column("due_rule", "string", "The deadline's words, or the rule used."),
            Column("data_sought", "string", CATEGORIES),
            Column("legal_authority", "string", "What DOJ cited."),
            Column("summary", "string", "What was asked, in the newsroom's words."),
        ),
        lambda: _values(
            Campaign.objects.order_by("pk"),
            id="pk",
            title="title",
            issuing_agency_id="issuing_agency_id",
            issued_on="issued_on",
            due_on="due_on",
            due_basis="due_basis",
            due_rule="due_rule",
            data_sought="data_sought",
            legal_authority="legal_authority",
            summary="summary",
        ),
        foreign_keys=(("issuing_agency_id", "agencies", "id"),),
    ),
    Resource(
        "requests",
        "Requests",
        "What each county was asked for, by whom, by when, and where it stands.",
        (
            _id(),
            COUNTY,
            Column("campaign_id", "integer", "The campaign the letter belongs to."),
            Column("issuing_agency_id", "integer", "Who asked.", required=True),
            Column("addressee", "string", "Who the letter was addressed to."),
            Column("issued_on", "date", "The letter's date.", required=True),
            Column("due_on", "date", "The deadline now (after any extension).", required=True),
            _choice("due_basis", DueBasis, "How the deadline was set."),
            Column("due_rule", "string", "The deadline's words, or the rule used."),
            Column("data_sought", "string", CATEGORIES),
            Column("legal_authority", "string", "What DOJ cited."),
            Column("summary", "string", "What was asked, in the newsroom's words."),
            _choice("status", RequestStatus, "Where the request stands (derived from answers)."),
            Column("overdue_since", "date", "The first day past the deadline, while overdue."),
            PAGE,
        ),
        _requests,
        foreign_keys=(
            COUNTY_KEY,
            ("campaign_id", "campaigns", "id"),
            ("issuing_agency_id", "agencies", "id"),
        ),
    ),
    Resource(
        "responses",
        "Responses",
        "The counties' answers (and the extensions DOJ granted).",
        (
            _id(),
            Column("request_id", "integer", "The request answered.", required=True),
            Column("received_on", "date", "When the answer came.", required=True),
            Column("responding_agency_id", "integer", "Who answered."),
            Column("official", "string", "The official who answered."),
            _choice("kind", ResponseKind, "What kind of answer it was."),
            Column("categories_provided", "string", f"What was given. {CATEGORIES}"),
            Column("records_provided", "integer", "How many records were given."),
            Column("legal_basis_cited", "string", "The county's counter-authority."),
            Column("new_due_on", "date", "The new deadline an extension set."),
            Column("summary", "string", "What the county said, in the newsroom's words."),
            Column("quotation", "string", "A short quotation of the answer."),
        ),
        lambda: _values(
            Response.objects.order_by("pk"),
            id="pk",
            request_id="request_id",
            received_on="received_on",
            responding_agency_id="responding_agency_id",
            official="official",
            kind="kind",
            categories_provided="categories_provided",
            records_provided="records_provided",
            legal_basis_cited="legal_basis_cited",
            new_due_on="new_due_on",
            summary="summary",
            quotation="quotation",
        ),
        foreign_keys=(REQUEST_KEY, ("responding_agency_id", "agencies", "id")),
    ),
    Resource(
        "escalations",
        "Escalations",
        "DOJ's next steps: demand letters, subpoenas, lawsuits, court orders.",
        (
            _id(),
            Column("request_id", "integer", "The request escalated.", required=True),
            _choice("kind", EscalationKind, "What DOJ did."),
            Column("follows_id", "integer", "The earlier step this one builds on."),
            Column("issued_on", "date", "When.", required=True),
            Column("due_on", "date", "Compliance or return date."),
            Column("court", "string", "The court."),
            Column("case_number", "string", "The case number."),
            _choice("status", EscalationStatus, "Where it stands."),
            Column("overdue_since", "date", "The first day past its due date, while overdue."),
            Column("summary", "string", "What DOJ did, in the newsroom's words."),
        ),
        lambda: _values(
            Escalation.objects.order_by("pk"),
            id="pk",
            request_id="request_id",
            kind="kind",
            follows_id="follows_id",
            issued_on="issued_on",
            due_on="due_on",
            court="court",
            case_number="case_number",
            status="status",
            overdue_since="overdue_since",
            summary="summary",
        ),
        foreign_keys=(REQUEST_KEY, ("follows_id", "escalations", "id")),
    ),
    Resource(
        "figures",
        "Reported figures",
        "Numbers officials reported, with their period and source.",
        (
            _id(),
            COUNTY,
            Column("metric", "string", "What was counted.", required=True),
            Column("value", "number", "The number reported.", required=True),
            Column("unit", "string", "Its unit."),
            Column("period_start", "date", "First day counted.", required=True),
            Column("period_end", "date", "Last day counted.", required=True),
            Column("period_label", "string", "The period as reported."),
            Column("reported_by", "string", "Who reported it."),
            Column("note", "string", "A note shown with the figure."),
            Column("source_id", "integer", "Its source (empty: not released)."),
        ),
        _figures,
        foreign_keys=(COUNTY_KEY, SOURCE_KEY),
    ),
    *(
        Resource(
            f"{record}_sources",
            f"Sources cited by {plural}",
            f"Which public sources each {record} cites.",
            (
                Column(f"{record}_id", "integer", f"The {record}.", required=True),
                Column("source_id", "integer", "The source.", required=True),
            ),
            _citations(model, f"{record}_id"),
            primary_key=(f"{record}_id", "source_id"),
            foreign_keys=((f"{record}_id", resource, "id"), SOURCE_KEY),
        )
        for record, plural, model, resource in (
            ("campaign", "campaigns", Campaign, "campaigns"),
            ("request", "requests", DataRequest, "requests"),
            ("response", "responses", Response, "responses"),
            ("escalation", "escalations", Escalation, "escalations"),
        )
    ),
    Resource(
        "events",
        "Timeline",
        "What happened, in the order it was recorded: letters, answers, deadlines, escalations.",
        (
            _id(),
            Column("occurred_on", "date", "The day it happened.", required=True),
            Column("recorded_at", "datetime", "When it was recorded (UTC).", required=True),
            _choice("verb", ActivityVerb, "What kind of event."),
            Column("county_fips", "string", "The county."),
            Column("campaign_id", "integer", "The campaign."),
            Column("request_id", "integer", "The request."),
            Column("response_id", "integer", "The response."),
            Column("escalation_id", "integer", "The escalation."),
            Column("summary", "string", "The event in one line.", required=True),
        ),
        _events,
        foreign_keys=(
            COUNTY_KEY,
            ("campaign_id", "campaigns", "id"),
            REQUEST_KEY,
            ("response_id", "responses", "id"),
            ("escalation_id", "escalations", "id"),
        ),
    ),
    Resource(
        "corrections",
        "Corrections",
        "Every public correction of a published fact: the note, and what changed.",
        (
            _id(),
            Column("corrected_at", "datetime", "When (UTC).", required=True),
            _choice("kind", Correction.Kind, "What kind of record was corrected."),
            COUNTY,
            Column("request_id", "integer", "The request (or the corrected entry's request)."),
            Column("response_id", "integer", "The corrected response."),
            Column("escalation_id", "integer", "The corrected escalation."),
            Column("figure_id", "integer", "The corrected figure."),
            Column("record", "string", "The record as named when corrected.", required=True),
            Column("note", "string", "The correction note.", required=True),
            Column("changes", "string", "What changed: a JSON list of {label, from, to}."),
        ),
        _corrections,
        foreign_keys=(
            COUNTY_KEY,
            REQUEST_KEY,
            ("response_id", "responses", "id"),
            ("escalation_id", "escalations", "id"),
            ("figure_id", "figures", "id"),
        ),
    ),
)
