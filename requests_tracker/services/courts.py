"""Court cases and their dockets: opening and editing a case, linking it to CourtListener, and
recording docket entries however they arrive (a webhook delivery, the sweep, `sync_dockets`).

Recording is idempotent: an entry is known by its CourtListener id, or else by its number on the
case's docket, so a delivery posted twice, a sweep after a webhook, or a second `sync_dockets`
writes nothing new. Each new entry becomes a source of kind "court filing" and an Activity on
every request the case concerns (or, for a case tied to no request, on each of its counties), so
it reaches the request's timeline, the feeds, watchers' digests and the app's own webhooks. An
entry that reads like a court's order on a subpoena is marked for an editor's review.

Network calls (CourtListener) never happen inside a transaction: the sweep fetches first and
writes after, and a docket alert is created by a task after the link has committed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from requests_tracker.choices import ActivityVerb, SourceKind
from requests_tracker.courts import courtlistener
from requests_tracker.models import (
    Case,
    County,
    CourtListenerDelivery,
    DataRequest,
    DocketEntry,
    Escalation,
    Source,
)
from requests_tracker.services.activity import User, record_activity, sentence
from requests_tracker.services.editing import model_update, reject_unknown_fields
from requests_tracker.services.work_queue import enqueue

logger = logging.getLogger(__name__)

CASE_FIELDS = (
    "title",
    "kind",
    "court",
    "docket_number",
    "parties",
    "summary",
    "filed_on",
    "closed_on",
    "status",
    "outcome",
    "courtlistener_docket_id",
)
"""The fields of a case (open_case, update_case); its links are set with `counties`,
`requests`, `escalations` and `sources`."""

CASE_LINKS = ("counties", "requests", "escalations", "sources")

# "ORDER granting motion to quash subpoena", "ORDER to show cause re: compliance with
# administrative subpoena", "MINUTE ORDER ... enforce the subpoena".
SUBPOENA_ORDER = re.compile(r"\border\b.*\bsubpoena|\bsubpoena\b.*\border\b", re.I | re.S)
SOURCE_TITLE_MAX = Source._meta.get_field("title").max_length


def open_case(
    *,
    title: str,
    court: str,
    docket_number: str,
    filed_on: dt.date,
    kind: str = Case.Kind.SUIT_BY_DOJ,
    outcome: str = "",
    parties: str = "",
    summary: str = "",
    status: str = Case.Status.OPEN,
    closed_on: dt.date | None = None,
    courtlistener_docket_id: int | None = None,
    counties: Iterable[County] = (),
    requests: Iterable[DataRequest] = (),
    escalations: Iterable[Escalation] = (),
    sources: Iterable[Source] = (),
    actor: User | None = None,
) -> Case:
    """Record a court case with the jurisdictions, requests and escalations it concerns."""
    with transaction.atomic():
        case = Case(
            title=title,
            kind=kind,
            outcome=outcome,
            court=court,
            docket_number=docket_number,
            filed_on=filed_on,
            parties=parties,
            summary=summary,
            status=status,
            closed_on=closed_on,
            courtlistener_docket_id=courtlistener_docket_id,
        )
        case.full_clean()
        case.save()
        _set_links(
            case, counties=counties, requests=requests, escalations=escalations, sources=sources
        )
    if courtlistener_docket_id is not None:
        transaction.on_commit(lambda: _queue_follow(case.pk))
    return case


def update_case(*, case: Case, actor: User | None = None, **changes: Any) -> Case:
    """Edit a case's fields and links (each link given is replaced whole). A changed
    CourtListener docket is followed from then on."""
    reject_unknown_fields(changes, (*CASE_FIELDS, *CASE_LINKS))
    links = {name: changes.pop(name) for name in CASE_LINKS if name in changes}
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        followed = case.courtlistener_docket_id
        model_update(case, editable=CASE_FIELDS, changes=changes)
        _set_links(case, **links)
    if case.courtlistener_docket_id not in (None, followed):
        transaction.on_commit(lambda: _queue_follow(case.pk))
    return case


def link_docket(*, case: Case, docket: str | int, actor: User | None = None) -> Case:
    """Follow the case's CourtListener docket, given by its id or its CourtListener address."""
    try:
        docket_id = courtlistener.docket_id_from(str(docket))
    except ValueError as error:
        raise ValidationError({"courtlistener_docket_id": str(error)}) from error
    return update_case(case=case, courtlistener_docket_id=docket_id, actor=actor)


def _set_links(case: Case, **links: Iterable[Any]) -> None:
    for name, records in links.items():
        getattr(case, name).set(list(records))


def _queue_follow(case_id: int) -> None:
    enqueue("requests_tracker.tasks.follow_docket_task", case_id, what=f"following case {case_id}")


