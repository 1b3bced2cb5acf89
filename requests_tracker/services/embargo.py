"""Embargo: holding a record back until a time (or until an editor releases it), and lifting it.

- `EmbargoTerms` (services/embargo_terms.py) are what a writer gives: until when (None: until
  released by hand) and why. log_response, file_escalation, record_figure, record_threat and
  issue_request take them (`embargo=`), so a record can be held from the moment it is written
  and nothing about it ever leaves the newsroom before the lift.
- `set_embargo` holds a record already on file; `lift_embargo` releases one (the editor's button,
  the API, a bulk action); `lift_due_embargoes` releases every embargo whose time has come (the
  beat job `lift-embargoes`, every minute).

What lifting does, in one transaction: the record is published; the events held for it
(Activity.held_for) are released with the lift time as their recorded time, so the changes feed,
the Atom feeds, watchers' digests and webhooks take them up now, each still dated the day it
happened (`occurred_on`); a response or escalation comes into effect (the request's due date
follows an extension, its status, overdue flag and first answer dates are re-derived, and any
change is on the timeline then); a request is re-derived too (it may have become overdue while
held). Every write gives the pages' data a new version (page_cache.py), so every count and kept
page changes at once.

Holding a record already published takes it back: its events are held again (they leave the
feeds; webhooks already sent stay sent), and a response or escalation stops counting towards its
request's status, which is re-derived (a status change readers will see).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from requests_tracker import permissions
from requests_tracker.models import (
    EMBARGO_FIELDS,
    Activity,
    DataRequest,
    Embargoable,
    Escalation,
    ReportedFigure,
    Response,
    Source,
    Threat,
)
from requests_tracker.presentation.links import absolute_url
from requests_tracker.services.activity import User
from requests_tracker.services.clock import local_today
from requests_tracker.services.embargo_terms import EmbargoTerms, check_terms, place_embargo
from requests_tracker.services.locks import lock_request
from requests_tracker.services.responses import follow_extensions
from requests_tracker.services.status import refresh_request_status

logger = logging.getLogger(__name__)

EMBARGOABLE: tuple[type[Embargoable], ...] = (
    DataRequest,
    Response,
    Escalation,
    Threat,
    Source,
    ReportedFigure,
)
"""Every kind of record that can be held, in the order the lift job releases them (a request
before what hangs on it)."""


def set_embargo(
    *,
    record: Embargoable,
    until: dt.datetime | None,
    reason: str,
    actor: User | None,
    today: dt.date | None = None,
) -> Embargoable:
    """Hold a record on file until `until` (None: until released by hand), saying why.

    Whoever may edit the record may hold it (permissions.can_embargo). Holding a held record
    again changes its terms. Side effects: the events about it are held; a response or
    escalation stops counting towards its request (whose status is re-derived).
    """
    terms = EmbargoTerms(until, reason)
    if not permissions.can_embargo(actor, record):
        raise PermissionDenied("You may not embargo this record.")
    check_terms(terms, actor=actor)
    with transaction.atomic():
        data_request, record = _lock(record)
        was_held = record.embargoed
        place_embargo(record, terms, actor=actor)
        record.save(update_fields=[*_FIELDS, "updated_at"])
        if not was_held:
            _hold_events(record)
            if isinstance(record, (Response, Escalation)):
                refresh_request_status(data_request, today=today or local_today(), actor=actor)
    return record


def lift_embargo(
    *, record: Embargoable, actor: User | None, today: dt.date | None = None
) -> Embargoable:
    """Publish a held record now (the editor's button, the API, a bulk action, the beat job with
    no actor). Lifting a record that is not held changes nothing. Side effects: as the module
    docstring says."""
    if actor is not None and not permissions.can_embargo(actor, record):
        raise PermissionDenied("You may not lift this embargo.")
    with transaction.atomic():
        data_request, record = _lock(record)
        if not record.embargoed:
            return record
        record.embargoed = False
        record.embargo_until = None
        record.embargo_reason = ""
        record.embargo_set_by = None
        record.embargo_set_at = None
        record.embargo_reminder_sent_at = None
        record.save(update_fields=[*_FIELDS, "updated_at"])
        _release_events(record)
        if data_request is not None:
            _take_effect(record, data_request, actor=actor, today=today or local_today())
    logger.info("Embargo lifted: %s", record.embargo_key)
    return record


def lift_due_embargoes(*, now: dt.datetime | None = None) -> int:
    """Lift every embargo whose time has come (`embargo_until` at or before `now`); the beat job
    runs it every minute. Each record is lifted in its own transaction, so one that fails is
    tried again next minute without holding back the others. Returns how many were lifted."""
    now = now or timezone.now()
    lifted = 0
    for model in EMBARGOABLE:
        due = model.objects.filter(embargoed=True, embargo_until__lte=now).order_by("pk")
        for record in due:
            try:
                lift_embargo(record=record, actor=None)
            except Exception:
                logger.exception("Could not lift the embargo on %s", record.embargo_key)
                continue
            lifted += 1
    return lifted


_FIELDS = EMBARGO_FIELDS

REMINDER_AHEAD = dt.timedelta(days=1)
"""How long before an embargo ends the editors are reminded."""


def remind_of_ending_embargoes(*, now: dt.datetime | None = None) -> int:
    """Mail the editors (active, with an address) the embargoes that end within REMINDER_AHEAD
    and of which they have not been reminded, in one message; each is marked reminded in the
    same transaction, so a second run sends nothing twice. The beat job runs it with the lift.
    Returns how many embargoes the message named (0: nothing sent)."""
    now = now or timezone.now()
    with transaction.atomic():
        ending: list[Embargoable] = []
        for model in EMBARGOABLE:
            ending += list(
                model.objects.select_for_update(skip_locked=True)
                .filter(
                    embargoed=True,
                    embargo_reminder_sent_at__isnull=True,
                    embargo_until__gt=now,
                    embargo_until__lte=now + REMINDER_AHEAD,
                )
                .order_by("embargo_until", "pk")
            )
        if not ending:
            return 0
        addresses = editor_addresses()
        if addresses:
            send_mail(
                subject=f"{len(ending)} embargo(es) end within a day",
                message=_reminder_text(ending),
                from_email=None,
                recipient_list=addresses,
            )
        for record in ending:
            type(record).objects.filter(pk=record.pk).update(embargo_reminder_sent_at=now)
    return len(ending)


def editor_addresses() -> list[str]:
    """The e-mail addresses of the active editors (and superusers)."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    editors = users.filter(Q(is_superuser=True) | Q(groups__name=permissions.EDITOR))
    return sorted(set(editors.values_list("email", flat=True)))


