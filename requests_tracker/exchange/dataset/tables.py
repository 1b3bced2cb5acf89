"""The tables of the open-data release: which rows a public instance shows, column by column.

Each Resource names its CSV file and table, its rows (a queryset), and its columns, each written
once: its name, Frictionless type, meaning, whether it is required, its allowed values and where
its value is read from (a `values()` lookup, or a value worked out from the row by the resource's
`finish`, which may also leave a row out). Nothing here writes: dataset/release.py makes files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet
from django.urls import reverse

from requests_tracker.choices import (
    ActivityVerb,
    CaseKind,
    CaseStatus,
    DataCategory,
    DueBasis,
    EscalationKind,
    EscalationStatus,
    RequestStatus,
    ResponseKind,
    SourceKind,
    ThreatKind,
)
from requests_tracker.models import (
    Activity,
    Agency,
    Campaign,
    Case,
    Correction,
    County,
    DataRequest,
    DocketEntry,
    Escalation,
    LegalGround,
    ReportedFigure,
    Response,
    Source,
    Threat,
)
from requests_tracker.presentation.links import absolute_url
from requests_tracker.selectors.history import corrections_shown_to
from requests_tracker.selectors.visibility import published

SOURCE_EVENTS = (ActivityVerb.SOURCE_ADDED, ActivityVerb.SOURCE_REMOVED)
COMPUTED = ""
"""A column's `read` when `finish` works its value out from the row."""


def public_sources() -> QuerySet[Source]:
    """The sources an anonymous reader of a public instance may know exist: none sensitive, none
    under embargo."""
    return Source.objects.filter(sensitive=False, embargoed=False)


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Frictionless field type: string, integer, number, boolean, date, datetime
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()
    read: str | None = None  # the values() lookup; None: the column's name; COMPUTED: finish


@dataclass
class Visibility:
    """What every table of one release needs to know once: which sources are public."""

    public_source_ids: set[int] = field(default_factory=set)

    @classmethod
    def now(cls) -> Visibility:
        return cls(public_source_ids=set(public_sources().values_list("pk", flat=True)))


Finish = Callable[[dict[str, Any], Visibility], dict[str, Any] | None]


@dataclass(frozen=True)
class Resource:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    queryset: Callable[[], QuerySet]
    finish: Finish | None = None
    also_read: tuple[str, ...] = ()  # lookups `finish` needs that are not columns
    primary_key: tuple[str, ...] = ("id",)
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (column, resource, its column)

    def rows(self, visibility: Visibility) -> Iterator[dict[str, Any]]:
        """The table's rows, each a dict by column name (after `finish`)."""
        reads = {c.name: c.read or c.name for c in self.columns if c.read != COMPUTED}
        lookups = [*dict.fromkeys([*reads.values(), *self.also_read])]
        for values in self.queryset().values(*lookups).iterator(chunk_size=2000):
            row = {name: values[lookup] for name, lookup in reads.items()}
            row.update({lookup: values[lookup] for lookup in self.also_read})
            if self.finish is not None:
                row = self.finish(row, visibility)
                if row is None:
                    continue
            yield {column.name: row.get(column.name) for column in self.columns}


# --- Columns used by several tables ----------------------------------------------------------

ID = Column("id", "integer", "The record's id in the tracker.", required=True, read="pk")
COUNTY = Column(
    "county_fips",
    "string",
    "The county's five-digit FIPS code.",
    required=True,
    read="county__fips",
)
PAGE = Column("page", "string", "The record's page on the tracker.", read=COMPUTED)
SUMMARY = Column("summary", "string", "What happened, in the newsroom's words.")
CATEGORIES = f"Data categories, separated by '; ' ({', '.join(DataCategory.values)})."
COUNTY_KEY = ("county_fips", "counties", "fips")
REQUEST_KEY = ("request_id", "requests", "id")
SOURCE_KEY = ("source_id", "sources", "id")
AGENCY_KEY = ("issuing_agency_id", "agencies", "id")
CAMPAIGN_KEY = ("campaign_id", "campaigns", "id")
CASE_KEY = ("case_id", "cases", "id")
PERSON_KEY = ("person_id", "people", "id")
SLUG = Column("slug", "string", "Its short name.", required=True)
NAME = Column("name", "string", "Its name.", required=True)
CASE = Column("case_id", "integer", "The case.", required=True)
FILED_ON = Column("filed_on", "date", "The day it was filed.", required=True)
UNCERTAIN = Column("uncertain", "boolean", "Reported but not confirmed from a primary source.")
RELEASED_SOURCE = Column("source_id", "integer", "Its source (empty: not released).")


