"""set_embargo, lift_embargo and lift_due_embargoes: a held record is not in effect, its events
are held, and lifting brings both out at once, dated as they happened.

The July 2025 letter to Los Angeles County; the county declines on 2025-08-01 and the newsroom
holds the answer until 2025-08-05 at 09:00 Pacific.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from requests_tracker import services
from requests_tracker.models import (
    Activity,
    ActivityVerb,
    RequestStatus,
    Response,
    ResponseKind,
)
from tests.factories import SourceFactory, make_request, record_detainer_figure
from tests.services.conftest import reload

PACIFIC = ZoneInfo("America/Los_Angeles")
SET_AT = dt.datetime(2025, 8, 1, 10, 0, tzinfo=PACIFIC)
UNTIL = dt.datetime(2025, 8, 5, 9, 0, tzinfo=PACIFIC)
HELD = services.EmbargoTerms(UNTIL, "Story runs Tuesday morning")


def held_decline(data_request, journalist) -> Response:
    return services.log_response(
        data_request=data_request,
        kind=ResponseKind.DECLINED,
        received_on=dt.date(2025, 8, 1),
        summary="The sheriff declined, citing SB 54.",
        actor=journalist,
        today=dt.date(2025, 8, 1),
        embargo=HELD,
    )


@time_machine.travel(SET_AT, tick=False)
def test_an_embargoed_answer_does_not_change_the_status_and_its_event_is_held(
    data_request, journalist
) -> None:
    response = held_decline(data_request, journalist)

    assert response.embargoed and response.embargo_until == UNTIL
    assert response.embargo_set_by == journalist
    assert reload(data_request).status == RequestStatus.AWAITING
    assert reload(data_request).first_response_on is None
    logged = Activity.objects.get(verb=ActivityVerb.RESPONSE_LOGGED)
    assert logged.embargoed and logged.held_for == [f"response:{response.pk}"]
    assert not Activity.objects.filter(verb=ActivityVerb.STATUS_CHANGED).exists()


def test_lifting_brings_the_answer_into_effect_with_its_true_dates(data_request, journalist):
    with time_machine.travel(SET_AT, tick=False):
        response = held_decline(data_request, journalist)
    lifted_at = UNTIL + dt.timedelta(minutes=1)
    with time_machine.travel(lifted_at, tick=False):
        assert services.lift_due_embargoes() == 1

    response.refresh_from_db()
    assert not response.embargoed
    request = reload(data_request)
    assert request.status == RequestStatus.DECLINED
    assert request.first_answer_on == dt.date(2025, 8, 1)
    logged = Activity.objects.get(verb=ActivityVerb.RESPONSE_LOGGED)
    assert not logged.embargoed and logged.held_for == []
    assert logged.created_at == lifted_at
    assert logged.occurred_on == dt.date(2025, 8, 1)
    changed = Activity.objects.get(verb=ActivityVerb.STATUS_CHANGED, data__to="declined")
    assert changed.occurred_on == dt.date(2025, 8, 1)
    assert changed.created_at >= lifted_at


def test_the_job_leaves_an_embargo_alone_until_its_time(data_request, journalist) -> None:
    with time_machine.travel(SET_AT, tick=False):
        response = held_decline(data_request, journalist)
    with time_machine.travel(UNTIL - dt.timedelta(seconds=1), tick=False):
        assert services.lift_due_embargoes() == 0
    response.refresh_from_db()
    assert response.embargoed


@time_machine.travel(SET_AT, tick=False)
def test_an_embargo_without_a_time_waits_for_an_editor(data_request, journalist, editor) -> None:
    response = services.log_response(
        data_request=data_request,
        kind=ResponseKind.COMPLIED,
        received_on=dt.date(2025, 8, 1),
        actor=journalist,
        today=dt.date(2025, 8, 1),
        embargo=services.EmbargoTerms(None, "Until the county confirms"),
    )
    with time_machine.travel(dt.datetime(2030, 1, 1, tzinfo=PACIFIC), tick=False):
        assert services.lift_due_embargoes() == 0

    services.lift_embargo(record=response, actor=editor, today=dt.date(2025, 8, 1))

    assert reload(data_request).status == RequestStatus.COMPLIED


@time_machine.travel(SET_AT, tick=False)
def test_an_embargo_needs_a_reason_a_future_time_and_a_newsroom_writer(
    data_request, editor, viewer
) -> None:
    with pytest.raises(ValidationError) as error:
        services.set_embargo(
            record=data_request, until=SET_AT - dt.timedelta(hours=1), reason="", actor=editor
        )
    assert set(error.value.message_dict) == {"embargo_until", "embargo_reason"}
    with pytest.raises(PermissionDenied):
        services.set_embargo(record=data_request, until=UNTIL, reason="x", actor=viewer)


@time_machine.travel(SET_AT, tick=False)
def test_an_embargoed_extension_moves_the_due_date_only_when_it_lifts(
    data_request, journalist, editor
) -> None:
    extension = services.log_response(
        data_request=data_request,
        kind=ResponseKind.EXTENSION_GRANTED,
        received_on=dt.date(2025, 8, 1),
        new_due_on=dt.date(2025, 9, 15),
        actor=journalist,
        today=dt.date(2025, 8, 1),
        embargo=HELD,
    )
    assert reload(data_request).due_on == dt.date(2025, 8, 16)

    services.lift_embargo(record=extension, actor=editor, today=dt.date(2025, 8, 1))

    request = reload(data_request)
    assert (request.due_on, request.status) == (dt.date(2025, 9, 15), RequestStatus.EXTENDED)


@time_machine.travel(SET_AT, tick=False)
def test_holding_a_request_holds_everything_on_it_and_lifting_releases_it(
    county, journalist, editor
) -> None:
    request = make_request(county=county, actor=journalist, embargo=HELD, today=dt.date(2025, 8, 1))
    services.log_response(
        data_request=request,
        kind=ResponseKind.ACKNOWLEDGED,
        received_on=dt.date(2025, 7, 20),
        actor=journalist,
        today=dt.date(2025, 8, 1),
    )
    assert set(Activity.objects.filter(request=request).values_list("embargoed", flat=True)) == {
        True
    }

    services.lift_embargo(record=request, actor=editor, today=dt.date(2025, 8, 1))

    assert not Activity.objects.filter(request=request, embargoed=True).exists()
    assert reload(request).status == RequestStatus.ACKNOWLEDGED


@time_machine.travel(SET_AT, tick=False)
def test_holding_a_published_answer_takes_it_back_out_of_effect(
    data_request, journalist, editor
) -> None:
    response = services.log_response(
        data_request=data_request,
        kind=ResponseKind.DECLINED,
        received_on=dt.date(2025, 8, 1),
        actor=journalist,
        today=dt.date(2025, 8, 1),
    )
    services.set_embargo(
        record=response, until=UNTIL, reason="Legal review", actor=editor, today=dt.date(2025, 8, 1)
    )

    assert reload(data_request).status == RequestStatus.AWAITING
    assert Activity.objects.get(verb=ActivityVerb.RESPONSE_LOGGED).embargoed


@time_machine.travel(SET_AT, tick=False)
def test_a_held_figure_and_source_hold_their_events(county, journalist, editor) -> None:
    source = SourceFactory()
    source = services.set_embargo(record=source, until=UNTIL, reason="Leaked copy", actor=editor)
    figure = record_detainer_figure(county=county, source=source, actor=journalist, embargo=HELD)

    event = Activity.objects.get(verb=ActivityVerb.FIGURE_RECORDED)
    assert event.embargoed

    services.lift_embargo(record=figure, actor=editor)
    assert Activity.objects.get(verb=ActivityVerb.FIGURE_RECORDED).embargoed  # the source holds it
    services.lift_embargo(record=source, actor=editor)
    assert not Activity.objects.get(verb=ActivityVerb.FIGURE_RECORDED).embargoed


def test_a_viewer_may_not_lift_an_embargo(data_request, journalist, viewer) -> None:
    with time_machine.travel(SET_AT, tick=False):
        response = held_decline(data_request, journalist)
    with pytest.raises(PermissionDenied):
        services.lift_embargo(record=response, actor=viewer)


def test_editors_are_reminded_once_a_day_before_an_embargo_ends(
    data_request, journalist, editor, mailoutbox
) -> None:
    editor.email = "desk@news.example"
    editor.save()
    with time_machine.travel(SET_AT, tick=False):
        held_decline(data_request, journalist)
    with time_machine.travel(UNTIL - dt.timedelta(days=2), tick=False):
        assert services.remind_of_ending_embargoes() == 0
    with time_machine.travel(UNTIL - dt.timedelta(hours=23), tick=False):
        assert services.remind_of_ending_embargoes() == 1
        assert services.remind_of_ending_embargoes() == 0
    [mail] = mailoutbox
    assert mail.to == ["desk@news.example"]
    assert "Story runs Tuesday morning" in mail.body and "2025-08-05 09:00" in mail.body


def test_watchers_are_told_of_a_held_answer_when_it_lifts_not_before(
    data_request, journalist, editor
) -> None:
    from django.core import mail

    services.watch(user=journalist, data_request=data_request)
    services.send_digests(frequency="daily", now=SET_AT - dt.timedelta(hours=1))
    mail.outbox.clear()
    with time_machine.travel(SET_AT, tick=False):
        held_decline(data_request, journalist)
    with time_machine.travel(SET_AT + dt.timedelta(hours=1), tick=False):
        services.send_digests(frequency="daily", now=SET_AT + dt.timedelta(minutes=30))
    assert not any("declined" in message.body for message in mail.outbox)

    with time_machine.travel(UNTIL + dt.timedelta(minutes=1), tick=False):
        services.lift_due_embargoes()
    with time_machine.travel(UNTIL + dt.timedelta(hours=1), tick=False):
        services.send_digests(frequency="daily", now=UNTIL + dt.timedelta(minutes=30))
    assert any("declined (2025-08-01)" in message.body for message in mail.outbox)
