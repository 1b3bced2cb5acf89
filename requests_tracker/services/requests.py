"""Requests and campaigns: issuing, editing, and re-deriving a request's status."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from requests_tracker import deadlines, workflow
from requests_tracker.models import (
    Activity,
    ActivityVerb,
    Agency,
    Campaign,
    County,
    DataRequest,
    DueBasis,
    Source,
)
from requests_tracker.services.activity import (
    User,
    _actor_or_none,
    _announce_on_commit,
    _county_label,
    _lock_request,
    _record,
    local_today,
)

logger = logging.getLogger(__name__)


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
        if not due_rule.strip():
            raise ValidationError({"due_rule": "Quote the letter's words for the deadline."})
        return deadlines.stated_deadline(due_on, due_rule)
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


def issue_request(
    *,
    county: County,
    issuing_agency: Agency,
    issued_on: dt.date,
    due_basis: str,
    data_sought: Sequence[str],
    due_on: dt.date | None = None,
    due_days: int | None = None,
    due_rule: str = "",
    legal_authority: str = "",
    summary: str = "",
    internal_note: str = "",
    addressee: str = "",
    campaign: Campaign | None = None,
    sources: Iterable[Source] = (),
    actor: User | None = None,
    today: dt.date | None = None,
) -> DataRequest:
    """Record that `issuing_agency` asked `county` for data; flags it overdue at once if late."""
    today = today or local_today()
    # Before the deadline: counting days from a future date can run past the calendar.
    _check_issue_date(issued_on, today)
    deadline = resolve_deadline(
        issued_on=issued_on,
        due_basis=due_basis,
        due_on=due_on,
        due_days=due_days,
        due_rule=due_rule,
        state=county.state,
    )
    with transaction.atomic():
        request = _new_request(
            county=county,
            campaign=campaign,
            issuing_agency=issuing_agency,
            addressee=addressee,
            deadline=deadline,
            issued_on=issued_on,
            data_sought=data_sought,
            legal_authority=legal_authority,
            summary=summary,
            internal_note=internal_note,
            actor=actor,
        )
        request.full_clean()
        request.save()
        request.sources.set(sources)
        _record(
            ActivityVerb.REQUEST_ISSUED,
            f"{issuing_agency} asked {_county_label(county)} for data, due "
            f"{deadline.due_on.isoformat()}",
            request=request,
            actor=actor,
            data={"due_on": deadline.due_on.isoformat()},
        )
        _refresh_request(request, today=today, actor=actor)
    return request


def _new_request(
    *,
    county: County,
    campaign: Campaign | None,
    issuing_agency: Agency,
    addressee: str,
    issued_on: dt.date,
    deadline: deadlines.Deadline,
    data_sought: Sequence[str],
    legal_authority: str,
    summary: str,
    actor: User | None,
    internal_note: str = "",
    overdue_since: dt.date | None = None,
) -> DataRequest:
    return DataRequest(
        county=county,
        campaign=campaign,
        issuing_agency=issuing_agency,
        addressee=addressee,
        issued_on=issued_on,
        due_on=deadline.due_on,
        due_basis=deadline.basis,
        due_rule=deadline.rule,
        data_sought=list(data_sought),
        legal_authority=legal_authority,
        summary=summary,
        internal_note=internal_note,
        overdue_since=overdue_since,
        created_by=_actor_or_none(actor),
    )


def _check_issue_date(issued_on: dt.date, today: dt.date) -> None:
    if issued_on > today:
        raise ValidationError({"issued_on": "The issue date cannot be in the future."})


def issue_campaign(
    *,
    title: str,
    issuing_agency: Agency,
    issued_on: dt.date,
    counties: Iterable[County],
    due_basis: str,
    data_sought: Sequence[str],
    due_on: dt.date | None = None,
    due_days: int | None = None,
    due_rule: str = "",
    legal_authority: str = "",
    summary: str = "",
    addressee: str = "",
    sources: Iterable[Source] = (),
    actor: User | None = None,
    today: dt.date | None = None,
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
    _check_issue_date(issued_on, today)
    deadline = resolve_deadline(
        issued_on=issued_on,
        due_basis=due_basis,
        due_on=due_on,
        due_days=due_days,
        due_rule=due_rule,
    )
    sources = list(sources)
    with transaction.atomic():
        campaign = Campaign(
            title=title,
            issuing_agency=issuing_agency,
            issued_on=issued_on,
            due_on=deadline.due_on,
            due_basis=deadline.basis,
            due_rule=deadline.rule,
            data_sought=list(data_sought),
            legal_authority=legal_authority,
            summary=summary,
            created_by=_actor_or_none(actor),
        )
        campaign.full_clean()
        campaign.save()
        campaign.sources.set(sources)

        overdue_since = workflow.request_overdue_since(
            workflow.derive_status([]), deadline.due_on, today
        )
        requests = [
            _new_request(
                county=county,
                campaign=campaign,
                issuing_agency=issuing_agency,
                addressee=addressee,
                deadline=deadline,
                issued_on=issued_on,
                data_sought=data_sought,
                legal_authority=legal_authority,
                summary=summary,
                overdue_since=overdue_since,
                actor=actor,
            )
            for county in counties
        ]
        # Same values on every row: validating one validates all (constraints are checked by
        # the database on insert; the campaign is new, so one-per-county holds by construction).
        requests[0].full_clean(validate_unique=False, validate_constraints=False)
        requests = bulk_create_with_history(
            requests, DataRequest, default_user=_actor_or_none(actor)
        )
        if sources:
            through = DataRequest.sources.through
            through.objects.bulk_create(
                [through(datarequest_id=r.pk, source_id=s.pk) for r in requests for s in sources]
            )
        actor_id = _actor_or_none(actor).pk if _actor_or_none(actor) else None
        now = timezone.now()
        activity = [
            Activity(
                created_at=now,
                verb=ActivityVerb.CAMPAIGN_ISSUED,
                campaign=campaign,
                actor_id=actor_id,
                summary=f"{issuing_agency} issued “{title}” to {len(requests)} counties"[:500],
                data={"counties": len(requests), "due_on": deadline.due_on.isoformat()},
            )
        ]
        for request in requests:
            activity.append(
                Activity(
                    created_at=now,
                    verb=ActivityVerb.REQUEST_ISSUED,
                    request=request,
                    county_id=request.county_id,
                    campaign=campaign,
                    actor_id=actor_id,
                    summary=f"{issuing_agency} asked {_county_label(request.county)} for data, "
                    f"due {deadline.due_on.isoformat()}"[:500],
                    data={"due_on": deadline.due_on.isoformat()},
                )
            )
            if overdue_since:
                activity.append(
                    Activity(
                        created_at=now,
                        verb=ActivityVerb.BECAME_OVERDUE,
                        request=request,
                        county_id=request.county_id,
                        campaign=campaign,
                        summary=f"{_county_label(request.county)}: response overdue since "
                        f"{overdue_since.isoformat()}",
                        data={"overdue_since": overdue_since.isoformat()},
                    )
                )
        Activity.objects.bulk_create(activity)
        _announce_on_commit()
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
    *, request: DataRequest, actor: User | None, today: dt.date | None = None, **changes: Any
) -> DataRequest:
    """Edit a request's facts; the overdue flag is re-derived.

    A new due date must come with a new `due_rule` saying why (the letter's words, the rule, or
    the agreement); it is recorded as a `due_date_changed` Activity with both dates.
    """
    unknown = set(changes) - REQUEST_EDITABLE_FIELDS
    if unknown:
        raise ValidationError({field: "This field cannot be edited here." for field in unknown})
    today = today or local_today()
    with transaction.atomic():
        request = _lock_request(request.pk)
        old_due, old_rule = request.due_on, request.due_rule
        changes = {
            field: value for field, value in changes.items() if getattr(request, field) != value
        }
        if not changes:
            return request
        for field, value in changes.items():
            setattr(request, field, value)
        if request.due_on != old_due and request.due_rule == old_rule:
            # The rule shown beside a date must explain that date, so a new date needs its why.
            raise ValidationError(
                {"due_rule": "Say why the due date changed: quote the letter or give the rule."}
            )
        if "issued_on" in changes:
            _check_issue_date(request.issued_on, today)
        request.full_clean()
        request.save()
        changed = sorted(field for field in changes if field not in {"internal_note"})
        if request.due_on != old_due:
            _record(
                ActivityVerb.DUE_DATE_CHANGED,
                f"{_county_label(request.county)}: due date changed from {old_due.isoformat()} "
                f"to {request.due_on.isoformat()}",
                request=request,
                actor=actor,
                data={
                    "from": old_due.isoformat(),
                    "to": request.due_on.isoformat(),
                    "reason": request.due_rule,
                },
            )
        elif changed:
            _record(
                ActivityVerb.REQUEST_UPDATED,
                f"{_county_label(request.county)}: request edited ({', '.join(changed)})",
                request=request,
                actor=actor,
                data={"fields": changed},
            )
        _refresh_request(request, today=today, actor=actor)
    return request


def _refresh_request(request: DataRequest, *, today: dt.date, actor: User | None) -> DataRequest:
    """Re-derive status and overdue from the request's events; record each real transition."""
    responses = [
        workflow.ResponseFact(kind, received_on, pk)
        for pk, kind, received_on in request.responses.values_list("pk", "kind", "received_on")
    ]
    escalations = [
        workflow.EscalationFact(status, issued_on, pk)
        for pk, status, issued_on in request.escalations.values_list("pk", "status", "issued_on")
    ]
    status = workflow.derive_status(responses, escalations)
    overdue_since = workflow.request_overdue_since(status, request.due_on, today)
    label = _county_label(request.county)
    if status != request.status:
        _record(
            ActivityVerb.STATUS_CHANGED,
            f"{label}: status changed from {request.get_status_display().lower()} to "
            f"{dict(DataRequest._meta.get_field('status').choices)[status].lower()}",
            request=request,
            actor=actor,
            data={"from": request.status, "to": status},
        )
    if overdue_since and not request.overdue_since:
        _record(
            ActivityVerb.BECAME_OVERDUE,
            f"{label}: response overdue since {overdue_since.isoformat()}",
            request=request,
            data={"overdue_since": overdue_since.isoformat()},
        )
    elif request.overdue_since and not overdue_since:
        _record(
            ActivityVerb.OVERDUE_CLEARED,
            f"{label}: no longer overdue",
            request=request,
            actor=actor,
            data={"was_overdue_since": request.overdue_since.isoformat()},
        )
    request.status = status
    request.overdue_since = overdue_since
    request.save(update_fields=["status", "overdue_since", "updated_at"])
    return request