def client() -> courtlistener.CourtListener | None:
    """The CourtListener client of settings, or None when no token is configured (then the app
    never calls out: webhooks it is sent are still recorded)."""
    if not settings.COURTLISTENER_TOKEN:
        return None
    return courtlistener.CourtListener(
        settings.COURTLISTENER_API_URL,
        settings.COURTLISTENER_TOKEN,
        min_interval=settings.COURTLISTENER_MIN_INTERVAL_SECONDS,
    )


def follow_docket(case_id: int, *, api: courtlistener.CourtListener | None = None) -> bool:
    """Create the docket alert for a linked case (once); True when one is held now."""
    api = api or client()
    case = Case.objects.filter(pk=case_id, courtlistener_docket_id__isnull=False).first()
    if api is None or case is None:
        return False
    if case.courtlistener_alert_id is not None:
        return True
    alert_id = api.subscribe(case.courtlistener_docket_id)
    Case.objects.filter(pk=case.pk).update(courtlistener_alert_id=alert_id)
    return True


# --- Docket entries ------------------------------------------------------------------------


def record_entries(*, case: Case, entries: Iterable[courtlistener.Entry]) -> list[DocketEntry]:
    """Record the entries the case does not have yet (one transaction); returns the new ones."""
    entries = list(entries)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        ids = [entry.id for entry in entries if entry.id is not None]
        numbers = [entry.entry_number for entry in entries if entry.entry_number is not None]
        known = DocketEntry.objects.filter(
            Q(courtlistener_id__in=ids) | Q(case=case, entry_number__in=numbers)
        ).values_list("courtlistener_id", "entry_number", "case_id")
        known_ids = {courtlistener_id for courtlistener_id, _, _ in known}
        known_numbers = {number for _, number, case_id in known if case_id == case.pk}
        new: list[DocketEntry] = []
        for entry in sorted(entries, key=_filing_order):
            if entry.id in known_ids or (
                entry.entry_number is not None and entry.entry_number in known_numbers
            ):
                continue
            new.append(_record_entry(case, entry))
            known_ids.add(entry.id)
            if entry.entry_number is not None:
                known_numbers.add(entry.entry_number)
        if new:
            _announce(case, new)
    return new


def _filing_order(entry: courtlistener.Entry) -> tuple[dt.date, int]:
    return (entry.date_filed or dt.date.min, entry.entry_number or 0)


def _record_entry(case: Case, entry: courtlistener.Entry) -> DocketEntry:
    filed_on = entry.date_filed or timezone.localdate()
    number = f"entry {entry.entry_number}" if entry.entry_number is not None else "docket entry"
    title = f"{case.title}, {number}: {entry.description}"
    source = Source(
        title=title[: SOURCE_TITLE_MAX - 1] + "…" if len(title) > SOURCE_TITLE_MAX else title,
        url=entry.document_url,
        publisher=case.court,
        published_on=filed_on,
        kind=SourceKind.COURT_FILING,
    )
    source.full_clean()
    source.save()
    docket_entry = DocketEntry(
        case=case,
        entry_number=entry.entry_number,
        filed_on=filed_on,
        description=entry.description,
        source=source,
        courtlistener_id=entry.id,
        needs_review=bool(SUBPOENA_ORDER.search(entry.description)),
    )
    docket_entry.full_clean(exclude=["source"])
    docket_entry.save()
    return docket_entry


def _announce(case: Case, entries: Sequence[DocketEntry]) -> None:
    """One Activity per new entry on every request the case concerns, else on each county."""
    requests = list(case.requests.select_related("county", "campaign"))
    counties = [] if requests else list(case.counties.all())
    for entry in entries:
        summary = sentence(
            ActivityVerb.DOCKET_ENTRY_FILED,
            case=case.title,
            description=entry.description,
            filed_on=entry.filed_on,
        )
        data = {"case_id": case.pk, "docket_entry_id": entry.pk, "source_id": entry.source_id}
        for data_request in requests:
            record_activity(
                ActivityVerb.DOCKET_ENTRY_FILED,
                summary,
                data_request=data_request,
                data=data,
                occurred_on=entry.filed_on,
            )
        for county in counties:
            record_activity(
                ActivityVerb.DOCKET_ENTRY_FILED,
                summary,
                county=county,
                data=data,
                occurred_on=entry.filed_on,
            )


# --- Webhook deliveries --------------------------------------------------------------------


