"""Every write the tracker makes. Admin, API, web forms, tasks and commands all call these.

Each service does one business action completely, inside one transaction: lock the rows it
changes, validate (full_clean plus the business rules below), write, re-derive the request's status
and overdue flag through workflow.py, record Activity, and on commit wake the worker that fans new
Activity out to webhooks. Validation errors are django.core.exceptions.ValidationError keyed by
field, so every entry point can show "which field, and why".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BigIntegerField, CharField, DateField, F, Func, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, JSONObject
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
    Escalation,
    EscalationStatus,
    ReportedFigure,
    Response,
    ResponseKind,
    Source,
    Watch,
)

logger = logging.getLogger(__name__)

User = AbstractBaseUser
EXTENSION_KINDS = {ResponseKind.EXTENSION_GRANTED, ResponseKind.EXTENSION_REQUESTED}
FLAG_OVERDUE_LOCK_KEY = 7_284_006  # Gov. Code 7284.6: any fixed number shared by every process.


def local_today() -> dt.date:
    """Today's date in the newsroom's time zone (settings.TIME_ZONE), which decides deadlines."""
    return timezone.localdate()


# --- Activity -------------------------------------------------------------------------------


def _record(
    verb: str,
    summary: str,
    *,
    request: DataRequest | None = None,
    county: County | None = None,
    campaign: Campaign | None = None,
    response: Response | None = None,
    escalation: Escalation | None = None,
    actor: User | None = None,
    data: dict[str, Any] | None = None,
) -> Activity:
    if request is not None:
        county = county or request.county
        campaign = campaign or request.campaign
    activity = Activity.objects.create(
        verb=verb,
        summary=summary[:500],
        request=request,
        county=county,
        campaign=campaign,
        response=response,
        escalation=escalation,
        actor=actor if actor is not None and actor.is_authenticated else None,
        data=data or {},
    )
    _announce_on_commit()
    return activity


def _announce_on_commit() -> None:
    """After commit, wake the worker that fans new Activity out to webhooks.

    The database is the record of what still needs delivering, so if the broker is down the
    write still succeeds and the periodic sweep finds the work later.
    """

    def announce() -> None:
        from requests_tracker import tasks

        try:
            tasks.fan_out_activity_task.delay()
        except Exception:  # the broker being down must never undo or fail a write
            logger.warning("Broker unreachable; new activity will be delivered by the next sweep.")

    transaction.on_commit(announce)


def _lock_request(pk: int) -> DataRequest:
    """Lock one request for a status-changing write.

    On PostgreSQL the write also takes the overdue flag's advisory lock in shared mode, so it never
    interleaves with a flag_overdue run (which takes it exclusively); writes don't block each other.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [FLAG_OVERDUE_LOCK_KEY])
    return (
        DataRequest.objects.select_for_update(of=("self",))
        .select_related("county", "campaign")
        .get(pk=pk)
    )