def choice(name: str, choices: Any, description: str) -> Column:
    return Column(name, "string", description, required=True, enum=tuple(choices.values))


def page_of(view: str, key: str = "id") -> Finish:
    """A finish that links each row to its page on the tracker."""

    def finish(row: dict[str, Any], visibility: Visibility) -> dict[str, Any]:
        row["page"] = absolute_url(reverse(view, args=[row[key]]))
        return row

    return finish


LETTER = (
    Column("issued_on", "date", "The letter's date.", required=True),
    Column("due_on", "date", "The deadline (after any extension).", required=True),
    choice("due_basis", DueBasis, "How the deadline was set."),
    Column("due_rule", "string", "The deadline's words, or the rule used."),
    Column("data_sought", "string", CATEGORIES),
    Column("legal_authority", "string", "What DOJ cited."),
    SUMMARY,
)


# --- What some tables leave out or work out --------------------------------------------------


def _county(row: dict[str, Any], visibility: Visibility) -> dict[str, Any]:
    if row["sanctuary_source_id"] not in visibility.public_source_ids:
        row["sanctuary_source_id"] = None  # the stance stays; its source is not public
    return page_of("web:county_detail", "fips")(row, visibility)


def _source(row: dict[str, Any], visibility: Visibility) -> dict[str, Any]:
    row["document"] = (
        absolute_url(reverse("web:source_file", args=[row["id"]])) if row["file"] else None
    )
    return page_of("web:source_detail")(row, visibility)


def withhold_private_source(row: dict[str, Any], visibility: Visibility) -> dict[str, Any]:
    if row["source_id"] not in visibility.public_source_ids:
        row["source_id"] = None
    return row


def _event(row: dict[str, Any], visibility: Visibility) -> dict[str, Any] | None:
    source_id = row["data"].get("source_id")
    if row["verb"] in SOURCE_EVENTS and source_id not in visibility.public_source_ids:
        return None  # its summary names a source the public may not know exists
    return row


def _correction(row: dict[str, Any], visibility: Visibility) -> dict[str, Any]:
    # Linked records named as a public page names them today (history.corrections_shown_to).
    [shown] = corrections_shown_to(
        [Correction(kind=row["kind"], changes=row["changes"])], AnonymousUser()
    )
    changes = [{k: change[k] for k in ("label", "from", "to")} for change in shown.shown_changes]
    row["changes"] = json.dumps(changes, ensure_ascii=False)
    return row


def links(
    record: str,
    model: type[Model],
    field: str,
    other: str,
    key: tuple[str, str, str],
    other_column: str,
) -> Resource:
    """Which `other` records each `record` is tied to (a many-to-many link table)."""
    through = getattr(model, field).through
    record_id = f"{model._meta.model_name}_id"
    other_model = model._meta.get_field(field).related_model
    other_id = f"{other_model._meta.model_name}_id"
    return Resource(
        f"{record}_{field}",
        f"{field.capitalize()} of each {record}",
        f"Which {field} each {record} concerns.",
        (
            Column(f"{record}_id", "integer", f"The {record}.", required=True, read=record_id),
            Column(
                key[0],
                "string" if other_column == "fips" else "integer",
                f"The {other}.",
                required=True,
                read=f"{other_id[:-3]}__{other_column}",
            ),
        ),
        lambda: through.objects.order_by(record_id, other_id),
        primary_key=(f"{record}_id", key[0]),
        foreign_keys=((f"{record}_id", f"{record}s", "id"), key),
    )


def citations(record: str, model: type[Model], resource: str) -> Resource:
    """The public sources each published record of `model` cites (its link table, sensitive and
    embargoed ones out)."""
    through = model.sources.through
    record_id = f"{model._meta.model_name}_id"  # the link table's column (datarequest_id)
    return Resource(
        f"{record}_sources",
        f"Sources cited by {resource}",
        f"Which public sources each {record} cites.",
        (
            Column(f"{record}_id", "integer", f"The {record}.", required=True, read=record_id),
            Column("source_id", "integer", "The source.", required=True),
        ),
        lambda: through.objects.filter(
            source__in=public_sources(), **{f"{record_id}__in": published(model.objects.all())}
        ).order_by(record_id, "source_id"),
        primary_key=(f"{record}_id", "source_id"),
        foreign_keys=((f"{record}_id", resource, "id"), SOURCE_KEY),
    )