def receive_delivery(*, idempotency_key: str, body: bytes) -> tuple[CourtListenerDelivery, bool]:
    """Keep a docket-alert delivery once per Idempotency-Key (a retried delivery is not kept
    again) and queue its processing; raises courtlistener.InvalidPayload for a body that is not
    a docket alert. Returns the delivery and whether it is new."""
    docket_id, entries = courtlistener.parse_docket_alert(
        body, max_entries=settings.COURTLISTENER_MAX_ENTRIES
    )
    payload = {"entries": [_entry_json(entry) for entry in entries]}
    with transaction.atomic():
        delivery, created = CourtListenerDelivery.objects.get_or_create(
            idempotency_key=idempotency_key,
            defaults={"docket_id": docket_id, "payload": payload},
        )
        if created:
            transaction.on_commit(lambda: _queue_delivery(delivery.pk))
    return delivery, created


def _entry_json(entry: courtlistener.Entry) -> dict[str, Any]:
    values = dataclasses.asdict(entry)
    values["date_filed"] = entry.date_filed.isoformat() if entry.date_filed else None
    return values


def _entry_from_json(values: dict[str, Any]) -> courtlistener.Entry:
    date_filed = values.get("date_filed")
    return courtlistener.Entry(
        **{**values, "date_filed": dt.date.fromisoformat(date_filed) if date_filed else None}
    )


def _queue_delivery(delivery_id: int) -> None:
    enqueue(
        "requests_tracker.tasks.process_court_delivery_task",
        delivery_id,
        what=f"recording CourtListener delivery {delivery_id}",
    )


def process_delivery(delivery_id: int) -> int:
    """Record a kept delivery's entries on the case that follows its docket (once); returns how
    many entries were new. A delivery for a docket no case follows is noted and set aside."""
    with transaction.atomic():
        delivery = (
            CourtListenerDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, processed_at__isnull=True)
            .first()
        )
        if delivery is None:
            return 0
        case = Case.objects.filter(courtlistener_docket_id=delivery.docket_id).first()
        new: list[DocketEntry] = []
        if case is None:
            delivery.note = f"No case follows docket {delivery.docket_id}."
        else:
            entries = [_entry_from_json(values) for values in delivery.payload["entries"]]
            new = record_entries(case=case, entries=entries)
            delivery.note = f"{len(new)} new of {len(entries)} entries."
        delivery.processed_at = timezone.now()
        delivery.save(update_fields=["processed_at", "note"])
    return len(new)


def waiting_deliveries() -> list[int]:
    """Deliveries kept but not processed (a lost task message): the sweep processes them."""
    return list(
        CourtListenerDelivery.objects.filter(processed_at__isnull=True).values_list("pk", flat=True)
    )


# --- The sweep and sync_dockets --------------------------------------------------------------


SYNC_LOOKBACK_DAYS = 30


@dataclasses.dataclass
class SyncResult:
    configured: bool = True
    delivered: int = 0  # entries recorded from deliveries left waiting
    cases: int = 0
    entries: int = 0  # entries recorded from CourtListener's API
    unreachable: list[str] = dataclasses.field(default_factory=list)


def catch_up(
    *, api: courtlistener.CourtListener | None = None, case_ids: Sequence[int] | None = None
) -> SyncResult:
    """What beat's sweep and `sync_dockets` do: record the deliveries left waiting (a lost task
    message), then fetch what the webhooks missed (sync_dockets)."""
    delivered = sum(process_delivery(delivery_id) for delivery_id in waiting_deliveries())
    result = sync_dockets(api=api, case_ids=case_ids)
    result.delivered = delivered
    return result


def sync_dockets(
    *, api: courtlistener.CourtListener | None = None, case_ids: Sequence[int] | None = None
) -> SyncResult:
    """Fetch each followed docket's entries (all of them the first time; afterwards those filed
    in the SYNC_LOOKBACK_DAYS before the last fetch, for entries filed late or a webhook missed)
    and record the missing ones; create the docket alert of a case that has
    none yet. Idempotent; a docket CourtListener cannot serve now is named in the result and
    tried again next time."""
    api = api or client()
    if api is None:
        return SyncResult(configured=False)
    result = SyncResult()
    cases = Case.objects.filter(courtlistener_docket_id__isnull=False)
    if case_ids is not None:
        cases = cases.filter(pk__in=case_ids)
    for case in cases.order_by("pk"):
        since = (
            timezone.localdate(case.synced_at) - dt.timedelta(days=SYNC_LOOKBACK_DAYS)
            if case.synced_at
            else None
        )
        try:
            if case.courtlistener_alert_id is None:  # the alert was never made: make it now
                follow_docket(case.pk, api=api)
            entries = list(api.entries(case.courtlistener_docket_id, filed_after=since))
        except courtlistener.Unreachable as error:
            logger.warning("CourtListener: docket %s not synced: %s", case.docket_number, error)
            result.unreachable.append(case.docket_number)
            continue
        result.cases += 1
        result.entries += len(record_entries(case=case, entries=entries))
        Case.objects.filter(pk=case.pk).update(synced_at=timezone.now())
    return result
