"""Legal grounds (models/grounds.py): the catalogue, and which records cite each."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction

from requests_tracker import permissions
from requests_tracker.models import Campaign, Case, DataRequest, Escalation, LegalGround, Response
from requests_tracker.services.activity import User

RELATIONS = {
    Campaign: "campaigns",
    DataRequest: "requests",
    Response: "responses",
    Escalation: "escalations",
    Case: "cases",
}
WRITERS_ONLY = "Only journalists and editors cite legal grounds."


def cite_ground(
    *,
    ground: LegalGround,
    records: Iterable[Campaign | DataRequest | Response | Escalation | Case],
    actor: User | None,
) -> int:
    """Note that each record cites `ground`; returns how many were not citing it yet."""
    if actor is not None and not permissions.can_create(actor):
        raise PermissionDenied(WRITERS_ONLY)
    added = 0
    with transaction.atomic():
        for record in records:
            relation = getattr(ground, RELATIONS[type(record)])
            if not relation.filter(pk=record.pk).exists():
                relation.add(record)
                added += 1
    return added


GROUND_FIELDS = ("slug", "name", "citation", "level", "summary", "url")


def save_ground(*, ground: LegalGround, actor: User | None) -> LegalGround:
    """Add or correct a law in the catalogue (editors)."""
    if actor is not None and not permissions.can_manage_campaigns(actor):
        raise PermissionDenied("Only editors keep the catalogue of legal grounds.")
    with transaction.atomic():
        ground.full_clean()
        ground.save()
    return ground