def _actor_or_none(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _county_label(county: County) -> str:
    return f"{county.name}, {county.state}"


# --- Sources --------------------------------------------------------------------------------


def add_source(
    *,
    title: str,
    url: str = "",
    file: Any = None,
    publisher: str = "",
    published_on: dt.date | None = None,
    kind: str = Source.Kind.NEWS_REPORT,
    archived_url: str = "",
    cite_on: Iterable[Campaign | DataRequest | Response | Escalation] = (),
    actor: User | None = None,
) -> Source:
    """Record a source (an address and/or an uploaded copy, hashed with SHA-256) and cite it.

    A source with an address already on file is reused, not duplicated, so citing the same article
    twice links the one record. Each record it is newly cited on gets a `source_added` Activity.
    """
    with transaction.atomic():
        source = Source.objects.filter(url=url).first() if url and not file else None
        if source is None:
            source = Source(
                title=title,
                url=url,
                publisher=publisher,
                published_on=published_on,
                kind=kind,
                archived_url=archived_url,
                created_by=_actor_or_none(actor),
            )
            if file is not None:
                digest = hashlib.sha256()
                for chunk in file.chunks():
                    digest.update(chunk)
                source.sha256 = digest.hexdigest()
                source.file = file
            source.full_clean()
            source.save()
        for record in cite_on:
            cite_source(source=source, record=record, actor=actor)
    return source


def cite_source(
    *, source: Source, record: Campaign | DataRequest | Response | Escalation, actor: User | None
) -> bool:
    """Link `source` to a record; returns False if it was already cited there."""
    with transaction.atomic():
        if record.sources.filter(pk=source.pk).exists():
            return False
        record.sources.add(source)
        request = _request_of(record)
        if request is not None:
            DataRequest.objects.filter(pk=request.pk).update(updated_at=timezone.now())
        _record(
            ActivityVerb.SOURCE_ADDED,
            f"Source added: {source.title}",
            request=request,
            campaign=record if isinstance(record, Campaign) else None,
            county=request.county if request else None,
            response=record if isinstance(record, Response) else None,
            escalation=record if isinstance(record, Escalation) else None,
            actor=actor,
            data={"source_id": source.pk, "url": source.url},
        )
    return True


def _request_of(record: Any) -> DataRequest | None:
    if isinstance(record, DataRequest):
        return record
    if isinstance(record, Response | Escalation):
        return record.request
    return None


# --- Requests and campaigns -----------------------------------------------------------------


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
        deadline = deadlines.compute_deadline(
            issued_on, days=due_days, basis=due_basis, state=state
        )
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
    deadline = resolve_deadline(
        issued_on=issued_on,
        due_basis=due_basis,
        due_on=due_on,
        due_days=due_days,
        due_rule=due_rule,
        state=county.state,
    )
    with transaction.atomic():
        request = DataRequest(
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
            created_by=_actor_or_none(actor),
        )
        _check_issue_date(issued_on, today)
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
        _check_issue_date(issued_on, today)
        campaign.full_clean()
        campaign.save()
        campaign.sources.set(sources)

        overdue_since = workflow.request_overdue_since(
            workflow.derive_status([]), deadline.due_on, today
        )
        requests = [
            DataRequest(
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
                overdue_since=overdue_since,
                created_by=_actor_or_none(actor),
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
    """Edit a request's facts; a due-date change is recorded and the overdue flag re-derived."""
    unknown = set(changes) - REQUEST_EDITABLE_FIELDS
    if unknown:
        raise ValidationError({field: "This field cannot be edited here." for field in unknown})
    today = today or local_today()
    with transaction.atomic():
        request = _lock_request(request.pk)
        old_due = request.due_on
        for field, value in changes.items():
            setattr(request, field, value)
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


# --- Responses ------------------------------------------------------------------------------

RESPONSE_FIELDS = (
    "received_on",
    "responding_agency",
    "official",
    "kind",
    "categories_provided",
    "records_provided",
    "legal_basis_cited",
    "new_due_on",
    "summary",
    "quotation",
)


def log_response(
    *,
    request: DataRequest,
    kind: str,
    received_on: dt.date,
    responding_agency: Agency | None = None,
    official: str = "",
    categories_provided: Sequence[str] = (),
    records_provided: int | None = None,
    legal_basis_cited: str = "",
    new_due_on: dt.date | None = None,
    summary: str = "",
    quotation: str = "",
    sources: Iterable[Source] = (),
    actor: User | None = None,
    today: dt.date | None = None,
) -> Response:
    """Log a county's answer and re-derive the request's status in the same transaction.

    Rejected: a response dated before the request was issued or after today; categories the
    request did not ask for; a new due date on anything but an extension. An extension granted
    moves the request's due date to `new_due_on` and records why (Activity `due_date_changed`).
    """
    today = today or local_today()
    with transaction.atomic():
        request = _lock_request(request.pk)
        response = Response(
            request=request,
            kind=kind,
            received_on=received_on,
            responding_agency=responding_agency,
            official=official,
            categories_provided=list(categories_provided),
            records_provided=records_provided,
            legal_basis_cited=legal_basis_cited,
            new_due_on=new_due_on,
            summary=summary,
            quotation=quotation,
            logged_by=_actor_or_none(actor),
        )
        _validate_response(response, request, today)
        response.save()
        response.sources.set(sources)
        _record(
            ActivityVerb.RESPONSE_LOGGED,
            f"{_county_label(request.county)}: {response.get_kind_display().lower()} "
            f"({received_on.isoformat()})",
            request=request,
            response=response,
            actor=actor,
            data={"kind": kind, "received_on": received_on.isoformat()},
        )
        _apply_extension(request, response, actor=actor)
        _refresh_request(request, today=today, actor=actor)
    return response


def update_response(
    *, response: Response, actor: User | None, today: dt.date | None = None, **changes: Any
) -> Response:
    """Correct a logged response; the request's status and due date follow the correction."""
    unknown = set(changes) - set(RESPONSE_FIELDS)
    if unknown:
        raise ValidationError({field: "This field cannot be edited here." for field in unknown})
    today = today or local_today()
    with transaction.atomic():
        request = _lock_request(response.request_id)
        response = Response.objects.select_for_update().get(pk=response.pk)
        for field, value in changes.items():
            setattr(response, field, value)
        _validate_response(response, request, today)
        response.save()
        _record(
            ActivityVerb.RESPONSE_UPDATED,
            f"{_county_label(request.county)}: response of {response.received_on.isoformat()} "
            f"corrected",
            request=request,
            response=response,
            actor=actor,
            data={"fields": sorted(changes)},
        )
        _apply_extension(request, response, actor=actor)
        _refresh_request(request, today=today, actor=actor)
    return response


def delete_response(
    *, response: Response, actor: User | None, today: dt.date | None = None
) -> None:
    """Delete a response logged in error; the request's status is re-derived without it."""
    today = today or local_today()
    with transaction.atomic():
        request = _lock_request(response.request_id)
        summary = f"{_county_label(request.county)}: response of {response.received_on} deleted"
        response.delete()
        _record(
            ActivityVerb.RESPONSE_UPDATED,
            summary,
            request=request,
            actor=actor,
            data={"deleted": True},
        )
        _refresh_request(request, today=today, actor=actor)


def _validate_response(response: Response, request: DataRequest, today: dt.date) -> None:
    errors: dict[str, str] = {}
    if response.received_on and response.received_on < request.issued_on:
        errors["received_on"] = (
            f"A response cannot be dated before the request was issued "
            f"({request.issued_on.isoformat()})."
        )
    elif response.received_on and response.received_on > today:
        errors["received_on"] = "A response cannot be dated in the future."
    not_asked = [c for c in response.categories_provided or [] if c not in request.data_sought]
    if not_asked:
        errors["categories_provided"] = (
            f"The request did not ask for: {', '.join(map(str, not_asked))}."
        )
    if response.kind == ResponseKind.EXTENSION_GRANTED and response.new_due_on is None:
        errors["new_due_on"] = "An extension needs its new due date."
    elif response.new_due_on is not None and response.kind not in EXTENSION_KINDS:
        errors["new_due_on"] = "Only an extension carries a new due date."
    elif response.new_due_on is not None and response.new_due_on < request.issued_on:
        errors["new_due_on"] = "The new due date cannot be before the request was issued."
    try:
        response.full_clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, " ".join(messages))
    if errors:
        raise ValidationError(errors)


def _apply_extension(request: DataRequest, response: Response, *, actor: User | None) -> None:
    if response.kind != ResponseKind.EXTENSION_GRANTED or response.new_due_on == request.due_on:
        return
    old_due = request.due_on
    request.due_on = response.new_due_on
    request.due_basis = DueBasis.STATED
    request.due_rule = (
        f"Extension granted {response.received_on.isoformat()} (was due {old_due.isoformat()})"
    )
    request.save(update_fields=["due_on", "due_basis", "due_rule", "updated_at"])
    _record(
        ActivityVerb.DUE_DATE_CHANGED,
        f"{_county_label(request.county)}: extension to {request.due_on.isoformat()} "
        f"(was {old_due.isoformat()})",
        request=request,
        response=response,
        actor=actor,
        data={
            "from": old_due.isoformat(),
            "to": request.due_on.isoformat(),
            "reason": "extension_granted",
        },
    )


# --- Escalations ----------------------------------------------------------------------------

ESCALATION_FIELDS = (
    "kind",
    "follows",
    "issued_on",
    "due_on",
    "court",
    "case_number",
    "status",
    "summary",
)


def file_escalation(
    *,
    request: DataRequest,
    kind: str,
    issued_on: dt.date,
    due_on: dt.date | None = None,
    follows: Escalation | None = None,
    court: str = "",
    case_number: str = "",
    status: str = EscalationStatus.OPEN,
    summary: str = "",
    sources: Iterable[Source] = (),
    actor: User | None = None,
    today: dt.date | None = None,
) -> Escalation:
    """Record DOJ's next step on a request (letter, subpoena, suit, order); the request follows."""
    today = today or local_today()
    with transaction.atomic():
        request = _lock_request(request.pk)
        escalation = Escalation(
            request=request,
            kind=kind,
            issued_on=issued_on,
            due_on=due_on,
            follows=follows,
            court=court,
            case_number=case_number,
            status=status,
            summary=summary,
            logged_by=_actor_or_none(actor),
        )
        _validate_escalation(escalation, request, today)
        escalation.overdue_since = workflow.escalation_overdue_since(status, due_on, today)
        escalation.save()
        escalation.sources.set(sources)
        _record(
            ActivityVerb.ESCALATION_FILED,
            f"{_county_label(request.county)}: {escalation.get_kind_display().lower()} "
            f"({issued_on.isoformat()})",
            request=request,
            escalation=escalation,
            actor=actor,
            data={
                "kind": kind,
                "issued_on": issued_on.isoformat(),
                "due_on": due_on.isoformat() if due_on else None,
            },
        )
        if escalation.overdue_since:
            _record_escalation_overdue(escalation, request)
        _refresh_request(request, today=today, actor=actor)
    return escalation


def update_escalation(
    *, escalation: Escalation, actor: User | None, today: dt.date | None = None, **changes: Any
) -> Escalation:
    """Change an escalation (most often its status: contested, quashed, enforced, ...)."""
    unknown = set(changes) - set(ESCALATION_FIELDS)
    if unknown:
        raise ValidationError({field: "This field cannot be edited here." for field in unknown})
    today = today or local_today()
    with transaction.atomic():
        request = _lock_request(escalation.request_id)
        escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
        old_status = escalation.status
        for field, value in changes.items():
            setattr(escalation, field, value)
        _validate_escalation(escalation, request, today)
        was_overdue = escalation.overdue_since
        escalation.overdue_since = workflow.escalation_overdue_since(
            escalation.status, escalation.due_on, today
        )
        escalation.save()
        label = _county_label(request.county)
        what = escalation.get_kind_display().lower()
        summary = (
            f"{label}: {what} now {escalation.get_status_display().lower()}"
            if escalation.status != old_status
            else f"{label}: {what} edited"
        )
        _record(
            ActivityVerb.ESCALATION_UPDATED,
            summary,
            request=request,
            escalation=escalation,
            actor=actor,
            data={"from": old_status, "to": escalation.status, "fields": sorted(changes)},
        )
        if escalation.overdue_since and not was_overdue:
            _record_escalation_overdue(escalation, request)
        elif was_overdue and not escalation.overdue_since:
            _record(
                ActivityVerb.OVERDUE_CLEARED,
                f"{label}: {what} no longer overdue",
                request=request,
                escalation=escalation,
                actor=actor,
            )
        _refresh_request(request, today=today, actor=actor)
    return escalation


def delete_escalation(
    *, escalation: Escalation, actor: User | None, today: dt.date | None = None
) -> None:
    """Delete an escalation recorded in error; the request's status is re-derived without it."""
    today = today or local_today()
    with transaction.atomic():
        request = _lock_request(escalation.request_id)
        summary = (
            f"{_county_label(request.county)}: {escalation.get_kind_display().lower()} deleted"
        )
        escalation.delete()
        _record(
            ActivityVerb.ESCALATION_UPDATED,
            summary,
            request=request,
            actor=actor,
            data={"deleted": True},
        )
        _refresh_request(request, today=today, actor=actor)


def _validate_escalation(escalation: Escalation, request: DataRequest, today: dt.date) -> None:
    errors: dict[str, str] = {}
    if escalation.issued_on and escalation.issued_on < request.issued_on:
        errors["issued_on"] = (
            f"An escalation cannot come before the request it escalates "
            f"({request.issued_on.isoformat()})."
        )
    elif escalation.issued_on and escalation.issued_on > today:
        errors["issued_on"] = "The issue date cannot be in the future."
    if escalation.follows_id is not None:
        follows = escalation.follows
        if follows.request_id != request.pk:
            errors["follows"] = "An escalation can only follow one on the same request."
        elif escalation.pk and follows.pk == escalation.pk:
            errors["follows"] = "An escalation cannot follow itself."
    try:
        escalation.full_clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, " ".join(messages))
    if errors:
        raise ValidationError(errors)


def _record_escalation_overdue(escalation: Escalation, request: DataRequest) -> None:
    _record(
        ActivityVerb.BECAME_OVERDUE,
        f"{_county_label(request.county)}: {escalation.get_kind_display().lower()} overdue since "
        f"{escalation.overdue_since.isoformat()}",
        request=request,
        escalation=escalation,
        data={"overdue_since": escalation.overdue_since.isoformat()},
    )


# --- Figures and watches --------------------------------------------------------------------


def record_figure(
    *,
    county: County,
    metric: str,
    value: Decimal | int,
    period_start: dt.date,
    period_end: dt.date,
    source: Source,
    unit: str = "",
    period_label: str = "",
    reported_by: str = "",
    note: str = "",
    actor: User | None = None,
) -> ReportedFigure:
    """Record a number an official reported, with its period and source."""
    with transaction.atomic():
        figure = ReportedFigure(
            county=county,
            metric=metric,
            value=value,
            unit=unit,
            period_start=period_start,
            period_end=period_end,
            period_label=period_label,
            reported_by=reported_by,
            note=note,
            source=source,
            logged_by=_actor_or_none(actor),
        )
        figure.full_clean()
        figure.save()
        _record(
            ActivityVerb.FIGURE_RECORDED,
            f"{_county_label(county)}: {metric} — {figure.value.normalize():f} "
            f"({period_label or period_start.isoformat()})",
            county=county,
            actor=actor,
            data={"figure_id": figure.pk},
        )
    return figure


def watch(
    *,
    user: User,
    county: County | None = None,
    campaign: Campaign | None = None,
    request: DataRequest | None = None,
    frequency: str = Watch.Frequency.DAILY,
) -> Watch:
    """Follow one county, campaign or request; digests start from the newest event now."""
    targets = {"county": county, "campaign": campaign, "request": request}
    chosen = {name: target for name, target in targets.items() if target is not None}
    if len(chosen) != 1:
        raise ValidationError({"__all__": "Watch exactly one county, campaign or request."})
    with transaction.atomic():
        existing = Watch.objects.select_for_update().filter(user=user, **chosen).first()
        if existing:
            if existing.frequency != frequency:
                existing.frequency = frequency
                existing.full_clean()
                existing.save(update_fields=["frequency"])
            return existing
        item = Watch(user=user, frequency=frequency, **chosen)
        item.last_sent_activity = Activity.objects.order_by("-created_at", "-id").first()
        item.full_clean()
        item.save()
    return item


def unwatch(*, watch: Watch) -> None:
    with transaction.atomic():
        Watch.objects.filter(pk=watch.pk).delete()


# --- Overdue flags --------------------------------------------------------------------------


class NextDay(Func):
    """`date + 1 day` in SQL, so the whole overdue flag is one UPDATE."""

    output_field = DateField()
    arity = 1

    def as_sqlite(self, compiler, connection, **extra):  # noqa: ANN001, ANN003
        return self.as_sql(compiler, connection, template="date(%(expressions)s, '+1 day')")

    def as_postgresql(self, compiler, connection, **extra):  # noqa: ANN001, ANN003
        return self.as_sql(compiler, connection, template="(%(expressions)s + 1)")


@dataclass(frozen=True)
class OverdueResult:
    requests_flagged: int
    requests_cleared: int
    escalations_flagged: int
    escalations_cleared: int

    @property
    def changed(self) -> int:
        return (
            self.requests_flagged
            + self.requests_cleared
            + self.escalations_flagged
            + self.escalations_cleared
        )


def _requests_overdue_on(today: dt.date) -> Q:
    return Q(status__in=workflow.WAITING_STATUSES, due_on__lt=today)


def _escalations_overdue_on(today: dt.date) -> Q:
    return Q(status=EscalationStatus.OPEN, due_on__isnull=False, due_on__lt=today)


def flag_overdue(*, today: dt.date, dry_run: bool = False) -> OverdueResult:
    """Set and clear `overdue_since` on every request and escalation, as of `today`.

    Set-based: for each of requests and escalations, one INSERT … SELECT writes the Activity of
    the rows that change and one UPDATE changes them, so the cost in queries is the same for ten
    rows or a hundred thousand. Idempotent: a row already flagged (or already clear) is not
    touched again, so a second run writes nothing. On PostgreSQL a transaction-scoped advisory
    lock makes concurrent runs (two beat instances) take turns; SQLite has one writer anyway.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FLAG_OVERDUE_LOCK_KEY])

        requests = DataRequest.objects.all()
        newly_overdue = requests.filter(_requests_overdue_on(today), overdue_since__isnull=True)
        cleared = requests.filter(~_requests_overdue_on(today), overdue_since__isnull=False)
        escalations = Escalation.objects.all()
        esc_newly_overdue = escalations.filter(
            _escalations_overdue_on(today), overdue_since__isnull=True
        )
        esc_cleared = escalations.filter(
            ~_escalations_overdue_on(today), overdue_since__isnull=False
        )

        if dry_run:
            return OverdueResult(
                newly_overdue.count(),
                cleared.count(),
                esc_newly_overdue.count(),
                esc_cleared.count(),
            )

        now = timezone.now()
        county_label = Concat(
            F("county__name"), Value(", "), F("county__state"), output_field=CharField()
        )
        esc_county_label = Concat(
            F("request__county__name"),
            Value(", "),
            F("request__county__state"),
            output_field=CharField(),
        )
        _insert_activity_from(
            newly_overdue,
            now=now,
            verb=ActivityVerb.BECAME_OVERDUE,
            request_id=F("pk"),
            county_id=F("county_id"),
            campaign_id=F("campaign_id"),
            escalation_id=Value(None, output_field=BigIntegerField()),
            summary=Concat(
                county_label,
                Value(": response overdue since "),
                Cast(NextDay(F("due_on")), CharField()),
                output_field=CharField(),
            ),
            data=JSONObject(overdue_since=Cast(NextDay(F("due_on")), CharField())),
        )
        _insert_activity_from(
            cleared,
            now=now,
            verb=ActivityVerb.OVERDUE_CLEARED,
            request_id=F("pk"),
            county_id=F("county_id"),
            campaign_id=F("campaign_id"),
            escalation_id=Value(None, output_field=BigIntegerField()),
            summary=Concat(county_label, Value(": no longer overdue"), output_field=CharField()),
            data=JSONObject(was_overdue_since=Cast(F("overdue_since"), CharField())),
        )
        flagged = newly_overdue.update(overdue_since=NextDay(F("due_on")), updated_at=now)
        unflagged = cleared.update(overdue_since=None, updated_at=now)

        _insert_activity_from(
            esc_newly_overdue,
            now=now,
            verb=ActivityVerb.BECAME_OVERDUE,
            request_id=F("request_id"),
            county_id=F("request__county_id"),
            campaign_id=F("request__campaign_id"),
            escalation_id=F("pk"),
            summary=Concat(
                esc_county_label,
                Value(": escalation overdue since "),
                Cast(NextDay(F("due_on")), CharField()),
                output_field=CharField(),
            ),
            data=JSONObject(overdue_since=Cast(NextDay(F("due_on")), CharField()), kind=F("kind")),
        )
        _insert_activity_from(
            esc_cleared,
            now=now,
            verb=ActivityVerb.OVERDUE_CLEARED,
            request_id=F("request_id"),
            county_id=F("request__county_id"),
            campaign_id=F("request__campaign_id"),
            escalation_id=F("pk"),
            summary=Concat(
                esc_county_label, Value(": escalation no longer overdue"), output_field=CharField()
            ),
            data=JSONObject(
                was_overdue_since=Cast(F("overdue_since"), CharField()), kind=F("kind")
            ),
        )
        esc_flagged = esc_newly_overdue.update(overdue_since=NextDay(F("due_on")), updated_at=now)
        esc_unflagged = esc_cleared.update(overdue_since=None, updated_at=now)
        result = OverdueResult(flagged, unflagged, esc_flagged, esc_unflagged)
        if result.changed:
            _announce_on_commit()
    logger.info(
        "flag_overdue(%s): requests +%d/-%d, escalations +%d/-%d",
        today,
        result.requests_flagged,
        result.requests_cleared,
        result.escalations_flagged,
        result.escalations_cleared,
    )
    return result


ACTIVITY_INSERT_COLUMNS = (
    "created_at",
    "verb",
    "request_id",
    "county_id",
    "campaign_id",
    "escalation_id",
    "summary",
    "data",
)


def _insert_activity_from(rows: QuerySet, *, now: dt.datetime, verb: str, **columns: Any) -> None:
    """INSERT INTO activity (...) SELECT ... FROM `rows`: one statement whatever the row count."""
    expressions = {
        "created_at": Value(now, output_field=Activity._meta.get_field("created_at")),
        "verb": Value(str(verb), output_field=CharField()),
        **columns,
    }
    if list(expressions) != list(ACTIVITY_INSERT_COLUMNS):
        raise ValueError(f"Give the columns in this order: {ACTIVITY_INSERT_COLUMNS}")
    # Annotations may not reuse field names; positional aliases keep the SELECT in column order.
    select = rows.values(**{f"col{i}": value for i, value in enumerate(expressions.values())})
    sql, params = select.query.get_compiler(using=rows.db).as_sql()
    table = connection.ops.quote_name(Activity._meta.db_table)
    column_sql = ", ".join(connection.ops.quote_name(column) for column in ACTIVITY_INSERT_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({column_sql}) {sql}", params)
