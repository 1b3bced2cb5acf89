"""Requests and campaigns: issuing, editing, and re-deriving a request's status."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any, NotRequired, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from requests_tracker import deadlines, workflow
from requests_tracker.choices import ActivityVerb, DueBasis
from requests_tracker.models import Activity, Agency, Campaign, County, DataRequest, Source
from requests_tracker.services.activity import (
    User,
    actor_or_none,
    announce_on_commit,
    due_date_sentence,
    record_activity,
    sentence,
)
from requests_tracker.services.clock import local_today
from requests_tracker.services.corrections import corrected_update
from requests_tracker.services.editing import model_update, reject_unknown_fields
from requests_tracker.services.embargo_terms import EmbargoTerms, check_terms, save_new
from requests_tracker.services.locks import lock_request
from requests_tracker.services.status import became_overdue_sentence, refresh_request_status
from requests_tracker.services.validation import FUTURE_ISSUE_DATE

logger = logging.getLogger(__name__)


LETTER_FIELDS = (
    "issuing_agency",
    "addressee",
    "issued_on",
    "due_basis",
    "due_on",
    "due_days",
    "due_rule",
    "data_sought",
    "legal_authority",
    "summary",
    "sources",
)
"""What a DOJ letter states, whether it went to one county or to many at once (a campaign)."""

REQUEST_FIELDS = ("county", "campaign", *LETTER_FIELDS, "internal_note")
"""The fields of a new request (issue_request)."""

CAMPAIGN_FIELDS = ("title", *LETTER_FIELDS, "counties")
"""The fields of a new campaign (issue_campaign): one request goes to each of `counties`."""

AGENCY_FIELDS = ("name", "level", "county")
"""The fields of a new agency (register_agency)."""


def resolve_deadline(
    *,
    issued_on: dt.date,
    due_basis: str,
    due_on: dt.date | None = None,
    due_days: int | None = None,
    due_rule: str = "",
    state: str | None = None,
) -> deadlines.Deadline:
    """The due date and its rule: a stated date with the letter's words, or N days computed."""
    if due_basis == DueBasis.STATED:
        if due_on is None:
            raise ValidationError({"due_on": "Give the due date the letter states."})
        try:
            return deadlines.stated_deadline(due_on, due_rule)
        except ValueError as error:  # the rule's words are deadlines.py's
            raise ValidationError({"due_rule": str(error)}) from None
    if due_basis in (DueBasis.CALENDAR_DAYS, DueBasis.BUSINESS_DAYS):
        if due_days is None or due_days < 0:
            raise ValidationError(
                {"due_days": "Give the number of days the letter allows (0 or more)."}
            )
        try:
            deadline = deadlines.compute_deadline(
                issued_on, days=due_days, basis=due_basis, state=state
            )
        except OverflowError:  # past the last date Python can hold (9999-12-31)
            raise ValidationError({"due_days": "That deadline is too far away."}) from None
        if due_on is not None and due_on != deadline.due_on:
            raise ValidationError(
                {"due_on": f"{deadline.rule} is {deadline.due_on.isoformat()}, not {due_on}."}
            )
        if due_rule.strip():
            return deadlines.Deadline(
                deadline.due_on, deadline.basis, f"{due_rule.strip()} ({deadline.rule})"
            )
        return deadline
    raise ValidationError({"due_basis": f"Unknown due basis {due_basis!r}."})


class Letter(TypedDict):
    """What a DOJ letter states, as issue_request and issue_campaign take it (checked and turned
    into fields by _letter): who issued it and when, its deadline (a stated `due_on`, or
    `due_days` counted by `due_basis`, with the `due_rule` that explains it) and its demand."""

    issuing_agency: Agency
    issued_on: dt.date
    due_basis: str
    data_sought: Sequence[str]
    due_on: NotRequired[dt.date | None]
    due_days: NotRequired[int | None]
    due_rule: NotRequired[str]
    legal_authority: NotRequired[str]
    summary: NotRequired[str]


def issue_request(
    *,
    county: County,
    internal_note: str = "",
    addressee: str = "",
    campaign: Campaign | None = None,
    sources: Iterable[Source] = (),
    actor: User | None = None,
    today: dt.date | None = None,
    embargo: EmbargoTerms | None = None,
    **letter: Unpack[Letter],
) -> DataRequest:
    """Record that the letter's `issuing_agency` asked `county` for data; flags it overdue at
    once if late. With `embargo`, the request and everything on it are held
    (services/embargo.py)."""
    today = today or local_today()
    check_terms(embargo, actor=actor)
    stated = _letter(**letter, actor=actor, today=today, state=county.state)
    with transaction.atomic():
        data_request = DataRequest(
            county=county,
            campaign=campaign,
            addressee=addressee,
            internal_note=internal_note,
            **stated,
        )
        data_request.full_clean()
        save_new(data_request, embargo, actor=actor)
        data_request.sources.set(sources)
        issued_on = data_request.issued_on
        record_activity(
            ActivityVerb.REQUEST_ISSUED,
            **_issued_event(data_request),
            data_request=data_request,
            actor=actor,
            occurred_on=issued_on,
        )
        refresh_request_status(data_request, today=today, actor=actor, occurred_on=issued_on)
    return data_request


