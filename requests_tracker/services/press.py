"""Press answers: what reporters were told (no comment, a referral, a statement). They are
records of their own, so logging one never touches a request's status (services/status.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from requests_tracker.models import (
    Campaign,
    DataRequest,
    Jurisdiction,
    Person,
    PressAnswer,
    Source,
)
from requests_tracker.services.activity import User, actor_or_none
from requests_tracker.services.clock import local_today
from requests_tracker.services.validation import raise_with_model_errors

PRESS_ANSWER_FIELDS = (
    "kind",
    "answered_by",
    "referred_to",
    "answered_on",
    "summary",
    "uncertain",
)
"""The fields of a press answer a journalist writes (besides what it is about and its sources)."""


def record_press_answer(
    *,
    kind: str,
    answered_by: str,
    answered_on: dt.date,
    sources: Iterable[Source],
    campaign: Campaign | None = None,
    data_request: DataRequest | None = None,
    jurisdiction: Jurisdiction | None = None,
    person: Person | None = None,
    referred_to: str = "",
    summary: str = "",
    uncertain: bool = False,
    actor: User | None = None,
    today: dt.date | None = None,
) -> PressAnswer:
    """Record what the press was told about a campaign, a request or a jurisdiction (one)."""
    today = today or local_today()
    sources = list(sources)
    with transaction.atomic():
        answer = PressAnswer(
            kind=kind,
            campaign=campaign,
            request=data_request,
            jurisdiction=jurisdiction,
            answered_by=answered_by,
            person=person,
            referred_to=referred_to,
            answered_on=answered_on,
            summary=summary,
            uncertain=uncertain,
            logged_by=actor_or_none(actor),
        )
        errors: dict[str, str] = {}
        if sum(target is not None for target in (campaign, data_request, jurisdiction)) != 1:
            errors["campaign"] = (
                "A press answer is about one thing: a campaign, a request or a jurisdiction."
            )
        if kind == PressAnswer.Kind.REFERRED and not referred_to.strip():
            errors["referred_to"] = "Say to whom the questions were referred."
        if answered_on and answered_on > today:
            errors["answered_on"] = "A press answer cannot be dated after today."
        if not sources:
            errors["sources"] = "A press answer needs the report it comes from."
        raise_with_model_errors(answer, errors)
        answer.save()
        answer.sources.set(sources)
    return answer
