"""The overdue flag, set and cleared for every request and escalation in one pass."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    DateField,
    F,
    Func,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, JSONObject
from django.utils import timezone

from requests_tracker import tallies, workflow
from requests_tracker.choices import ActivityVerb, EscalationKind, EscalationStatus
from requests_tracker.models import Activity, DataRequest, Escalation
from requests_tracker.services.activity import announce_on_commit, sentence_sql
from requests_tracker.services.locks import FLAG_OVERDUE_LOCK_KEY

logger = logging.getLogger(__name__)


class NextDay(Func):
    """`date + 1 day` in SQL, so the whole overdue flag is one UPDATE."""

    output_field = DateField()
    arity = 1

    template = "(%(expressions)s + 1)"


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

    def counts_text(self) -> str:
        """The changes as a log line gives them: requests +flagged/-cleared, then escalations."""
        return (
            f"requests +{self.requests_flagged}/-{self.requests_cleared}, "
            f"escalations +{self.escalations_flagged}/-{self.escalations_cleared}"
        )


def _requests_overdue_on(today: dt.date) -> Q:
    return Q(status__in=workflow.WAITING_STATUSES, due_on__lt=today)


def _escalations_overdue_on(today: dt.date) -> Q:
    return Q(status=EscalationStatus.OPEN, due_on__isnull=False, due_on__lt=today)


def flag_overdue(*, today: dt.date, dry_run: bool = False) -> OverdueResult:
    """Set and clear `overdue_since` on every request and escalation, as of `today`.

    A request is overdue from the day after its due date while it still waits for a
    substantive answer; an open escalation from the day after its return date (workflow.py).

    Set-based: for each of requests and escalations, one INSERT … SELECT writes the Activity of
    the rows that change and one UPDATE changes exactly the rows that got an Activity in this
    run, so the cost in queries is the same for ten rows or a hundred thousand, and no row
    changes without its Activity (a row that turns overdue between the two statements waits for
    the next run). Idempotent: a row already flagged (or already clear) is not touched again, so
    a second run writes nothing. A transaction-scoped advisory lock makes concurrent runs (two
    beat instances) take turns, and services hold it in shared mode while they change a
    request.

    Side effects (unless `dry_run`): Activity `became_overdue` / `overdue_cleared` per change,
    the tallies compacted (tallies.py), and on commit the webhook fan-out is woken. Returns the
    counts of each kind of change.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FLAG_OVERDUE_LOCK_KEY])

        if dry_run:
            result = OverdueResult(
                *_changes(REQUESTS, today).counts(), *_changes(ESCALATIONS, today).counts()
            )
            logger.info("flag_overdue(%s) dry run: would change %s", today, result.counts_text())
            return result

        now = timezone.now()
        flagged, unflagged = _apply(REQUESTS, today=today, now=now)
        esc_flagged, esc_unflagged = _apply(ESCALATIONS, today=today, now=now)
        result = OverdueResult(flagged, unflagged, esc_flagged, esc_unflagged)
        if result.changed:
            announce_on_commit()
        # The day's writes each added a row to the tallies they changed: fold them (tallies.py).
        tallies.compact()
    logger.info("flag_overdue(%s): %s", today, result.counts_text())
    return result


@dataclass(frozen=True)
class _Flaggable:
    """What differs between flagging requests and flagging escalations."""

    model: type[DataRequest] | type[Escalation]
    overdue_on: Callable[[dt.date], Q]
    request_path: str  # "" from a request, "request__" from an escalation
    is_escalation: bool

    def columns(self) -> dict[str, Any]:
        path = self.request_path
        return {
            "request_id": F("request_id") if self.is_escalation else F("pk"),
            "county_id": F(f"{path}county_id"),
            "campaign_id": F(f"{path}campaign_id"),
            "escalation_id": F("pk")
            if self.is_escalation
            else Value(None, output_field=BigIntegerField()),
        }

    def county(self) -> Concat:
        """The county as its str() reads ("Los Angeles County, CA")."""
        path = self.request_path
        return Concat(
            F(f"{path}county__name"),
            Value(", "),
            F(f"{path}county__state"),
            output_field=CharField(),
        )

    def what(self) -> Case | str:
        """What is overdue, as services name it: the response, or the escalation's kind."""
        if not self.is_escalation:
            return "response"
        return Case(
            *(When(kind=kind, then=Value(label.lower())) for kind, label in EscalationKind.choices),
            default=Value("escalation"),
            output_field=CharField(),
        )

    def data(self, **values: Any) -> JSONObject:
        if self.is_escalation:
            values["kind"] = F("kind")
        return JSONObject(**values)