def _letter(
    *,
    issuing_agency: Agency,
    issued_on: dt.date,
    due_basis: str,
    data_sought: Sequence[str],
    due_on: dt.date | None = None,
    due_days: int | None = None,
    due_rule: str = "",
    legal_authority: str = "",
    summary: str = "",
    actor: User | None,
    today: dt.date,
    state: str | None = None,
) -> dict[str, Any]:
    """What a DOJ letter states, checked, as the fields a request stores it in (and a campaign,
    which stores it once for all its requests): not dated after today, and its deadline resolved
    (resolve_deadline; business days count `state`'s holidays too when it is given)."""
    # Before the deadline: counting days from a future date can run past the calendar.
    _check_issue_date(issued_on, today)
    deadline = resolve_deadline(
        issued_on=issued_on,
        due_basis=due_basis,
        due_on=due_on,
        due_days=due_days,
        due_rule=due_rule,
        state=state,
    )
    return {
        "issuing_agency": issuing_agency,
        "issued_on": issued_on,
        "due_on": deadline.due_on,
        "due_basis": deadline.basis,
        "due_rule": deadline.rule,
        "data_sought": list(data_sought),
        "legal_authority": legal_authority,
        "summary": summary,
        "created_by": actor_or_none(actor),
    }


def _issued_event(data_request: DataRequest) -> dict[str, Any]:
    """The sentence and data of a request's `request_issued` event (record_activity's
    arguments)."""
    return {
        "summary": sentence(
            ActivityVerb.REQUEST_ISSUED,
            agency=data_request.issuing_agency,
            county=data_request.county,
            due_on=data_request.due_on,
        ),
        "data": {"due_on": data_request.due_on.isoformat()},
    }


def _check_issue_date(issued_on: dt.date, today: dt.date) -> None:
    if issued_on > today:
        raise ValidationError({"issued_on": FUTURE_ISSUE_DATE})


def issue_campaign(
    *,
    title: str,
    counties: Iterable[County],
    addressee: str = "",
    sources: Iterable[Source] = (),
    actor: User | None = None,
    today: dt.date | None = None,
    **letter: Unpack[Letter],
) -> Campaign:
    """Issue one DOJ action to many counties: the campaign and one request per county, at once.

    All rows are written in one transaction with bulk inserts (requests, their history, their
    sources and their Activity), so a campaign to every county in a state costs a fixed handful of
    queries. Business-day deadlines use federal holidays only, since one letter gives one date.
    """
    today = today or local_today()
    counties = list({county.pk: county for county in counties}.values())
    if not counties:
        raise ValidationError({"counties": "Name at least one county."})
    stated = _letter(**letter, actor=actor, today=today)
    sources = list(sources)
    with transaction.atomic():
        campaign = Campaign(title=title, **stated)
        campaign.full_clean()
        campaign.save()
        campaign.sources.set(sources)

        overdue_since = workflow.request_overdue_since(
            workflow.derive_status([]), campaign.due_on, today
        )
        requests = [
            DataRequest(
                county=county,
                campaign=campaign,
                addressee=addressee,
                overdue_since=overdue_since,
                **stated,
            )
            for county in counties
        ]
        # Same values on every row: validating one validates all (constraints are checked by
        # the database on insert; the campaign is new, so one-per-county holds by construction).
        requests[0].full_clean(validate_unique=False, validate_constraints=False)
        requests = bulk_create_with_history(
            requests, DataRequest, default_user=actor_or_none(actor)
        )
        if sources:
            through = DataRequest.sources.through
            through.objects.bulk_create(
                [through(datarequest_id=r.pk, source_id=s.pk) for r in requests for s in sources]
            )
        actor_id = actor.pk if actor_or_none(actor) else None
        now, issued_on = timezone.now(), campaign.issued_on
        activity = [
            Activity(
                created_at=now,
                occurred_on=issued_on,
                verb=ActivityVerb.CAMPAIGN_ISSUED,
                campaign=campaign,
                actor_id=actor_id,
                summary=sentence(
                    ActivityVerb.CAMPAIGN_ISSUED,
                    agency=campaign.issuing_agency,
                    title=title,
                    count=len(requests),
                ),
                data={"counties": len(requests), "due_on": campaign.due_on.isoformat()},
            )
        ]

        def request_event(data_request: DataRequest, **event: Any) -> Activity:
            """An event on one of the campaign's new requests."""
            return Activity(
                created_at=now,
                request=data_request,
                county_id=data_request.county_id,
                campaign=campaign,
                **event,
            )

        for data_request in requests:
            activity.append(
                request_event(
                    data_request,
                    occurred_on=issued_on,
                    verb=ActivityVerb.REQUEST_ISSUED,
                    actor_id=actor_id,
                    **_issued_event(data_request),
                )
            )
            if overdue_since:
                activity.append(
                    request_event(
                        data_request,
                        occurred_on=overdue_since,
                        verb=ActivityVerb.BECAME_OVERDUE,
                        summary=became_overdue_sentence(data_request.county, overdue_since),
                        data={"overdue_since": overdue_since.isoformat()},
                    )
                )
        Activity.objects.bulk_create(activity)
        announce_on_commit()
    return campaign


