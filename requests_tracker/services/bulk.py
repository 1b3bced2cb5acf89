"""Bulk actions on a campaign's requests: the same escalation filed against every county DOJ sent
it to, one source cited on all of them, one extension logged, follow or unfollow them all, hold
them back (embargo) or lift their embargo.

Each row goes through the service a single write uses (file_escalation, cite_source,
log_response, watch), all rows in one transaction. A row a rule refuses is left out with its
reason and the others go ahead; a dry run does every row the same way and then rolls the whole
transaction back, so what it reports is what confirming would do. The action is recorded once in
the activity with its count (each request's timeline has its own event from its service).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from requests_tracker import permissions
from requests_tracker.choices import ActivityVerb, EscalationKind, EscalationStatus, ResponseKind
from requests_tracker.models import Campaign, DataRequest, Escalation, Source, Watch
from requests_tracker.services.activity import User, record_activity, sentence
from requests_tracker.services.clock import local_today
from requests_tracker.services.embargo import lift_embargo, set_embargo
from requests_tracker.services.escalations import file_escalation
from requests_tracker.services.responses import log_response
from requests_tracker.services.sources import cite_source
from requests_tracker.services.watches import unwatch, watch

EDITORS_ONLY = "Only editors act on a campaign's requests at once."
MAX_ROWS = 5000
"""At most this many requests in one action (a national campaign has about 3,200 counties)."""

ACTIONS = {
    "file_escalation": "File an escalation",
    "cite_source": "Cite a source",
    "log_extension": "Log an extension granted",
    "follow": "Follow",
    "unfollow": "Stop following",
    "set_embargo": "Hold back (embargo)",
    "lift_embargo": "Lift the embargo",
}
"""What can be done to many requests at once: the form's and the API's `action`."""

ACTION_REQUIRED: dict[str, tuple[str, ...]] = {
    "file_escalation": ("kind", "issued_on"),
    "cite_source": ("source",),
    "log_extension": ("new_due_on",),
    "set_embargo": ("embargo_reason",),
}
"""The fields an action cannot do without (forms and the API say so next to the field)."""

RECORDED_ACTIONS = ("file_escalation", "cite_source", "log_extension")
"""Actions recorded in the activity (who follows what is nobody else's business, and an embargo
is the newsroom's: each request's own events are held or released by it)."""

ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    "file_escalation": ("kind", "issued_on", "due_on", "summary"),
    "cite_source": ("source",),
    "log_extension": ("received_on", "new_due_on", "summary"),
    "follow": ("frequency",),
    "unfollow": (),
    "set_embargo": ("embargo_until", "embargo_reason"),
    "lift_embargo": (),
}
"""The fields each action takes (the same names as its single-write service's)."""


@dataclass
class RowResult:
    """One request's outcome: `outcome` says what it became (or would become); a refused row
    has `errors` by field, as the single write would have answered."""

    request_id: int
    county: str
    ok: bool
    outcome: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class BulkResult:
    action: str
    dry_run: bool
    rows: list[RowResult]

    @property
    def done(self) -> int:
        return sum(row.ok for row in self.rows)

    @property
    def refused(self) -> int:
        return len(self.rows) - self.done


class _DryRun(Exception):
    """Raised at the end of a dry run to roll its transaction back."""


def run_bulk_action(
    *,
    campaign: Campaign,
    action: str,
    requests: Sequence[DataRequest],
    fields: dict[str, Any],
    actor: User | None,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> BulkResult:
    """Do `action` with `fields` to each of `requests` (all of `campaign`) in one transaction;
    with `dry_run`, report what it would do and write nothing."""
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied(EDITORS_ONLY)
    _check_arguments(campaign, action, requests, fields)
    today = today or local_today()
    write = _WRITES[action]
    rows: list[RowResult] = []
    try:
        with transaction.atomic():
            for data_request in sorted(requests, key=lambda r: r.pk):  # one lock order
                rows.append(_one_row(write, data_request, fields, actor, today))
            done = [row.request_id for row in rows if row.ok]
            if done and action in RECORDED_ACTIONS:
                record_activity(
                    ActivityVerb.BULK_ACTION,
                    sentence(
                        ActivityVerb.BULK_ACTION,
                        action=_done_phrase(action, fields),
                        count=len(done),
                        title=campaign.title,
                    ),
                    campaign=campaign,
                    actor=actor,
                    data={"action": action, "count": len(done), "requests": done},
                )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return BulkResult(action=action, dry_run=dry_run, rows=rows)


def _check_arguments(
    campaign: Campaign, action: str, requests: Sequence[DataRequest], fields: dict[str, Any]
) -> None:
    if action not in ACTIONS:
        raise ValidationError({"action": f"Choose one of: {', '.join(ACTIONS)}."})
    if not requests:
        raise ValidationError({"requests": "Choose at least one request."})
    if len(requests) > MAX_ROWS:
        raise ValidationError({"requests": f"At most {MAX_ROWS:,} requests at once."})
    others = [r.pk for r in requests if r.campaign_id != campaign.pk]
    if others:
        raise ValidationError(
            {"requests": f"Not requests of this campaign: {', '.join(map(str, others[:10]))}."}
        )
    unknown = sorted(set(fields) - set(ACTION_FIELDS[action]))
    if unknown:
        raise ValidationError({name: "Not a field of this action." for name in unknown})


def _one_row(
    write: Callable[..., str],
    data_request: DataRequest,
    fields: dict[str, Any],
    actor: User | None,
    today: dt.date,
) -> RowResult:
    row = RowResult(request_id=data_request.pk, county=str(data_request.county), ok=False)
    try:
        with transaction.atomic():  # a refused row leaves nothing behind
            row.outcome = write(data_request, fields, actor, today)
    except ValidationError as error:
        row.errors = (
            error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        )
        return row
    row.ok = True
    return row


def _file_escalation(
    data_request: DataRequest, fields: dict[str, Any], actor: User | None, today: dt.date
) -> str:
    kind = fields.get("kind")
    standing = (
        Escalation.objects.filter(request=data_request, kind=kind, status=EscalationStatus.OPEN)
        .order_by("issued_on")
        .first()
    )
    if standing is not None:
        raise ValidationError(
            {
                "kind": f"An open {standing.get_kind_display().lower()} of "
                f"{standing.issued_on.isoformat()} already stands on this request."
            }
        )
    escalation = file_escalation(
        data_request=data_request,
        kind=kind,
        issued_on=fields.get("issued_on"),
        due_on=fields.get("due_on"),
        summary=fields.get("summary") or "",
        actor=actor,
        today=today,
    )
    data_request.refresh_from_db(fields=["status"])
    return (
        f"{escalation.get_kind_display()} of {escalation.issued_on.isoformat()}; "
        f"status {data_request.get_status_display().lower()}"
    )


def _cite_source(
    data_request: DataRequest, fields: dict[str, Any], actor: User | None, today: dt.date
) -> str:
    source = fields.get("source")
    if not isinstance(source, Source):
        raise ValidationError({"source": "Choose a source."})
    if not cite_source(source=source, record=data_request, actor=actor):
        raise ValidationError({"source": "This source is already cited on this request."})
    return f"cites “{source.title}”"


def _log_extension(
    data_request: DataRequest, fields: dict[str, Any], actor: User | None, today: dt.date
) -> str:
    was = data_request.due_on
    log_response(
        data_request=data_request,
        kind=ResponseKind.EXTENSION_GRANTED,
        received_on=fields.get("received_on") or today,
        new_due_on=fields.get("new_due_on"),
        summary=fields.get("summary") or "",
        actor=actor,
        today=today,
    )
    data_request.refresh_from_db(fields=["due_on"])
    return f"due {data_request.due_on.isoformat()} (was {was.isoformat()})"


def _follow(
    data_request: DataRequest, fields: dict[str, Any], actor: User | None, today: dt.date
) -> str:
    frequency = fields.get("frequency") or Watch.Frequency.DAILY
    watch(user=actor, data_request=data_request, frequency=frequency)
    return f"followed ({Watch.Frequency(frequency).label.lower()})"


def _unfollow(
    data_request: DataRequest, fields: dict[str, Any], actor: User | None, today: dt.date
) -> str:
    following = Watch.objects.filter(user=actor, request=data_request).first()
    if following is None:
        raise ValidationError({"__all__": "You do not follow this request."})
    unwatch(watch=following)
    return "no longer followed"


def _set_embargo(
    data_request: DataRequest, fields: dict[str, Any], actor: User | None, today: dt.date
) -> str:
    until = fields.get("embargo_until")
    set_embargo(
        record=data_request,
        until=until,
        reason=fields.get("embargo_reason") or "",
        actor=actor,
        today=today,
    )
    return f"held until {until.isoformat()}" if until else "held until lifted"


def _lift_embargo(
    data_request: DataRequest, fields: dict[str, Any], actor: User | None, today: dt.date
) -> str:
    if not data_request.embargoed:
        raise ValidationError({"__all__": "This request is not under embargo."})
    lift_embargo(record=data_request, actor=actor, today=today)
    return "published"


_WRITES: dict[str, Callable[..., str]] = {
    "file_escalation": _file_escalation,
    "cite_source": _cite_source,
    "log_extension": _log_extension,
    "follow": _follow,
    "unfollow": _unfollow,
    "set_embargo": _set_embargo,
    "lift_embargo": _lift_embargo,
}


def _done_phrase(action: str, fields: dict[str, Any]) -> str:
    if action == "file_escalation":
        return f"{EscalationKind(fields['kind']).label} filed against"
    return {"cite_source": "Source cited on", "log_extension": "Extension logged for"}[action]