REQUESTS = _Flaggable(DataRequest, _requests_overdue_on, "", is_escalation=False)
ESCALATIONS = _Flaggable(Escalation, _escalations_overdue_on, "request__", is_escalation=True)


@dataclass(frozen=True)
class _Changes:
    newly_overdue: QuerySet
    cleared: QuerySet

    def counts(self) -> tuple[int, int]:
        return self.newly_overdue.count(), self.cleared.count()


def _changes(kind: _Flaggable, today: dt.date) -> _Changes:
    # Records under embargo wait: lifting one re-derives its flag and writes the event then.
    rows = kind.model.objects.filter(kind.model.published())
    return _Changes(
        newly_overdue=rows.filter(kind.overdue_on(today), overdue_since__isnull=True),
        cleared=rows.filter(~kind.overdue_on(today), overdue_since__isnull=False),
    )


def _apply(kind: _Flaggable, *, today: dt.date, now: dt.datetime) -> tuple[int, int]:
    """Write the Activity of every change (two INSERT … SELECT), then change exactly those rows
    (two UPDATE). Returns (flagged, cleared)."""
    changes = _changes(kind, today)
    first_overdue_day = Cast(NextDay(F("due_on")), CharField())
    _insert_activity_from(
        changes.newly_overdue,
        now=now,
        occurred_on=NextDay(F("due_on")),
        verb=ActivityVerb.BECAME_OVERDUE,
        **kind.columns(),
        summary=sentence_sql(
            ActivityVerb.BECAME_OVERDUE,
            county=kind.county(),
            what=kind.what(),
            since=first_overdue_day,
        ),
        data=kind.data(overdue_since=first_overdue_day),
    )
    _insert_activity_from(
        changes.cleared,
        now=now,
        occurred_on=Value(today, output_field=DateField()),
        verb=ActivityVerb.OVERDUE_CLEARED,
        **kind.columns(),
        summary=sentence_sql(ActivityVerb.OVERDUE_CLEARED, county=kind.county(), what=kind.what()),
        data=kind.data(was_overdue_since=Cast(F("overdue_since"), CharField())),
    )
    id_column = "escalation_id" if kind.is_escalation else "request_id"
    flagged = changes.newly_overdue.filter(
        pk__in=_written_now(
            now, ActivityVerb.BECAME_OVERDUE, id_column, escalation=kind.is_escalation
        )
    ).update(overdue_since=NextDay(F("due_on")), updated_at=now)
    cleared = changes.cleared.filter(
        pk__in=_written_now(
            now, ActivityVerb.OVERDUE_CLEARED, id_column, escalation=kind.is_escalation
        )
    ).update(overdue_since=None, updated_at=now)
    return flagged, cleared


def _written_now(now: dt.datetime, verb: str, column: str, *, escalation: bool) -> QuerySet:
    """The rows this run wrote Activity for: its INSERTs all carry `created_at = now` exactly."""
    return Activity.objects.filter(
        created_at=now, verb=verb, escalation__isnull=not escalation
    ).values(column)


ACTIVITY_INSERT_COLUMNS = (
    "created_at",
    "occurred_on",
    "verb",
    "request_id",
    "county_id",
    "campaign_id",
    "escalation_id",
    "summary",
    "data",
)


def _insert_activity_from(
    rows: QuerySet, *, now: dt.datetime, occurred_on: Func | Value, verb: str, **columns: Any
) -> None:
    """INSERT INTO activity (...) SELECT ... FROM `rows`: one statement whatever the row count."""
    expressions = {
        "created_at": Value(now, output_field=Activity._meta.get_field("created_at")),
        "occurred_on": occurred_on,
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
