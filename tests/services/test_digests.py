"""Digests: one email per watcher per digest, about what changed, never the same event twice."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail
from django.utils import timezone

from requests_tracker import services
from requests_tracker.models import EscalationKind, ResponseKind, Watch
from requests_tracker.tasks import DigestsIncompleteError, send_digests_task
from tests.factories import CountyFactory, UserFactory, make_request
from tests.services.conftest import answer

LATER = dt.timedelta(minutes=5)  # past the settling minute, so events just written are included


def send(frequency: str = Watch.Frequency.DAILY) -> services.DigestResult:
    return services.send_digests(frequency=frequency, now=timezone.now() + LATER)


def html_of(message: mail.EmailMultiAlternatives) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


@pytest.mark.django_db
def test_one_email_covers_all_of_a_users_watches_in_text_and_html(data_request, journalist):
    riverside = CountyFactory(name="Riverside County", fips="06065")
    services.watch(user=journalist, data_request=data_request)
    services.watch(user=journalist, county=riverside)
    answer(data_request, ResponseKind.DECLINED, dt.date(2025, 7, 30), legal_basis_cited="SB 54")
    riverside_request = make_request(county=riverside, issued_on=dt.date(2025, 7, 18))

    result = send()

    assert (result.emails_sent, result.events_sent) == (1, 3)
    [message] = mail.outbox
    assert message.to == ["journalist@newsroom.example"]
    assert message.subject == ("DOJ Request Tracker: 3 changes in what you watch (daily digest)")
    assert "Los Angeles County, CA: declined (2025-07-30)" in message.body
    assert "status changed from awaiting response to declined" in message.body
    assert f"/requests/{riverside_request.pk}/" in message.body
    html = html_of(message)
    assert "<h2" in html and "Responses" in html
    assert f'href="http://localhost:8000/requests/{data_request.pk}/"' in html


@pytest.mark.django_db
def test_nothing_is_sent_when_nothing_changed(data_request, journalist):
    assert journalist.email, "a watcher who could be mailed"
    services.watch(user=journalist, data_request=data_request)
    assert send() == services.DigestResult(0, 0)
    assert mail.outbox == []

    # The same watcher is mailed as soon as something does change, and then not again.
    services.flag_overdue(today=dt.date(2025, 8, 17))
    assert send() == services.DigestResult(1, 1)
    assert send() == services.DigestResult(0, 0)
    assert [message.to for message in mail.outbox] == [[journalist.email]]


@pytest.mark.django_db
def test_the_same_event_is_never_sent_twice(data_request, journalist):
    services.watch(user=journalist, data_request=data_request)
    services.flag_overdue(today=dt.date(2025, 8, 17))
    assert send().emails_sent == 1
    assert send().emails_sent == 0

    services.file_escalation(
        data_request=data_request,
        kind=EscalationKind.DEMAND_LETTER,
        issued_on=dt.date(2025, 8, 20),
        today=dt.date(2025, 8, 20),
    )
    assert send().emails_sent == 1
    assert len(mail.outbox) == 2
    first, second = (message.body for message in mail.outbox)
    assert "overdue since 2025-08-17" in first
    assert "overdue since 2025-08-17" not in second
    assert "demand letter" in second


@pytest.mark.django_db
def test_an_event_reached_through_two_watches_is_listed_once_across_frequencies(
    data_request, journalist
):
    services.watch(user=journalist, data_request=data_request, frequency=Watch.Frequency.HOURLY)
    services.watch(user=journalist, county=data_request.county, frequency=Watch.Frequency.DAILY)
    services.flag_overdue(today=dt.date(2025, 8, 17))

    assert send(Watch.Frequency.HOURLY).events_sent == 1
    assert "overdue since 2025-08-17" in mail.outbox[0].body
    # The daily digest reaches the same request through the county: already told, so nothing.
    assert send(Watch.Frequency.DAILY).emails_sent == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_hourly_and_daily_watchers_get_their_own_digest(data_request, journalist, editor):
    services.watch(user=journalist, data_request=data_request, frequency=Watch.Frequency.HOURLY)
    services.watch(user=editor, data_request=data_request, frequency=Watch.Frequency.DAILY)
    services.flag_overdue(today=dt.date(2025, 8, 17))

    send(Watch.Frequency.HOURLY)
    assert [message.to for message in mail.outbox] == [["journalist@newsroom.example"]]
    send(Watch.Frequency.DAILY)
    assert [message.to for message in mail.outbox][1:] == [["editor@newsroom.example"]]


@pytest.mark.django_db
def test_only_news_is_sent_not_edits_of_wording(data_request, journalist):
    services.watch(user=journalist, data_request=data_request)
    services.update_request(
        data_request=data_request,
        actor=None,
        summary="Reworded summary",
        today=dt.date(2025, 7, 20),
    )
    assert send().emails_sent == 0
    services.flag_overdue(today=dt.date(2025, 8, 17))
    assert send().events_sent == 1


@pytest.mark.django_db
def test_events_only_seconds_old_wait_for_the_next_digest(data_request, journalist):
    services.watch(user=journalist, data_request=data_request)
    services.flag_overdue(today=dt.date(2025, 8, 17))
    assert services.send_digests(frequency="daily", now=timezone.now()).emails_sent == 0
    assert send().emails_sent == 1


@pytest.mark.django_db
def test_watchers_without_an_email_address_are_skipped(data_request):
    no_email = UserFactory(username="no-email", email="")
    services.watch(user=no_email, data_request=data_request)
    services.flag_overdue(today=dt.date(2025, 8, 17))
    assert send().emails_sent == 0


@pytest.mark.django_db
def test_a_failed_send_is_retried_without_resending_what_went_out(
    data_request, journalist, editor, monkeypatch
):
    services.watch(user=journalist, data_request=data_request)
    services.watch(user=editor, data_request=data_request)
    services.flag_overdue(today=dt.date(2025, 8, 17))

    from django.core.mail import EmailMultiAlternatives

    real_send = EmailMultiAlternatives.send

    def refuse_editor(self: EmailMultiAlternatives, *args: object, **kwargs: object) -> int:
        if self.to == ["editor@newsroom.example"]:
            raise ConnectionRefusedError("mail server down")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse_editor)
    # The task gives up on nobody: it asks Celery to run it again later.
    with time_machine.travel(timezone.now() + LATER, tick=False), pytest.raises(Retry) as retry:
        send_digests_task.apply(kwargs={"frequency": "daily"}, throw=True)
    assert isinstance(retry.value.exc, DigestsIncompleteError)
    assert [message.to for message in mail.outbox] == [["journalist@newsroom.example"]]

    # The mail server is back: Celery runs the retry it was handed, and only the editor's
    # digest goes out.
    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    with time_machine.travel(timezone.now() + LATER, tick=False):
        retried = retry.value.sig.apply(throw=True)
    assert retried.get() == {"emails_sent": 1, "events_sent": 1}
    assert [message.to for message in mail.outbox][1:] == [["editor@newsroom.example"]]
