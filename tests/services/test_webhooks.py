"""Webhooks: every new event reaches each subscriber that wants it, signed, retried, recorded."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from config.celery import app as celery_app
from requests_tracker import services, tasks
from requests_tracker.models import ActivityVerb, WebhookDelivery, WebhookSubscription
from requests_tracker.security import webhook_targets
from requests_tracker.services import webhooks
from tests.factories import CountyFactory, make_request
from tests.integration.receiver import Receiver
from tests.webhook_recipe import documented_verify

SECRET = "a-long-shared-secret"


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def subscription(db, receiver):
    return WebhookSubscription.objects.create(url=receiver.url, secret=SECRET)


@pytest.fixture
def eager_celery():
    """Run queued tasks inline, as a worker would, without a broker."""
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


def deliver_all() -> list[str]:
    return [
        services.deliver_webhook(delivery_id=delivery_id).status
        for delivery_id in services.fan_out_activity()
    ]


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks"


@pytest.mark.django_db
def test_new_event_is_posted_as_json_with_a_signature_the_documented_recipe_verifies(
    subscription, receiver
):
    request = make_request(
        county=CountyFactory(name="Los Angeles County", fips="06037"),
        internal_note="Tip from a deputy; do not publish",
    )

    assert deliver_all() == ["delivered"]

    [hook] = receiver.received
    assert documented_verify()(SECRET, hook.headers["X-Tracker-Signature"], hook.body)
    assert not documented_verify()("another-secret", hook.headers["X-Tracker-Signature"], hook.body)
    assert not documented_verify()(SECRET, hook.headers["X-Tracker-Signature"], hook.body + b" ")
    assert hook.headers["Content-Type"] == "application/json"
    assert hook.headers["X-Tracker-Event"] == ActivityVerb.REQUEST_ISSUED
    payload = json.loads(hook.body)
    assert payload["event"] == ActivityVerb.REQUEST_ISSUED
    assert payload["activity"]["request_id"] == request.pk
    assert payload["activity"]["county"] == {
        "fips": "06037",
        "name": "Los Angeles County",
        "state": "CA",
    }
    assert payload["activity"]["url"] == f"{settings.SITE_URL}/requests/{request.pk}/"
    assert b"deputy" not in hook.body

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert (delivery.attempts, delivery.response_status, delivery.last_error) == (1, 200, "")
    assert delivery.duration_ms is not None
    assert delivery.delivered_at is not None


def test_the_documented_check_rejects_old_or_altered_messages():
    verify = documented_verify()
    body = b'{"event":"became_overdue"}'
    header = webhooks.sign(SECRET, 1_755_400_000, body)
    with time_machine.travel(1_755_400_000 + 100, tick=False):
        assert verify(SECRET, header, body)
        assert not verify(SECRET, header, body + b" ")
        assert not verify("another-secret", header, body)
        assert not verify(SECRET, "v1=abc", body)
    with time_machine.travel(1_755_400_000 + 301, tick=False):
        assert not verify(SECRET, header, body), "older than five minutes: a replay"


@pytest.mark.django_db
def test_each_subscription_gets_the_events_it_chose_once(receiver):
    overdue_only = WebhookSubscription.objects.create(
        url=receiver.url, secret=SECRET, event_types=[ActivityVerb.BECAME_OVERDUE]
    )
    everything = WebhookSubscription.objects.create(url=receiver.url + "/all", secret=SECRET)
    switched_off = WebhookSubscription.objects.create(
        url=receiver.url + "/off", secret=SECRET, is_active=False
    )
    make_request()
    services.flag_overdue(today=dt.date(2025, 8, 17))

    assert len(services.fan_out_activity()) == 3
    assert services.fan_out_activity() == []

    def verbs(subscription: WebhookSubscription) -> list[str]:
        return sorted(
            WebhookDelivery.objects.filter(subscription=subscription).values_list(
                "activity__verb", flat=True
            )
        )

    assert verbs(overdue_only) == [ActivityVerb.BECAME_OVERDUE]
    assert verbs(everything) == [ActivityVerb.BECAME_OVERDUE, ActivityVerb.REQUEST_ISSUED]
    assert verbs(switched_off) == []


@pytest.mark.django_db
def test_events_from_before_a_subscription_existed_are_not_sent(receiver):
    make_request()
    WebhookSubscription.objects.create(url=receiver.url, secret=SECRET)
    assert services.fan_out_activity() == []


@pytest.mark.django_db
@override_settings(WEBHOOK_RETRY_BASE_SECONDS=10)
def test_5xx_is_retried_with_exponential_backoff_until_delivered(subscription, receiver):
    receiver.statuses = [500, 503]
    make_request()
    start = dt.datetime(2025, 8, 17, 15, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        [delivery_id] = services.fan_out_activity()

        first = services.deliver_webhook(delivery_id=delivery_id)
        assert (first.status, first.response_status, first.retry_in) == ("retrying", 500, 10)
        delivery = WebhookDelivery.objects.get(pk=delivery_id)
        assert delivery.attempts == 1
        assert delivery.last_error.startswith("HTTP 500")
        assert delivery.next_attempt_at == start + dt.timedelta(seconds=10)

        # Not due yet: a second message for the same delivery (the sweep) posts nothing.
        assert services.deliver_webhook(delivery_id=delivery_id).status == "skipped"
        assert len(receiver.received) == 1

        clock.shift(10)
        second = services.deliver_webhook(delivery_id=delivery_id)
        assert (second.status, second.response_status, second.retry_in) == ("retrying", 503, 20)

        clock.shift(20)
        assert services.deliver_webhook(delivery_id=delivery_id).status == "delivered"
        assert services.deliver_webhook(delivery_id=delivery_id).status == "skipped"

    assert [hook.answered for hook in receiver.received] == [500, 503, 200]
    assert [hook.headers["X-Tracker-Attempt"] for hook in receiver.received] == ["1", "2", "3"]
    assert len({hook.body for hook in receiver.received}) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 3, "")


@pytest.mark.django_db
def test_an_unreachable_receiver_is_retried_and_the_error_recorded(db):
    WebhookSubscription.objects.create(url=closed_port_url(), secret=SECRET)
    make_request()
    [delivery_id] = services.fan_out_activity()
    outcome = services.deliver_webhook(delivery_id=delivery_id)
    assert outcome.status == "retrying"
    assert outcome.retry_in == settings.WEBHOOK_RETRY_BASE_SECONDS
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.response_status is None
    assert delivery.last_error == webhook_targets.CONNECT_FAILED


@pytest.mark.django_db
def test_a_4xx_answer_fails_the_delivery_without_retrying(subscription, receiver):
    receiver.statuses = [410]
    make_request()
    assert deliver_all() == ["failed"]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("failed", 1, 410)
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 1
    assert subscription.is_active


@pytest.mark.django_db
@override_settings(WEBHOOK_MAX_ATTEMPTS=2, WEBHOOK_RETRY_BASE_SECONDS=0)
def test_a_failing_subscription_is_disabled_after_n_failed_deliveries_in_a_row(
    subscription, receiver
):
    receiver.statuses = [500] * 100
    limit = settings.WEBHOOK_MAX_CONSECUTIVE_FAILURES
    for _ in range(limit + 1):
        make_request()
    delivery_ids = services.fan_out_activity()
    assert len(delivery_ids) == limit + 1

    for delivery_id in delivery_ids:
        services.deliver_webhook(delivery_id=delivery_id)  # first try: 500, retry due at once
        services.deliver_webhook(delivery_id=delivery_id)  # last try: 500, delivery failed

    subscription.refresh_from_db()
    assert not subscription.is_active
    assert subscription.consecutive_failures == limit
    assert f"after {limit} failed deliveries in a row" in subscription.disabled_reason
    assert len(receiver.received) == 2 * limit  # nothing is posted once it is disabled
    assert services.fan_out_activity() == []
    assert services.due_deliveries() == []

    # An editor fixes the receiver and switches the subscription back on: the rest goes out.
    receiver.statuses = []
    services.enable_subscription(subscription=subscription)
    [left_over] = services.due_deliveries()
    assert services.deliver_webhook(delivery_id=left_over).status == "delivered"
    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.consecutive_failures) == (True, 0)


@pytest.mark.django_db
@override_settings(WEBHOOK_MAX_ATTEMPTS=1)
def test_a_delivered_event_resets_the_failure_count(subscription, receiver):
    receiver.statuses = [500]
    make_request()
    make_request()
    assert deliver_all() == ["failed", "delivered"]
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0


@pytest.mark.django_db(transaction=True)
def test_new_event_is_sent_when_its_write_commits(subscription, receiver, eager_celery):
    make_request()
    [hook] = receiver.wait_for(1, timeout=5)
    assert json.loads(hook.body)["event"] == ActivityVerb.REQUEST_ISSUED
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED


@pytest.mark.django_db(transaction=True)
def test_write_succeeds_with_the_broker_down_and_the_sweep_sends_its_event_later(
    subscription, receiver, eager_celery, monkeypatch
):
    def broker_down(*args: object, **kwargs: object) -> None:
        raise BrokerError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(tasks.fan_out_activity_task, "delay", broker_down)
    request = make_request()

    assert request.pk is not None
    assert WebhookDelivery.objects.count() == 0
    assert receiver.received == []

    monkeypatch.undo()
    assert tasks.sweep_webhooks_task() == {"new_deliveries": 1, "queued": 1}
    [hook] = receiver.wait_for(1, timeout=5)
    assert json.loads(hook.body)["activity"]["request_id"] == request.pk
    assert tasks.sweep_webhooks_task() == {"new_deliveries": 0, "queued": 0}
    assert len(receiver.received) == 1


@pytest.mark.django_db
@override_settings(WEBHOOK_RETRY_BASE_SECONDS=7)
def test_the_delivery_task_queues_the_retry_after_the_backoff(subscription, receiver, monkeypatch):
    receiver.statuses = [502]
    make_request()
    [delivery_id] = services.fan_out_activity()
    queued: list[tuple] = []
    monkeypatch.setattr(
        tasks.deliver_webhook_task,
        "apply_async",
        lambda args, countdown: queued.append((args, countdown)),
    )
    assert tasks.deliver_webhook_task(delivery_id) == "retrying"
    assert queued == [((delivery_id,), 7.0)]


@pytest.mark.django_db(transaction=True)
def test_two_workers_taking_one_delivery_at_once_post_it_once(subscription):
    """The sweep and the on-commit task queue the same delivery; two workers take it at the
    same moment. The second waits for the first's claim, then finds the delivery taken. (The
    claim used to filter through a join, which PostgreSQL does not check again after the wait:
    both took it, and the receiver got the event twice.)"""
    make_request(county=CountyFactory())
    (delivery_id,) = services.fan_out_activity()
    now = timezone.now()
    first_claimed, first_may_commit = threading.Event(), threading.Event()
    taken: dict[str, bool] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                taken["first"] = webhooks.claim_delivery(delivery_id, now)
                first_claimed.set()
                first_may_commit.wait(timeout=10)
        finally:
            connection.close()

    def second() -> None:
        try:
            taken["second"] = webhooks.claim_delivery(delivery_id, now)
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert first_claimed.wait(timeout=10)
    two = threading.Thread(target=second)
    two.start()
    two.join(timeout=1)
    assert two.is_alive(), "the second claim waits for the first"
    first_may_commit.set()
    one.join(timeout=10)
    two.join(timeout=10)
    assert taken == {"first": True, "second": False}
