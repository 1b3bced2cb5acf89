"""A real Celery worker and beat, on Redis and PostgreSQL, doing the jobs users rely on."""

from __future__ import annotations

import datetime as dt
import json
import socket
import subprocess
import sys
import time

import pytest

from requests_tracker.models import (
    Activity,
    ActivityVerb,
    DataRequest,
    WebhookDelivery,
    WebhookSubscription,
)
from tests.factories import AgencyFactory, CountyFactory, make_request
from tests.integration.conftest import PROJECT_ROOT, wait_until
from tests.integration.receiver import Receiver
from tests.webhook_recipe import documented_verify

pytestmark = pytest.mark.integration

SECRET = "integration-shared-secret"


def test_scheduled_task_flags_a_past_due_request(celery_processes):
    # Issued and recorded on 2025-07-17, due 2025-08-16: long past due by the real clock.
    request = make_request(county=CountyFactory(name="San Diego County", fips="06073"))
    assert request.overdue_since is None

    celery_processes.start_worker()
    celery_processes.start_beat(OVERDUE_CHECK_MINUTES="0.02")  # every 1.2 seconds

    flagged = wait_until(
        lambda: DataRequest.objects.filter(pk=request.pk, overdue_since__isnull=False).exists(),
        timeout=20,
    )
    assert flagged, celery_processes.logs()
    request.refresh_from_db()
    assert request.overdue_since == dt.date(2025, 8, 17)

    # Beat keeps running the check; the request stays flagged once, with one event.
    time.sleep(3)
    celery_processes.assert_running()
    became_overdue = Activity.objects.filter(request=request, verb=ActivityVerb.BECAME_OVERDUE)
    assert became_overdue.count() == 1
    assert "flag_overdue_task" in celery_processes.logs()


def test_webhook_reaches_the_receiver_signed_and_is_retried_after_a_500(celery_processes):
    with Receiver(statuses=[500]) as receiver:
        WebhookSubscription.objects.create(url=receiver.url, secret=SECRET)
        celery_processes.start_worker(WEBHOOK_RETRY_BASE_SECONDS="1")
        celery_processes.start_beat()

        # The write queues the fan-out on commit; the worker does the rest.
        request = make_request(county=CountyFactory(name="Riverside County", fips="06065"))

        hooks = receiver.wait_for(2, timeout=25)
        assert len(hooks) == 2, celery_processes.logs()

    first, retry = hooks
    assert (first.answered, retry.answered) == (500, 200)
    verify = documented_verify()
    for hook in hooks:
        assert verify(SECRET, hook.headers["X-Tracker-Signature"], hook.body)
    assert first.body == retry.body
    assert (first.headers["X-Tracker-Attempt"], retry.headers["X-Tracker-Attempt"]) == ("1", "2")
    payload = json.loads(retry.body)
    assert payload["event"] == ActivityVerb.REQUEST_ISSUED
    assert payload["activity"]["request_id"] == request.pk

    delivery = wait_until(
        lambda: WebhookDelivery.objects.filter(status=WebhookDelivery.Status.DELIVERED).first(),
        timeout=5,
    )
    assert delivery is not None, celery_processes.logs()
    assert (delivery.attempts, delivery.response_status) == (2, 200)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


WRITE_A_REQUEST = """
import datetime as dt
from requests_tracker import services
from requests_tracker.models import Agency, County
request = services.issue_request(
    county=County.objects.get(fips="06075"),
    issuing_agency=Agency.objects.get(),
    issued_on=dt.date(2025, 7, 17),
    due_basis="calendar_days",
    due_days=30,
    data_sought=["noncitizen_roster"],
    today=dt.date(2025, 7, 17),
)
print(request.pk)
"""


def test_write_succeeds_with_the_broker_down_and_its_webhook_goes_out_later(
    celery_processes, celery_env
):
    CountyFactory(name="San Francisco County", fips="06075")
    AgencyFactory()
    with Receiver() as receiver:
        WebhookSubscription.objects.create(url=receiver.url, secret=SECRET)

        # A web process whose broker is unreachable records a request.
        started = time.monotonic()
        write = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", WRITE_A_REQUEST],
            cwd=PROJECT_ROOT,
            env={**celery_env, "CELERY_BROKER_URL": f"redis://127.0.0.1:{closed_port()}/0"},
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert write.returncode == 0, write.stderr
        assert time.monotonic() - started < 20
        assert "Broker unreachable" in write.stderr
        request = DataRequest.objects.get(pk=int(write.stdout.split()[-1]))
        assert Activity.objects.filter(request=request, verb=ActivityVerb.REQUEST_ISSUED).exists()
        assert WebhookDelivery.objects.count() == 0

        # The broker is back: the worker and the beat's sweep find the undelivered event.
        celery_processes.start_worker()
        celery_processes.start_beat(WEBHOOK_SWEEP_SECONDS="1")
        hooks = receiver.wait_for(1, timeout=25)
        assert len(hooks) == 1, celery_processes.logs()
        time.sleep(2)  # later sweeps must not send it again
        assert len(receiver.received) == 1

    [hook] = hooks
    assert documented_verify()(SECRET, hook.headers["X-Tracker-Signature"], hook.body)
    assert json.loads(hook.body)["activity"]["request_id"] == request.pk


def test_beat_lifts_an_embargo_on_time_and_its_webhook_goes_out_then(celery_processes):
    from django.utils import timezone

    from requests_tracker import services
    from requests_tracker.models import Response, ResponseKind
    from tests.factories import UserFactory

    journalist = UserFactory(username="reporter", role="journalist")
    with Receiver() as receiver:
        WebhookSubscription.objects.create(
            url=receiver.url, secret=SECRET, event_types=[ActivityVerb.RESPONSE_LOGGED]
        )
        celery_processes.start_worker()
        celery_processes.start_beat(EMBARGO_LIFT_SECONDS="1")
        request = make_request(county=CountyFactory(name="Fresno County", fips="06019"))
        until = timezone.now() + dt.timedelta(seconds=6)
        response = services.log_response(
            data_request=request,
            kind=ResponseKind.DECLINED,
            received_on=dt.date(2025, 8, 1),
            actor=journalist,
            embargo=services.EmbargoTerms(until, "Story runs at six"),
        )

        time.sleep(3)  # the worker and beat are at work; the embargo still holds
        assert receiver.wait_for(1, timeout=0.1) == []
        assert Response.objects.get(pk=response.pk).embargoed

        hooks = receiver.wait_for(1, timeout=30)
        assert len(hooks) == 1, celery_processes.logs()

    assert timezone.now() >= until
    assert not Response.objects.get(pk=response.pk).embargoed
    payload = json.loads(hooks[0].body)
    assert payload["event"] == ActivityVerb.RESPONSE_LOGGED
    assert payload["activity"]["response_id"] == response.pk
    assert payload["activity"]["data"]["received_on"] == "2025-08-01"
    assert dt.datetime.fromisoformat(payload["activity"]["created_at"]) >= until
    request.refresh_from_db()
    assert request.status == "declined"
    assert "lift_embargoes_task" in celery_processes.logs()