def _reminder_text(records: list[Embargoable]) -> str:
    zone = timezone.get_current_timezone()
    lines = ["These embargoes end within a day; lift one early or extend it from its page.", ""]
    for record in records:
        until = timezone.localtime(record.embargo_until, zone)
        lines.append(
            f"- {record._meta.verbose_name.capitalize()}: {record} — until {until:%Y-%m-%d %H:%M}"
            f" ({record.embargo_reason})"
        )
        lines.append(f"  {absolute_url(record.get_absolute_url())}")
    return "\n".join(lines)


def _lock(record: Embargoable) -> tuple[DataRequest | None, Embargoable]:
    """Lock the request the record bears on (status-changing writes), then the record itself."""
    model = type(record)
    request_id = (
        record.pk if isinstance(record, DataRequest) else getattr(record, "request_id", None)
    )
    data_request = lock_request(request_id) if request_id else None
    if isinstance(record, DataRequest):
        return data_request, data_request
    locked = model.objects.select_for_update(of=("self",)).get(pk=record.pk)
    if data_request is not None:
        locked.request = data_request
    return data_request, locked


def _events_of(record: Embargoable):  # noqa: ANN202 (a queryset of Activity)
    """The events about `record`: by their link to it, or for threats, figures and sources by
    the id their data carries."""
    if isinstance(record, DataRequest):
        return Activity.objects.filter(request=record)
    if isinstance(record, Response):
        return Activity.objects.filter(response=record)
    if isinstance(record, Escalation):
        return Activity.objects.filter(escalation=record)
    if isinstance(record, Threat):
        return Activity.objects.filter(data__threat=record.pk)
    if isinstance(record, ReportedFigure):
        return Activity.objects.filter(data__figure_id=record.pk)
    return Activity.objects.filter(data__source_id=record.pk)


def _hold_events(record: Embargoable) -> None:
    key = record.embargo_key
    events = list(_events_of(record).select_for_update())
    for event in events:
        if key not in event.held_for:
            event.held_for = [*event.held_for, key]
        event.embargoed = True
    Activity.objects.bulk_update(events, ["held_for", "embargoed"])


def _release_events(record: Embargoable) -> None:
    """Take `record` off its held events; those it was the last to hold are released now."""
    key = record.embargo_key
    now = timezone.now()
    events = list(
        Activity.objects.filter(embargoed=True, held_for__contains=[key])
        .select_for_update()
        .order_by("created_at", "id")
    )
    still_held, released = [], []
    for event in events:
        event.held_for = [held for held in event.held_for if held != key]
        (still_held if event.held_for else released).append(event)
    Activity.objects.bulk_update(still_held, ["held_for"])
    # A released event is written anew, recorded now (in its order): every reader that syncs
    # by time or by id (the changes feed, webhooks, watchers' digests) takes it up then, while
    # `occurred_on` keeps the day it happened.
    Activity.objects.filter(pk__in=[event.pk for event in released]).delete()
    for index, event in enumerate(released):
        event.pk = None
        event.embargoed = False
        event.created_at = now + dt.timedelta(microseconds=index)
    Activity.objects.bulk_create(released)


def _take_effect(
    record: Embargoable, data_request: DataRequest, *, actor: User | None, today: dt.date
) -> None:
    """What a published response or escalation changes on its request, now."""
    if isinstance(record, Response):
        follow_extensions(data_request, changed=record, actor=actor)
        refresh_request_status(
            data_request, today=today, actor=actor, occurred_on=record.received_on
        )
    elif isinstance(record, Escalation):
        refresh_request_status(data_request, today=today, actor=actor, occurred_on=record.issued_on)
    elif isinstance(record, DataRequest):
        refresh_request_status(data_request, today=today, actor=actor)


__all__ = [
    "EMBARGOABLE",
    "set_embargo",
    "lift_embargo",
    "lift_due_embargoes",
    "remind_of_ending_embargoes",
    "editor_addresses",
]
