"""Counts of requests that do not grow with history: kept by the database, read by the pages.

A tally row is a change in a count: `n` requests more (or fewer, when negative) in a bucket. The
count of a bucket is the sum of its rows. PostgreSQL triggers on the requests table add the rows
in the same transaction as every insert, update and delete of a request, whoever writes it
(a service, the overdue job's set-based update, a restore, the bench's COPY), one row per bucket
and statement. Appending never waits on another writer's lock, so two journalists answering
requests of the same county or campaign at once never block each other. `compact_tallies`
(run by flag_overdue, and by `manage.py recount_tallies --compact`) folds the rows of each bucket
into one, so a bucket is read from a handful of rows; `recount_tallies` rebuilds every tally from
the requests. requests_tracker/tallies.py holds the SQL and says how the pages read them.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from requests_tracker.choices import RequestStatus
from requests_tracker.models.places import County
from requests_tracker.models.requests import Campaign


def kept_by_database(
    field_class: type[models.ForeignKey], to: type[models.Model], **options: Any
) -> models.ForeignKey:
    """A link to the county or campaign a tally row or a counts row is of. The database keeps
    these rows (triggers, a view), so the link has no constraint and a delete does nothing here."""
    return field_class(to, on_delete=models.DO_NOTHING, db_constraint=False, **options)


class StatusTally(models.Model):
    """Requests with a status, flagged overdue or not, of whatever the subclass counts for."""

    status = models.CharField(max_length=20, choices=RequestStatus.choices)
    overdue = models.BooleanField()
    n = models.IntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name}, {self.status}, overdue {self.overdue}: {self.n:+d}"


class CountyTally(StatusTally):
    """Requests of a county with a status, flagged overdue or not."""

    county = kept_by_database(models.ForeignKey, County, related_name="tallies")

    class Meta:
        verbose_name = "county tally"
        verbose_name_plural = "county tallies"


class CampaignTally(StatusTally):
    """Requests of a campaign (none: requests outside any campaign) with a status, overdue or
    not."""

    campaign = kept_by_database(models.ForeignKey, Campaign, null=True, related_name="tallies")

    class Meta:
        verbose_name = "campaign tally"
        verbose_name_plural = "campaign tallies"


class FirstResponseTally(models.Model):
    """Requests whose county first answered `days` after the letter (DataRequest's
    first_response_on less its issued_on): the histogram the median is read from."""

    days = models.IntegerField()
    n = models.IntegerField()

    def __str__(self) -> str:
        return f"first response after {self.days} days: {self.n:+d}"


class DeadlineTally(models.Model):
    """Requests due on `due_on`, by whether a substantive answer came by then: `on_time` true
    (answered on or before the due date), false (answered after it), null (no answer yet; late
    once the date has passed, which the reader decides with today's date)."""

    due_on = models.DateField()
    on_time = models.BooleanField(null=True)
    n = models.IntegerField()

    def __str__(self) -> str:
        return f"due {self.due_on}, on time {self.on_time}: {self.n:+d}"


class Counts(models.Model):
    """A county's or a campaign's requests added up from its tally rows: a database view
    (PostgreSQL), one row per county or campaign, so pages join a few thousand narrow rows
    instead of aggregating their tally rows beside every column of the county."""

    # A count per status, named as the status (the view's columns: migration 0016).
    locals().update({status: models.IntegerField() for status in RequestStatus.values})
    total = models.IntegerField()
    open = models.IntegerField()
    overdue = models.IntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}: {self.total} requests"


def counts_of(owner: type[models.Model]) -> models.OneToOneField:
    """The county or campaign a row of counts adds up: the view's key, one row per owner."""
    return kept_by_database(models.OneToOneField, owner, primary_key=True, related_name="counts")


class CountyCounts(Counts):
    county = counts_of(County)

    class Meta:
        managed = False
        db_table = "requests_tracker_countycounts"


class CampaignCounts(Counts):
    campaign = counts_of(Campaign)

    class Meta:
        managed = False
        db_table = "requests_tracker_campaigncounts"
