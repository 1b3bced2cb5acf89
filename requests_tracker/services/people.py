"""People and their dated roles (models/people.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.text import slugify

from requests_tracker.models import (
    Agency,
    Case,
    Jurisdiction,
    Person,
    PressAnswer,
    ReportedFigure,
    Response,
    Role,
    Source,
    Threat,
)
from requests_tracker.services.validation import raise_with_model_errors

ROLE_FIELDS = ("title", "jurisdiction", "agency", "started_on", "ended_on", "uncertain", "source")


def add_person(*, name: str, note: str = "", slug: str = "") -> Person:
    """The person with this slug (made from the name when not given), created if new."""
    slug = slug or slugify(name)
    with transaction.atomic():
        existing = Person.objects.filter(slug=slug).first()
        if existing is not None:
            return existing
        person = Person(slug=slug, name=name, note=note)
        raise_with_model_errors(person, {})
        person.save()
    return person


def add_role(
    *,
    person: Person,
    title: str,
    source: Source,
    jurisdiction: Jurisdiction | None = None,
    agency: Agency | None = None,
    started_on: dt.date | None = None,
    ended_on: dt.date | None = None,
    uncertain: bool = False,
) -> Role:
    """Record an office `person` held (the same office from the same date is recorded once)."""
    with transaction.atomic():
        existing = Role.objects.filter(
            person=person,
            title=title,
            jurisdiction=jurisdiction,
            agency=agency,
            started_on=started_on,
        ).first()
        if existing is not None:
            return existing
        role = Role(
            person=person,
            title=title,
            jurisdiction=jurisdiction,
            agency=agency,
            started_on=started_on,
            ended_on=ended_on,
            uncertain=uncertain,
            source=source,
        )
        errors = {}
        if jurisdiction is None and agency is None:
            errors["jurisdiction"] = "Name the office's jurisdiction or agency."
        raise_with_model_errors(role, errors)
        role.save()
    return role


def link_person(
    *, person: Person, records: Iterable[Response | ReportedFigure | Threat | PressAnswer | Case]
) -> int:
    """Name `person` as who gave each answer, reported each figure, made each threat or press
    answer, or acted in each case; returns how many records changed."""
    changed = 0
    with transaction.atomic():
        for record in records:
            if isinstance(record, Case):
                if not record.people.filter(pk=person.pk).exists():
                    record.people.add(person)
                    changed += 1
                continue
            locked = type(record).objects.select_for_update().get(pk=record.pk)
            if locked.person_id != person.pk:
                locked.person = person
                locked.save(update_fields=["person", "updated_at"])
                changed += 1
    return changed
