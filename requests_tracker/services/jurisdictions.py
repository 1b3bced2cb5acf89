"""Jurisdictions (any party: a county, a city, a state, the nation), the parts they play in
court cases, and their dated policies, which keep each county's current stance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from requests_tracker.models import Case, CaseParty, County, Jurisdiction, Policy, Source
from requests_tracker.services.activity import User, actor_or_none
from requests_tracker.services.clock import local_today
from requests_tracker.services.validation import raise_with_model_errors

JURISDICTION_FIELDS = ("slug", "name", "level", "state", "county")
POLICY_FIELDS = (
    "jurisdiction",
    "kind",
    "title",
    "summary",
    "stance",
    "effective_on",
    "ended_on",
    "uncertain",
)


def register_jurisdiction(
    *, name: str, level: str, state: str = "", county: County | None = None, slug: str = ""
) -> Jurisdiction:
    """The jurisdiction with this slug (made from the name and state when not given), created
    if new."""
    slug = slug or slugify(f"{name} {state}".strip())
    with transaction.atomic():
        existing = Jurisdiction.objects.filter(slug=slug).first()
        if existing is not None:
            return existing
        jurisdiction = Jurisdiction(slug=slug, name=name, level=level, state=state, county=county)
        raise_with_model_errors(jurisdiction, {})
        jurisdiction.save()
    return jurisdiction


def county_jurisdiction(county: County) -> Jurisdiction:
    """The jurisdiction that is `county` itself."""
    existing = Jurisdiction.objects.filter(level=Jurisdiction.Level.COUNTY, county=county).first()
    return existing or register_jurisdiction(
        name=county.name,
        level=Jurisdiction.Level.COUNTY,
        state=county.state,
        county=county,
        slug=slugify(f"{county.name} {county.state}"),
    )


def set_parties(*, case: Case, parties: Iterable[tuple[Jurisdiction, str]]) -> Case:
    """Name a case's parties (replacing those on file): each a jurisdiction and its role. A
    party that sits in a county puts the case on that county's page too."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        CaseParty.objects.filter(case=case).delete()
        rows = [CaseParty(case=case, jurisdiction=where, role=role) for where, role in parties]
        for row in rows:
            raise_with_model_errors(row, {})
        CaseParty.objects.bulk_create(rows)
        counties = [row.jurisdiction.county for row in rows if row.jurisdiction.county_id]
        case.counties.add(*counties)
    return case


def record_policy(
    *,
    jurisdiction: Jurisdiction,
    kind: str,
    title: str,
    effective_on: dt.date,
    sources: Iterable[Source],
    summary: str = "",
    stance: str = "",
    ended_on: dt.date | None = None,
    uncertain: bool = False,
    actor: User | None = None,
    today: dt.date | None = None,
) -> Policy:
    """Record a dated policy fact with its sources; a county's current stance follows its
    latest policy in force that sets one."""
    today = today or local_today()
    sources = list(sources)
    with transaction.atomic():
        policy = Policy(
            jurisdiction=jurisdiction,
            kind=kind,
            title=title,
            summary=summary,
            stance=stance,
            effective_on=effective_on,
            ended_on=ended_on,
            uncertain=uncertain,
            logged_by=actor_or_none(actor),
        )
        errors: dict[str, str] = {}
        if not sources:
            errors["sources"] = "A policy fact needs at least one source."
        if effective_on and effective_on > today:
            errors["effective_on"] = "Record a policy once it has taken effect."
        raise_with_model_errors(policy, errors)
        policy.save()
        policy.sources.set(sources)
        if jurisdiction.level == Jurisdiction.Level.COUNTY:
            refresh_stance(jurisdiction.county, today=today)
    return policy


def refresh_stance(county: County, *, today: dt.date | None = None) -> None:
    """Write the county's stance (and its source) from its latest policy in force that sets
    one; "unknown" without one."""
    today = today or local_today()
    policy = (
        Policy.objects.filter(
            jurisdiction__level=Jurisdiction.Level.COUNTY,
            jurisdiction__county=county,
            effective_on__lte=today,
        )
        .exclude(stance="")
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .prefetch_related("sources")
        .order_by("-effective_on", "-id")
        .first()
    )
    stance = policy.stance if policy else County.SanctuaryStatus.UNKNOWN
    source = next(iter(policy.sources.all()), None) if policy else None
    County.objects.filter(pk=county.pk).update(sanctuary_status=stance, sanctuary_source=source)
