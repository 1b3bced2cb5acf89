"""The timeline every service writes to: Activity records and their sentences.

- `record_activity` appends one event (and wakes the webhook fan-out once per commit);
- `sentence` builds an event's one-line summary from SENTENCES, the only place each sentence is
  written (flag_overdue builds the same sentence in SQL with `sentence_sql`; the benchmark's
  seeder with `sentence`).
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Concat

from requests_tracker.choices import ActivityVerb
from requests_tracker.models import (
    Activity,
    Campaign,
    County,
    DataRequest,
    Embargoable,
    Escalation,
    Response,
)
from requests_tracker.services.clock import local_today
from requests_tracker.services.work_queue import enqueue

User = AbstractBaseUser
SUMMARY_MAX_LENGTH = Activity._meta.get_field("summary").max_length

SENTENCES: dict[str, str] = {
    ActivityVerb.REQUEST_ISSUED: "{agency} asked {county} for data, due {due_on}",
    ActivityVerb.CAMPAIGN_ISSUED: "{agency} issued “{title}” to {count} counties",
    ActivityVerb.REQUEST_UPDATED: "{county}: request edited ({fields})",
    ActivityVerb.CAMPAIGN_UPDATED: "Campaign “{title}” edited ({fields})",
    ActivityVerb.DUE_DATE_CHANGED: "{county}: {change} {due_on} (was {was})",
    ActivityVerb.RESPONSE_LOGGED: "{county}: {kind} ({received_on})",
    ActivityVerb.RESPONSE_UPDATED: "{county}: response of {received_on} corrected",
    ActivityVerb.RESPONSE_DELETED: "{county}: response of {received_on} deleted",
    ActivityVerb.ESCALATION_FILED: "{county}: {kind} ({issued_on})",
    ActivityVerb.ESCALATION_UPDATED: "{county}: {kind} {change}",
    ActivityVerb.ESCALATION_DELETED: "{county}: {kind} deleted",
    ActivityVerb.STATUS_CHANGED: "{county}: status changed from {was} to {now}",
    ActivityVerb.BECAME_OVERDUE: "{county}: {what} overdue since {since}",
    ActivityVerb.OVERDUE_CLEARED: "{county}: {what} no longer overdue",
    ActivityVerb.SOURCE_ADDED: "Source added: {title}",
    ActivityVerb.SOURCE_REMOVED: "Source removed: {title}",
    ActivityVerb.FIGURE_RECORDED: "{county}: {metric} — {value} ({period})",
    ActivityVerb.DOCKET_ENTRY_FILED: "{case}: {description} ({filed_on})",
    ActivityVerb.THREAT_MADE: "{who} threatened {what} against {target} ({threatened_on})",
    ActivityVerb.THREAT_CARRIED_OUT: (
        "{county}: {what} threatened on {threatened_on} carried out ({issued_on})"
    ),
    ActivityVerb.BULK_ACTION: "{action} {count} requests of “{title}” at once",
}
"""One sentence per verb; `{placeholders}` are filled by `sentence` (or `sentence_sql`)."""

DUE_DATE_CHANGES = {
    "edited": "due date changed to",
    "extension_granted": "extension to",
    "extension_withdrawn": "extension withdrawn, due",
}
"""How a due-date change is told, by its reason (the `reason` in the Activity's data)."""


def sentence(verb: str, **values: Any) -> str:
    """The event's summary: its verb's sentence with `values` (dates written ISO), cut to fit."""
    text = SENTENCES[verb].format(
        **{
            name: value.isoformat() if isinstance(value, dt.date) else value
            for name, value in values.items()
        }
    )
    return text[:SUMMARY_MAX_LENGTH]


def sentence_sql(verb: str, **values: Combinable | str) -> Concat:
    """The same sentence as an SQL expression, each placeholder given as a column expression or
    a literal string, so set-based writes (flag_overdue) say exactly what services say."""
    parts: list[Combinable] = []
    for literal, name, _spec, _conversion in string.Formatter().parse(SENTENCES[verb]):
        if literal:
            parts.append(Value(literal))
        if name:
            value = values[name]
            parts.append(Value(value) if isinstance(value, str) else value)
    return Concat(*parts, output_field=CharField())


def due_date_sentence(data_request: DataRequest, reason: str, *, was: dt.date) -> str:
    """How a change of the request's due date reads (reason: a key of DUE_DATE_CHANGES)."""
    return sentence(
        ActivityVerb.DUE_DATE_CHANGED,
        county=data_request.county,
        change=DUE_DATE_CHANGES[reason],
        due_on=data_request.due_on,
        was=was,
    )


def actor_or_none(actor: User | None) -> User | None:
    """The signed-in user behind a write, or None (anonymous users and jobs record no actor)."""
    return actor if actor is not None and actor.is_authenticated else None


def record_activity(
    verb: str,
    summary: str,
    *,
    data_request: DataRequest | None = None,
    county: County | None = None,
    campaign: Campaign | None = None,
    response: Response | None = None,
    escalation: Escalation | None = None,
    actor: User | None = None,
    data: dict[str, Any] | None = None,
    occurred_on: dt.date | None = None,
    about: Iterable[Embargoable] = (),
) -> Activity:
    """Append one event to the timeline; a request's county and campaign are filled in from it.

    `occurred_on` is the day the event happened (default: today in TIME_ZONE, right for edits).
    An event about a record under embargo (the request, response or escalation given, or one of
    `about`: a threat, figure or source) is held (`held_for`): only the newsroom sees it until
    the last of them lifts (services/embargo.py).
    Side effect: on commit, the worker that fans new Activity out to webhooks is woken.
    """
    if data_request is not None:
        county = county or data_request.county
        campaign = campaign or data_request.campaign
    held_for = [
        record.embargo_key
        for record in (data_request, response, escalation, *about)
        if record is not None and record.embargoed
    ]
    activity = Activity.objects.create(
        verb=verb,
        summary=summary[:SUMMARY_MAX_LENGTH],
        request=data_request,
        county=county,
        campaign=campaign,
        response=response,
        escalation=escalation,
        actor=actor_or_none(actor),
        data=data or {},
        occurred_on=occurred_on or local_today(),
        embargoed=bool(held_for),
        held_for=held_for,
    )
    announce_on_commit()
    return activity


def announce_on_commit() -> None:
    """After commit, wake the worker that fans new Activity out to webhooks (once per commit).

    The database is the record of what still needs delivering, so if the broker is down the
    write still succeeds and the periodic sweep finds the work later.
    """
    pending = transaction.get_connection().run_on_commit
    if any(callback is _wake_fan_out for _, callback, _ in pending):
        return
    transaction.on_commit(_wake_fan_out)


def _wake_fan_out() -> None:
    enqueue(
        "requests_tracker.tasks.fan_out_activity_task", what="offering new activity to webhooks"
    )