BASE_RESOURCES: tuple[Resource, ...] = (
    Resource(
        "counties",
        "Counties",
        "Every county on file, with its stance on cooperation with immigration enforcement.",
        (
            Column("fips", "string", "Five-digit FIPS code.", required=True),
            Column("name", "string", "The county's name.", required=True),
            Column("state", "string", "Two-letter USPS code.", required=True),
            choice("sanctuary_status", County.SanctuaryStatus, "Cooperation with ICE."),
            Column("sanctuary_source_id", "integer", "The source of that stance."),
            PAGE,
        ),
        lambda: County.objects.order_by("fips"),
        _county,
        primary_key=("fips",),
        foreign_keys=(("sanctuary_source_id", "sources", "id"),),
    ),
    Resource(
        "agencies",
        "Agencies",
        "Bodies that issue or answer requests (DOJ components, sheriffs, county counsel).",
        (
            ID,
            Column("name", "string", "The agency's name.", required=True),
            choice("level", Agency.Level, "federal, state, county or city."),
            Column("county_fips", "string", "The county of a local agency.", read="county__fips"),
        ),
        lambda: Agency.objects.order_by("pk"),
        foreign_keys=(COUNTY_KEY,),
    ),
    Resource(
        "sources",
        "Sources",
        "The evidence behind the facts: documents, court filings, statements, news reports.",
        (
            ID,
            Column("title", "string", "The source's title.", required=True),
            Column("url", "string", "Its address."),
            Column("publisher", "string", "Who published it."),
            Column("published_on", "date", "When it was published."),
            choice("kind", SourceKind, "What kind of source it is."),
            Column("archived_url", "string", "An archived copy's address."),
            Column("document", "string", "The tracker's stored copy.", read=COMPUTED),
            Column("document_sha256", "string", "SHA-256 of the stored copy.", read="sha256"),
            Column("verified_on", "date", "When a newsroom editor verified it."),
            PAGE,
        ),
        lambda: public_sources().order_by("pk"),
        _source,
        also_read=("file",),
    ),
    Resource(
        "campaigns",
        "Campaigns",
        "DOJ actions sent to many counties at once (the same letter, date and deadline).",
        (
            ID,
            Column("title", "string", "The campaign's title.", required=True),
            Column("issuing_agency_id", "integer", "Who issued it.", required=True),
            *LETTER,
        ),
        lambda: Campaign.objects.order_by("pk"),
        foreign_keys=(AGENCY_KEY,),
    ),
    Resource(
        "requests",
        "Requests",
        "What each county was asked for, by whom, by when, and where it stands.",
        (
            ID,
            COUNTY,
            Column("campaign_id", "integer", "The campaign the letter belongs to."),
            Column("issuing_agency_id", "integer", "Who asked.", required=True),
            Column("addressee", "string", "Who the letter was addressed to."),
            *LETTER,
            choice("status", RequestStatus, "Where the request stands (derived from answers)."),
            Column("overdue_since", "date", "The first day past the deadline, while overdue."),
            PAGE,
        ),
        lambda: published(DataRequest.objects.order_by("pk")),
        page_of("web:request_detail"),
        foreign_keys=(COUNTY_KEY, CAMPAIGN_KEY, AGENCY_KEY),
    ),
    Resource(
        "responses",
        "Responses",
        "The counties' answers (and the extensions DOJ granted).",
        (
            ID,
            Column("request_id", "integer", "The request answered.", required=True),
            Column("received_on", "date", "When the answer came.", required=True),
            Column("responding_agency_id", "integer", "Who answered."),
            Column("official", "string", "The official who answered."),
            Column("person_id", "integer", "That official, if on file (people.id)."),
            choice("kind", ResponseKind, "What kind of answer it was."),
            Column("categories_provided", "string", f"What was given. {CATEGORIES}"),
            Column("records_provided", "integer", "How many records were given."),
            Column("legal_basis_cited", "string", "The county's counter-authority."),
            Column("said_at", "string", "Where it was said (a letter, a news conference, ...)."),
            Column(
                "already_public_url", "string", "Where the answer says the data is already public."
            ),
            Column("new_due_on", "date", "The new deadline an extension set."),
            SUMMARY,
            Column("quotation", "string", "A short quotation of the answer."),
        ),
        lambda: published(Response.objects.order_by("pk")),
        foreign_keys=(
            REQUEST_KEY,
            ("responding_agency_id", "agencies", "id"),
            PERSON_KEY,
        ),
    ),
    Resource(
        "escalations",
        "Escalations",
        "DOJ's next steps: demand letters, subpoenas, lawsuits, court orders.",
        (
            ID,
            Column("request_id", "integer", "The request escalated.", required=True),
            choice("kind", EscalationKind, "What DOJ did."),
            Column("follows_id", "integer", "The earlier step this one builds on."),
            Column("issued_on", "date", "When.", required=True),
            Column("due_on", "date", "Compliance or return date."),
            Column("court", "string", "The court."),
            Column("case_number", "string", "The case number."),
            choice("status", EscalationStatus, "Where it stands."),
            Column("overdue_since", "date", "The first day past its due date, while overdue."),
            SUMMARY,
        ),
        lambda: published(Escalation.objects.order_by("pk")),
        foreign_keys=(REQUEST_KEY, ("follows_id", "escalations", "id")),
    ),
    Resource(
        "figures",
        "Reported figures",
        "Numbers officials reported, with their period and source.",
        (
            ID,
            Column(
                "metric", "string", "What was counted (metrics.slug).", True, read="metric__slug"
            ),
            choice(
                "scope", ReportedFigure.Scope, "Whether it counts a county, a state or the nation."
            ),
            Column("state", "string", "The state it counts (empty: the nation)."),
            Column("county_fips", "string", "The county it counts, if one.", read="county__fips"),
            Column("value", "number", "The number reported.", required=True),
            Column("period_start", "date", "First day counted.", required=True),
            Column("period_end", "date", "Last day counted.", required=True),
            Column("period_label", "string", "The period as reported."),
            Column("reported_by", "string", "Who reported it."),
            Column("person_id", "integer", "The official who reported it (people.id)."),
            Column("corrects_id", "integer", "The earlier figure it corrects."),
            Column("note", "string", "A note shown with the figure."),
            UNCERTAIN,
            RELEASED_SOURCE,
        ),
        lambda: published(ReportedFigure.objects.order_by("pk")),
        withhold_private_source,
        foreign_keys=(
            ("metric", "metrics", "slug"),
            COUNTY_KEY,
            PERSON_KEY,
            ("corrects_id", "figures", "id"),
            SOURCE_KEY,
        ),
    ),
    Resource(
        "cases",
        "Court cases",
        "Suits, subpoena enforcement actions and challenges tied to DOJ's demands.",
        (
            ID,
            Column("title", "string", "The case's name.", required=True),
            Column("court", "string", "The court.", required=True),
            Column("docket_number", "string", "Its number on the court's docket.", required=True),
            choice("kind", CaseKind, "Which way it runs: DOJ's suit, or a challenge to DOJ."),
            Column("parties", "string", "Who is suing whom, as the docket names them."),
            FILED_ON,
            Column("closed_on", "date", "The day it ended."),
            choice("status", CaseStatus, "Where it stands."),
            Column("outcome", "string", "How it ended, in a line."),
            Column("courtlistener_docket_id", "integer", "Its docket's id on CourtListener."),
            SUMMARY,
            PAGE,
        ),
        lambda: Case.objects.order_by("pk"),
        page_of("web:case_detail"),
    ),
    links("case", Case, "counties", "county", ("county_fips", "counties", "fips"), "fips"),
    links("case", Case, "requests", "request", REQUEST_KEY, "id"),
    Resource(
        "docket_entries",
        "Docket entries",
        "The filings on each case's docket, in the order they were filed.",
        (
            ID,
            CASE,
            Column("entry_number", "integer", "Its number on the docket (empty: unnumbered)."),
            FILED_ON,
            Column("description", "string", "The docket's text.", required=True),
            Column("source_id", "integer", "Its source, the filing (empty: not released)."),
        ),
        lambda: DocketEntry.objects.order_by("case_id", "filed_on", "pk"),
        withhold_private_source,
        foreign_keys=(CASE_KEY, SOURCE_KEY),
    ),
    Resource(
        "threats",
        "Threats",
        "What DOJ said it would do if counties did not comply, and the escalation that carried "
        "it out, if one did.",
        (
            ID,
            Column("campaign_id", "integer", "The campaign whose letter made it (else empty)."),
            Column("request_id", "integer", "The one request it was made to (else empty)."),
            choice("kind", ThreatKind, "What was threatened."),
            Column("threatened_on", "date", "The day it was made.", required=True),
            Column("threatened_by", "string", "Who made it.", required=True),
            Column("person_id", "integer", "The official who made it, if on file (people.id)."),
            Column("condition", "string", "Its words or condition."),
            Column(
                "carried_out_by_id", "integer", "The escalation that carried it out (else empty)."
            ),
            SUMMARY,
        ),
        lambda: published(Threat.objects.order_by("pk")),
        foreign_keys=(
            CAMPAIGN_KEY,
            REQUEST_KEY,
            ("carried_out_by_id", "escalations", "id"),
            PERSON_KEY,
        ),
    ),
    citations("threat", Threat, "threats"),
    Resource(
        "legal_grounds",
        "Legal grounds",
        "The laws DOJ's demands and the counties' answers cite.",
        (
            ID,
            SLUG,
            NAME,
            Column("citation", "string", "Its citation.", required=True),
            Column("level", "string", "federal, state or local.", required=True),
            SUMMARY,
        ),
        lambda: LegalGround.objects.order_by("pk"),
    ),
    links(
        "legal_ground",
        LegalGround,
        "campaigns",
        "campaign",
        CAMPAIGN_KEY,
        "id",
    ),
    links("legal_ground", LegalGround, "requests", "request", REQUEST_KEY, "id"),
    links(
        "legal_ground",
        LegalGround,
        "responses",
        "response",
        ("response_id", "responses", "id"),
        "id",
    ),
    links(
        "legal_ground",
        LegalGround,
        "escalations",
        "escalation",
        ("escalation_id", "escalations", "id"),
        "id",
    ),
    citations("case", Case, "cases"),
    citations("campaign", Campaign, "campaigns"),
    citations("request", DataRequest, "requests"),
    citations("response", Response, "responses"),
    citations("escalation", Escalation, "escalations"),
    Resource(
        "events",
        "Timeline",
        "What happened, in the order it was recorded: letters, answers, deadlines, escalations.",
        (
            ID,
            Column("occurred_on", "date", "The day it happened.", required=True),
            Column(
                "recorded_at", "datetime", "When it was recorded (UTC).", True, read="created_at"
            ),
            choice("verb", ActivityVerb, "What kind of event."),
            Column("county_fips", "string", "The county.", read="county__fips"),
            Column("campaign_id", "integer", "The campaign."),
            Column("request_id", "integer", "The request."),
            Column("response_id", "integer", "The response."),
            Column("escalation_id", "integer", "The escalation."),
            Column("summary", "string", "The event in one line.", required=True),
        ),
        lambda: published(Activity.objects.order_by("created_at", "pk")),
        _event,
        also_read=("data",),
        foreign_keys=(
            COUNTY_KEY,
            CAMPAIGN_KEY,
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
            ID,
            Column("corrected_at", "datetime", "When (UTC).", required=True, read="created_at"),
            choice("kind", Correction.Kind, "What kind of record was corrected."),
            COUNTY,
            Column("request_id", "integer", "The request (or the corrected entry's request)."),
            Column("response_id", "integer", "The corrected response."),
            Column("escalation_id", "integer", "The corrected escalation."),
            Column("figure_id", "integer", "The corrected figure."),
            Column("record", "string", "The record as named.", required=True, read="record_label"),
            Column("note", "string", "The correction note.", required=True),
            Column("changes", "string", "What changed: a JSON list of {label, from, to}."),
        ),
        lambda: published(Correction.objects.order_by("created_at", "pk")),
        _correction,
        foreign_keys=(
            COUNTY_KEY,
            REQUEST_KEY,
            ("response_id", "responses", "id"),
            ("escalation_id", "escalations", "id"),
            ("figure_id", "figures", "id"),
        ),
    ),
)
