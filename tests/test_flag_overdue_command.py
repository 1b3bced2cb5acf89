"""`manage.py flag_overdue`: the same pass as the scheduled task, by hand."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from requests_tracker.models import Activity, ActivityVerb


def run(*args: str) -> str:
    out = StringIO()
    call_command("flag_overdue", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_flags_a_past_due_request_as_of_the_given_day(data_request):
    output = run("--today", "2025-08-17")
    data_request.refresh_from_db()
    assert data_request.overdue_since == dt.date(2025, 8, 17)
    assert "Overdue check as of 2025-08-17:" in output
    assert "1 request(s) were flagged overdue" in output
    assert Activity.objects.filter(verb=ActivityVerb.BECAME_OVERDUE).count() == 1


@pytest.mark.django_db
def test_due_date_itself_is_not_overdue(data_request):
    output = run("--today", "2025-08-16")
    data_request.refresh_from_db()
    assert data_request.overdue_since is None
    assert "0 request(s) were flagged overdue" in output


@pytest.mark.django_db
def test_dry_run_reports_what_would_change_and_writes_nothing(data_request):
    output = run("--dry-run", "--today", "2025-08-17")
    data_request.refresh_from_db()
    assert data_request.overdue_since is None
    assert "dry run: nothing written" in output
    assert "1 request(s) would be flagged overdue" in output
    assert not Activity.objects.filter(verb=ActivityVerb.BECAME_OVERDUE).exists()


@pytest.mark.django_db
def test_running_twice_flags_once(data_request):
    run("--today", "2025-08-17")
    output = run("--today", "2025-08-18")
    assert "0 request(s) were flagged overdue" in output
    assert Activity.objects.filter(verb=ActivityVerb.BECAME_OVERDUE).count() == 1


@pytest.mark.django_db
def test_without_today_uses_the_date_in_los_angeles(data_request):
    # 06:30 UTC on Aug 17 is still 11:30 p.m. on Aug 16, the due date, in Los Angeles.
    with time_machine.travel(dt.datetime(2025, 8, 17, 6, 30, tzinfo=dt.UTC), tick=False):
        assert "as of 2025-08-16" in run()
    data_request.refresh_from_db()
    assert data_request.overdue_since is None

    la_morning = dt.datetime(2025, 8, 17, 8, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    with time_machine.travel(la_morning, tick=False):
        assert "as of 2025-08-17" in run()
    data_request.refresh_from_db()
    assert data_request.overdue_since == dt.date(2025, 8, 17)


@pytest.mark.django_db
def test_a_malformed_date_is_refused_with_the_expected_format():
    with pytest.raises(CommandError, match="2025-08-17"):
        run("--today", "17/08/2025")