CAMPAIGN_EDITABLE_FIELDS = frozenset({"title", "legal_authority", "summary"})


def update_campaign(*, campaign: Campaign, actor: User | None, **changes: Any) -> Campaign:
    """Edit a campaign's description. Dates and recipients are fixed once issued: each county's
    request carries its own deadline, edited (and recorded) request by request."""
    unknown = set(changes) - CAMPAIGN_EDITABLE_FIELDS
    if unknown:
        raise ValidationError({field: "This field cannot be edited here." for field in unknown})
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        for field, value in changes.items():
            setattr(campaign, field, value)
        campaign.full_clean()
        campaign.save()
        _record(
            ActivityVerb.CAMPAIGN_UPDATED,
            f"Campaign “{campaign.title}” edited ({', '.join(sorted(changes))})",
            campaign=campaign,
            actor=actor,
            data={"fields": sorted(changes)},
        )
    return campaign


def delete_request(*, request: DataRequest, actor: User | None) -> None:
    """Delete a request entered in error, with its responses, escalations and timeline."""
    with transaction.atomic():
        request = _lock_request(request.pk)
        logger.info("Request %s (%s) deleted by %s", request.pk, request.county, actor)
        request.delete()


def register_agency(*, name: str, level: str, county: County | None = None) -> Agency:
    """The agency with this name and level, created on first mention (idempotent)."""
    with transaction.atomic():
        agency = Agency.objects.filter(name=name, level=level).first()
        if agency is None:
            agency = Agency(name=name, level=level, county=county)
            agency.full_clean()
            agency.save()
    return agency
