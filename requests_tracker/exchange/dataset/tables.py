"""The tables of the open-data release: which rows a public instance shows, column by column.

Each Resource names its CSV file and table, its rows (a queryset), and its columns: most of them
a model's fields, described by the model (dataset/columns.py); the others written out here, such
as a value worked out from the row by the resource's `finish` (which may also leave a row out).
Nothing here writes: dataset/release.py makes files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from dataclasses import field as attribute
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet
from django.urls import reverse

from requests_tracker.choices import ActivityVerb
from requests_tracker.exchange.dataset.columns import COMPUTED, Column, field, fields
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
from requests_tracker.services.escalations import ESCALATION_FIELDS
from requests_tracker.services.figures import FIGURE_FIELDS
from requests_tracker.services.responses import RESPONSE_FIELDS

SOURCE_EVENTS = (ActivityVerb.SOURCE_ADDED, ActivityVerb.SOURCE_REMOVED)


def public_sources() -> QuerySet[Source]:
    """The sources an anonymous reader of a public instance may know exist: none sensitive, none
    under embargo."""
    return Source.objects.filter(sensitive=False, embargoed=False)


@dataclass
class Visibility:
    """What every table of one release needs to know once: which sources are public."""

    public_source_ids: set[int] = attribute(default_factory=set)

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
PAGE = Column("page", "string", "The record's page on the tracker.", read=COMPUTED)
COUNTY_KEY = ("county_fips", "counties", "fips")
REQUEST_KEY = ("request_id", "requests", "id")
SOURCE_KEY = ("source_id", "sources", "id")
AGENCY_KEY = ("issuing_agency_id", "agencies", "id")
CAMPAIGN_KEY = ("campaign_id", "campaigns", "id")
CASE_KEY = ("case_id", "cases", "id")
PERSON_KEY = ("person_id", "people", "id")
RELEASED_SOURCE = Column("source_id", "integer", "Its source (empty: not released).")


def county(model: type[Model]) -> Column:
    """A record's county, by its five-digit FIPS code."""
    return field(model, "county", column="county_fips", read="county__fips")


def page_of(view: str, key: str = "id") -> Finish:
    """A finish that links each row to its page on the tracker."""

    def finish(row: dict[str, Any], visibility: Visibility) -> dict[str, Any]:
        row["page"] = absolute_url(reverse(view, args=[row[key]]))
        return row

    return finish


def letter(model: type[Campaign] | type[DataRequest]) -> tuple[Column, ...]:
    """What a letter says, a campaign's or a request's."""
    return (
        *fields(model, "issued_on", "due_on", "due_basis", "due_rule"),
        field(model, "data_sought"),
        *fields(model, "legal_authority", "summary"),
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
            *fields(County, "fips", "name", "state", "sanctuary_status", "sanctuary_source"),
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
        (ID, *fields(Agency, "name", "level"), county(Agency)),
        lambda: Agency.objects.order_by("pk"),
        foreign_keys=(COUNTY_KEY,),
    ),
    Resource(
        "sources",
        "Sources",
        "The evidence behind the facts: documents, court filings, statements, news reports.",
        fields(
            Source,
            ID,
            "title",
            "url",
            "publisher",
            "published_on",
            "kind",
            "archived_url",
            Column("document", "string", "The tracker's stored copy.", read=COMPUTED),
            field(Source, "sha256", column="document_sha256"),
            "verified_on",
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
        (ID, *fields(Campaign, "title", "issuing_agency"), *letter(Campaign)),
        lambda: Campaign.objects.order_by("pk"),
        foreign_keys=(AGENCY_KEY,),
    ),
    Resource(
        "requests",
        "Requests",
        "What each county was asked for, by whom, by when, and where it stands.",
        (
            ID,
            county(DataRequest),
            *fields(DataRequest, "campaign", "issuing_agency", "addressee"),
            *letter(DataRequest),
            *fields(DataRequest, "status", "overdue_since"),
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
        fields(Response, ID, "request", *RESPONSE_FIELDS, "person"),
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
        fields(Escalation, ID, "request", *ESCALATION_FIELDS, "overdue_since"),
        lambda: published(Escalation.objects.order_by("pk")),
        foreign_keys=(REQUEST_KEY, ("follows_id", "escalations", "id")),
    ),
    Resource(
        "figures",
        "Reported figures",
        "Numbers officials reported, with their period and source.",
        fields(
            ReportedFigure,
            ID,
            *FIGURE_FIELDS,
            instead={
                "metric": field(ReportedFigure, "metric", column="metric", read="metric__slug"),
                "county": county(ReportedFigure),
                "source": RELEASED_SOURCE,
            },
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
        fields(
            Case,
            ID,
            "title",
            "court",
            "docket_number",
            "kind",
            "parties",
            "filed_on",
            "closed_on",
            "status",
            "outcome",
            "courtlistener_docket_id",
            "summary",
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
            *fields(DocketEntry, "case", "entry_number", "filed_on", "description"),
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
        fields(
            Threat,
            ID,
            "campaign",
            "request",
            "kind",
            "threatened_on",
            "threatened_by",
            "person",
            "condition",
            "carried_out_by",
            "summary",
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
        (ID, *fields(LegalGround, "slug", "name", "citation", "level", "summary")),
        lambda: LegalGround.objects.order_by("pk"),
    ),
    links("legal_ground", LegalGround, "campaigns", "campaign", CAMPAIGN_KEY, "id"),
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
        fields(
            Activity,
            ID,
            "occurred_on",
            Column(
                "recorded_at", "datetime", "When it was recorded (UTC).", True, read="created_at"
            ),
            "verb",
            county(Activity),
            "campaign",
            "request",
            "response",
            "escalation",
            "summary",
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
        fields(
            Correction,
            ID,
            Column("corrected_at", "datetime", "When (UTC).", required=True, read="created_at"),
            "kind",
            county(Correction),
            "request",
            "response",
            "escalation",
            "figure",
            field(Correction, "record_label", column="record"),
            "note",
            field(Correction, "changes", more="Written as JSON."),
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