REQUEST_EDITABLE_FIELDS = frozenset(
    {
        "issuing_agency",
        "addressee",
        "issued_on",
        "due_on",
        "due_basis",
        "due_rule",
        "data_sought",
        "legal_authority",
        "summary",
        "internal_note",
    }
)


def update_request(
    *,
    data_request: DataRequest,
    actor: User | None,
    today: dt.date | None = None,
    correction_note: str = "",
    **changes: Any,
) -> DataRequest:
    """Edit a request's facts; the overdue flag is re-derived.

    A new due date must come with a new `due_rule` saying why (the letter's words, the rule, or
    the agreement); it is recorded as a `due_date_changed` Activity with both dates. A
    `correction_note` is kept as the public correction of the edit (services/corrections.py).
    """
    reject_unknown_fields(changes, REQUEST_EDITABLE_FIELDS)
    today = today or local_today()
    with transaction.atomic():
        data_request = lock_request(data_request.pk)
        old_due, old_rule = data_request.due_on, data_request.due_rule

        def clean() -> None:
            if data_request.due_on != old_due and data_request.due_rule == old_rule:
                # The rule shown beside a date must explain that date, so a new date needs its why.
                raise ValidationError(
                    {"due_rule": "Say why the due date changed: quote the letter or give the rule."}
                )
            if data_request.issued_on != issued_on:
                _check_issue_date(data_request.issued_on, today)
            data_request.full_clean()

        issued_on = data_request.issued_on
        changed = corrected_update(
            data_request,
            editable=REQUEST_EDITABLE_FIELDS,
            changes=changes,
            clean=clean,
            note=correction_note,
            actor=actor,
        )
        if not changed:
            return data_request
        shown = [field for field in changed if field != "internal_note"]
        if data_request.due_on != old_due:
            record_activity(
                ActivityVerb.DUE_DATE_CHANGED,
                due_date_sentence(data_request, "edited", was=old_due),
                data_request=data_request,
                actor=actor,
                data={
                    "from": old_due.isoformat(),
                    "to": data_request.due_on.isoformat(),
                    "reason": data_request.due_rule,
                },
            )
        elif shown:
            record_activity(
                ActivityVerb.REQUEST_UPDATED,
                sentence(
                    ActivityVerb.REQUEST_UPDATED,
                    county=data_request.county,
                    fields=", ".join(shown),
                ),
                data_request=data_request,
                actor=actor,
                data={"fields": shown},
            )
        refresh_request_status(data_request, today=today, actor=actor)
    return data_request


CAMPAIGN_EDITABLE_FIELDS = frozenset({"title", "legal_authority", "summary", "pinned"})


def update_campaign(*, campaign: Campaign, actor: User | None, **changes: Any) -> Campaign:
    """Edit a campaign's description. Dates and recipients are fixed once issued: each county's
    request carries its own deadline, edited (and recorded) request by request."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        changed = model_update(campaign, editable=CAMPAIGN_EDITABLE_FIELDS, changes=changes)
        if changed:
            record_activity(
                ActivityVerb.CAMPAIGN_UPDATED,
                sentence(
                    ActivityVerb.CAMPAIGN_UPDATED, title=campaign.title, fields=", ".join(changed)
                ),
                campaign=campaign,
                actor=actor,
                data={"fields": changed},
            )
    return campaign


def delete_request(*, data_request: DataRequest, actor: User | None) -> None:
    """Delete a request entered in error, with its responses, escalations and timeline."""
    with transaction.atomic():
        data_request = lock_request(data_request.pk)
        logger.info("Request %s (%s) deleted by %s", data_request.pk, data_request.county, actor)
        data_request.delete()


def register_agency(*, name: str, level: str, county: County | None = None) -> Agency:
    """The agency with this name and level, created on first mention (idempotent)."""
    with transaction.atomic():
        agency = Agency.objects.filter(name=name, level=level).first()
        if agency is None:
            agency = Agency(name=name, level=level, county=county)
            agency.full_clean()
            agency.save()
    return agency
