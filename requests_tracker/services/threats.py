"""Threats: DOJ's stated next step (a subpoena, a suit, other compulsory process) recorded as a
step of the ladder of its own, and marked carried out by the escalation that made it good."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from requests_tracker.choices import ActivityVerb
from requests_tracker.models import Campaign, DataRequest, Escalation, Source, Threat
from requests_tracker.services.activity import User, actor_or_none, record_activity, sentence
from requests_tracker.services.clock import local_today
from requests_tracker.services.embargo_terms import EmbargoTerms, check_terms, save_new
from requests_tracker.services.validation import raise_with_model_errors

THREAT_FIELDS = ("kind", "threatened_on", "threatened_by", "condition", "summary")
"""The fields of a threat a journalist writes (record_threat)."""


def record_threat(
    *,
    kind: str,
    threatened_on: dt.date,
    threatened_by: str,
    campaign: Campaign | None = None,
    data_request: DataRequest | None = None,
    condition: str = "",
    summary: str = "",
    sources: Iterable[Source] = (),
    actor: User | None = None,
    today: dt.date | None = None,
    embargo: EmbargoTerms | None = None,
) -> Threat:
    """Record a threat made to a campaign's counties (or to one request's county); with
    `embargo`, held (services/embargo.py)."""
    today = today or local_today()
    check_terms(embargo, actor=actor)
    with transaction.atomic():
        threat = Threat(
            campaign=campaign,
            request=data_request,
            kind=kind,
            threatened_on=threatened_on,
            threatened_by=threatened_by,
            condition=condition,
            summary=summary,
            logged_by=actor_or_none(actor),
        )
        errors: dict[str, str] = {}
        if (campaign is None) == (data_request is None):
            errors["campaign"] = "A threat is made in a campaign's letter or in one request."
        if threatened_on and threatened_on > today:
            errors["threatened_on"] = "A threat cannot be dated after today."
        raise_with_model_errors(threat, errors)
        save_new(threat, embargo, actor=actor)
        threat.sources.set(list(sources))
        record_activity(
            ActivityVerb.THREAT_MADE,
            sentence(
                ActivityVerb.THREAT_MADE,
                who=threatened_by,
                what=threat.get_kind_display().lower(),
                target=_target(threat),
                threatened_on=threatened_on,
            ),
            data_request=data_request,
            campaign=campaign,
            actor=actor,
            data={"kind": kind, "threatened_on": threatened_on.isoformat(), "threat": threat.pk},
            occurred_on=threatened_on,
            about=[threat],
        )
    return threat


def carry_out_threat(*, threat: Threat, escalation: Escalation, actor: User | None) -> Threat:
    """Mark `threat` carried out by `escalation` (one on a request the threat was made to, not
    dated before the threat)."""
    with transaction.atomic():
        threat = Threat.objects.select_for_update().get(pk=threat.pk)
        escalation = Escalation.objects.select_related("request").get(pk=escalation.pk)
        in_scope = (
            escalation.request_id == threat.request_id
            if threat.request_id
            else escalation.request.campaign_id == threat.campaign_id
        )
        if not in_scope:
            raise ValidationError(
                {"carried_out_by": "That escalation is on a request the threat was not made to."}
            )
        if escalation.issued_on < threat.threatened_on:
            raise ValidationError(
                {"carried_out_by": "That escalation came before the threat it would carry out."}
            )
        threat.carried_out_by = escalation
        threat.save(update_fields=["carried_out_by", "updated_at"])
        record_activity(
            ActivityVerb.THREAT_CARRIED_OUT,
            sentence(
                ActivityVerb.THREAT_CARRIED_OUT,
                county=escalation.request.county,
                what=threat.get_kind_display().lower(),
                threatened_on=threat.threatened_on,
                issued_on=escalation.issued_on,
            ),
            data_request=escalation.request,
            escalation=escalation,
            actor=actor,
            data={"threat": threat.pk},
            occurred_on=escalation.issued_on,
            about=[threat],
        )
    return threat


def _target(threat: Threat) -> str:
    if threat.campaign is not None:
        return f"the counties of “{threat.campaign.title}”"
    return str(threat.request.county)
