"""The embargo rule, once: which records a user may meet, and what everyone's counts are made of.

Who sees what (permissions.can_see_embargoed): journalists and editors see records under embargo,
marked as such; anyone else (viewers, anonymous readers of a public instance, webhooks, the
open-data release, feeds read without a newsroom login) meets nothing of them, not even a count
that would change. A record is held when it, or the request it hangs on, is under embargo
(models/embargo.py, `Embargoable.published`).

Two reads, used by every surface:
- `shown_to(records, user)`: the records a page, list, search, feed or API answer may show
  `user` (records, or Activity: events held for an embargoed record);
- `published(records)`: the published records alone, whoever asks: what every count, map, chart,
  figure, badge, embed and the open-data release are computed from, so that a number a reader
  sees is the same for the newsroom and never moves before an embargo lifts.

Derived state follows the same rule: a request's status, overdue flag and first answer dates
count only published responses and escalations (services/status.py), and the tallies count
only published requests (migration 0040).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from requests_tracker import permissions
from requests_tracker.models import Activity, Correction, DataRequest, Embargoable

M = TypeVar("M", bound=Model)


def published_q(model: type[Model], prefix: str = "") -> Q:
    """The condition a published record of `model` meets (`prefix` to reach it from another)."""
    if model is Activity:
        return Q(**{f"{prefix}embargoed": False})
    if model is Correction:
        # A correction tells of its record: it is held with it.
        condition = Q()
        for record in ("request", "response", "escalation", "figure"):
            condition &= ~Q(**{f"{prefix}{record}__embargoed": True})
        return condition
    if issubclass(model, Embargoable):
        return model.published(prefix)
    return Q()


def published_under_q(model: type[Model], prefix: str = "") -> Q:
    """`published_q` for records read through requests already known to be published (their
    ids read through `published`): the record's own embargo only, so that no join to the request
    is needed and PostgreSQL can read the records by their request_id index."""
    if model is DataRequest:
        return Q()
    if issubclass(model, Embargoable) and set(model.embargo_parents) <= {"request"}:
        return Q(**{f"{prefix}embargoed": False})
    return published_q(model, prefix)


def published(records: QuerySet[M]) -> QuerySet[M]:
    """Only the published records of `records`, whoever reads."""
    return records.filter(published_q(records.model))


def shown_to(records: QuerySet[M], user: Any) -> QuerySet[M]:
    """The records of `records` that `user` may meet: all of them for the newsroom's journalists
    and editors, the published ones for anyone else."""
    if permissions.can_see_embargoed(user):
        return records
    return published(records)


def may_see(record: Model | None, user: Any) -> bool:
    """Whether `user` may meet this one record (its parents loaded, or loaded here)."""
    if record is None:
        return False
    if permissions.can_see_embargoed(user) or not isinstance(record, Embargoable):
        return True
    return not record.held()


__all__ = ["published", "published_q", "published_under_q", "shown_to", "may_see"]
