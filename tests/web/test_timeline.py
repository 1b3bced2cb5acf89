"""Timelines read in the order things happened, whatever order the rows were typed in."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.management import call_command

from requests_tracker import services
from requests_tracker.choices import ActivityVerb, ResponseKind
from requests_tracker.models import Activity, DataRequest

pytestmark = pytest.mark.django_db


def timeline_dates_and_verbs(html: str) -> list[tuple[str, str]]:
    timeline = html.split('id="timeline"', 1)[1].split("</ol>", 1)[0]
    return re.findall(
        r'class="timeline__date" datetime="([0-9-]+)".*?class="timeline__verb">([^<]+)<',
        timeline,
        flags=re.S,
    )


def test_demo_timeline_shows_the_letter_before_the_statements_and_the_overdue_flag(
    journalist_browser,
):
    call_command("load_demo")
    los_angeles = DataRequest.objects.get(county__fips="06037")
    # The demo records the overdue flag when the request is loaded, before the statements of
    # 17 and 18 July are logged: the rows' own order is the wrong one.
    recorded = list(
        Activity.objects.filter(request=los_angeles)
        .order_by("created_at", "id")
        .values_list("verb", flat=True)
    )
    assert recorded.index(ActivityVerb.BECAME_OVERDUE) < recorded.index(
        ActivityVerb.RESPONSE_LOGGED
    )

    html = journalist_browser.get(los_angeles.get_absolute_url()).content.decode()
    shown = timeline_dates_and_verbs(html)
    verbs = [verb for _, verb in shown]
    assert shown[0] == ("2025-07-17", "Request issued")
    statements = [date for date, verb in shown if verb == "Response logged"]
    assert statements and all(date in {"2025-07-17", "2025-07-18"} for date in statements)
    assert verbs.index("Became overdue") > max(
        index for index, verb in enumerate(verbs) if verb == "Response logged"
    )
    assert ("2025-08-17", "Became overdue") in shown
    assert [date for date, _ in shown] == sorted(date for date, _ in shown)


def test_an_answer_logged_late_is_placed_on_the_day_it_was_received(
    data_request, journalist_browser
):
    services.log_response(
        data_request=data_request,
        kind=ResponseKind.DECLINED,
        received_on=dt.date(2025, 8, 1),
        today=dt.date(2025, 9, 30),
    )
    html = journalist_browser.get(data_request.get_absolute_url()).content.decode()
    shown = timeline_dates_and_verbs(html)
    assert ("2025-08-01", "Response logged") in shown
    assert ("2025-08-01", "Status changed") in shown
    assert "recorded" in html


def test_each_event_tells_when_it_was_recorded_in_the_newsroom_s_time_zone(
    data_request, journalist_browser
):
    # 02:30 UTC on 2 August is the evening of 1 August in California (TIME_ZONE).
    with time_machine.travel(dt.datetime(2025, 8, 2, 2, 30, 15, tzinfo=dt.UTC), tick=False):
        services.log_response(
            data_request=data_request,
            kind=ResponseKind.ACKNOWLEDGED,
            received_on=dt.date(2025, 8, 1),
            actor=data_request.created_by,
        )
    html = journalist_browser.get(data_request.get_absolute_url()).content.decode()
    assert 'recorded <time datetime="2025-08-01T19:30:15-07:00">2025-08-01 19:30</time>' in html
