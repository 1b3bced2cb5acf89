"""Faults, on PostgreSQL, Redis and real gunicorn and Celery processes: nothing acknowledged is
lost, nothing is left half-done, and nothing needs a restart.

- Redis (broker and cache) stopped mid-test: pages, API reads and writes keep working; the work
  they queued is done once Redis is back (the database is the record of pending work).
- PostgreSQL connections of the app killed (pg_terminate_backend on this test's database only):
  the next requests get new connections; writes cut off mid-transaction are rolled back whole.
- The worker's pool process SIGKILLed mid-task: its transaction is rolled back and the task runs
  again (acks_late + reject_on_worker_lost), so the work is done exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import psycopg
import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from rest_framework.authtoken.models import Token

from requests_tracker import tasks
from requests_tracker.models import (
    Activity,
    ActivityVerb,
    DataRequest,
    Response,
    WebhookSubscription,
)
from tests.factories import AgencyFactory, CountyFactory, UserFactory, make_request
from tests.integration.conftest import CeleryProcesses, wait_until
from tests.integration.receiver import Receiver
from tests.integration.servers import Gunicorn, Worker

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery staple"
SECRET = "faults-shared-secret"


@dataclass
class Newsroom:
    request: DataRequest
    token: str


@pytest.fixture
def newsroom(transactional_db) -> Newsroom:
    editor = UserFactory(username="deskeditor", role="editor")
    # The app processes use the production hashers, not the tests' fast one.
    hasher = PBKDF2PasswordHasher()
    editor.password = hasher.encode(PASSWORD, hasher.salt())
    editor.save(update_fields=["password"])
    county = CountyFactory(name="Los Angeles County", fips="06037")
    request = make_request(county=county, issuing_agency=AgencyFactory())
    return Newsroom(request=request, token=Token.objects.create(user=editor).key)


@dataclass
class RunningApp:
    web: Gunicorn
    celery: CeleryProcesses
    receiver: Receiver
    subscription: WebhookSubscription


@pytest.fixture
def running_app(app_env, private_redis, started, tmp_path, newsroom) -> Iterator[RunningApp]:
    """gunicorn (2 workers), a Celery worker and beat, all on the private Redis (broker and
    cache), and a webhook receiver subscribed to every event."""
    env = {
        **app_env,
        "CELERY_BROKER_URL": private_redis.url(0),
        "CACHE_URL": private_redis.url(1),
        # Plain http in these tests: the session cookie must travel without TLS.
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "WEBHOOK_SWEEP_SECONDS": "1",
        "WEBHOOK_RETRY_BASE_SECONDS": "1",
    }
    with Receiver() as receiver:
        subscription = WebhookSubscription.objects.create(url=receiver.url, secret=SECRET)
        web = Gunicorn(env, tmp_path / "gunicorn.log", workers=2)
        started.append(web)
        celery = CeleryProcesses(env, tmp_path)
        started.append(celery)
        celery.start_worker()
        celery.start_beat()
        yield RunningApp(web, celery, receiver, subscription)


def sign_in(web: Gunicorn) -> requests.Session:
    session = requests.Session()
    form = session.get(f"{web.url}/accounts/login/", timeout=10)
    assert form.status_code == 200
    answer = session.post(
        f"{web.url}/accounts/login/",
        data={
            "username": "deskeditor",
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "next": "/",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:500]
    return session


def write_response(web: Gunicorn, newsroom: Newsroom, n: int) -> requests.Response:
    return requests.post(
        f"{web.url}/api/v1/responses/",
        json={
            "request": newsroom.request.pk,
            "kind": "public_statement",
            "received_on": "2025-07-20",
            "quotation": f"Statement {n}",
        },
        headers={"Authorization": f"Token {newsroom.token}"},
        timeout=30,
    )


def read_requests(web: Gunicorn, newsroom: Newsroom) -> requests.Response:
    return requests.get(
        f"{web.url}/api/v1/requests/",
        headers={"Authorization": f"Token {newsroom.token}"},
        timeout=30,
    )


def activity_since(subscription: WebhookSubscription) -> set[int]:
    return set(
        Activity.objects.filter(created_at__gte=subscription.created_at).values_list(
            "pk", flat=True
        )
    )


def delivered(receiver: Receiver) -> Counter:
    return Counter(json.loads(hook.body)["activity"]["id"] for hook in receiver.received)


def test_with_redis_stopped_the_app_keeps_working_and_queued_work_is_done_when_it_returns(
    running_app, private_redis, newsroom
):
    web, celery, receiver = running_app.web, running_app.celery, running_app.receiver
    subscription = running_app.subscription
    assert write_response(web, newsroom, 1).status_code == 201
    assert wait_until(lambda: set(delivered(receiver)) == activity_since(subscription), timeout=30)
    before_outage = len(receiver.received)

    private_redis.stop()
    session = sign_in(web)  # signing in needs no Redis (sessions and lockout: database)
    for path in ("/", "/requests/", f"/requests/{newsroom.request.pk}/", "/counties/"):
        assert session.get(f"{web.url}{path}", timeout=30).status_code == 200, path
    assert read_requests(web, newsroom).status_code == 200
    for n in (2, 3):
        started_at = time.monotonic()
        answer = write_response(web, newsroom, n)
        assert answer.status_code == 201, answer.text[:500]
        assert time.monotonic() - started_at < 10
    time.sleep(2)
    assert len(receiver.received) == before_outage  # nothing can be sent yet

    private_redis.start()
    assert write_response(web, newsroom, 4).status_code == 201
    expected = activity_since(subscription)
    assert wait_until(lambda: set(delivered(receiver)) == expected, timeout=60), (
        web.logs() + celery.logs()
    )
    time.sleep(2)  # later sweeps send nothing again

    counts = delivered(receiver)
    assert set(counts) == expected and max(counts.values()) == 1
    statements = set(Response.objects.values_list("quotation", flat=True))
    assert statements == {f"Statement {n}" for n in (1, 2, 3, 4)}
    assert web.process.poll() is None
    celery.assert_running()


def terminate_app_connections() -> int:
    """Kill every other session on this test's database (the app's, the worker's)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_database_connections_killed_mid_run_are_replaced_without_restarting_the_app(
    running_app, newsroom
):
    web, celery, receiver = running_app.web, running_app.celery, running_app.receiver
    subscription = running_app.subscription
    session = sign_in(web)
    master = web.process.pid

    # Both web processes hold a connection (CONN_MAX_AGE), then lose it.
    with ThreadPoolExecutor(8) as pool:
        warm = list(pool.map(lambda _: read_requests(web, newsroom).status_code, range(16)))
    assert set(warm) == {200}
    assert terminate_app_connections() >= 2

    # Every request after the kill is answered: each process reconnects on its own.
    for path in ("/", f"/requests/{newsroom.request.pk}/"):
        assert session.get(f"{web.url}{path}", timeout=30).status_code == 200, web.logs()
    for n in range(4):
        assert read_requests(web, newsroom).status_code == 200, web.logs()
        assert write_response(web, newsroom, n).status_code == 201, web.logs()

    # Connections killed while writes are in flight: each write happens whole or not at all.
    outcomes: list[tuple[int, int | None]] = []
    stop = threading.Event()

    def keep_writing(worker: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                answer = write_response(web, newsroom, 1000 * (worker + 1) + n)
            except requests.RequestException:
                outcomes.append((599, None))
                continue
            created = answer.json().get("id") if answer.status_code == 201 else None
            outcomes.append((answer.status_code, created))

    writers = [threading.Thread(target=keep_writing, args=(i,)) for i in range(3)]
    for writer in writers:
        writer.start()
    kills = 0
    for _ in range(8):
        time.sleep(0.6)
        kills += terminate_app_connections()
    stop.set()
    for writer in writers:
        writer.join(timeout=60)
    assert kills > 0

    # Afterwards everything answers again, and the webhooks of every write go out.
    for n in range(3):
        assert read_requests(web, newsroom).status_code == 200, web.logs()
        assert write_response(web, newsroom, 9000 + n).status_code == 201, web.logs()
    expected = activity_since(subscription)
    assert wait_until(lambda: set(delivered(receiver)) >= expected, timeout=90), celery.logs()

    acknowledged = {created for status, created in outcomes if status == 201}
    failed = sum(1 for status, _ in outcomes if status != 201)
    assert len(acknowledged) >= 10, outcomes
    stored = set(Response.objects.values_list("pk", flat=True))
    assert acknowledged <= stored  # nothing acknowledged is lost
    # A write cut off after its commit reached the database may have been stored unacknowledged,
    # never more of them than failed answers; and none is half-written: one event each.
    assert len(stored) - len(acknowledged) - 4 - 3 <= failed
    logged = Counter(
        Activity.objects.filter(verb=ActivityVerb.RESPONSE_LOGGED).values_list(
            "response_id", flat=True
        )
    )
    assert all(logged[pk] == 1 for pk in stored)
    assert web.process.pid == master and web.process.poll() is None
    celery.assert_running()


def test_a_worker_killed_mid_task_leaves_no_half_done_work_and_the_task_runs_again(
    celery_env, started, tmp_path, transactional_db
):
    overdue = [
        make_request(county=CountyFactory(name=f"County {n}", fips=f"0{6001 + 2 * n:04d}"))
        for n in range(5)
    ]  # issued 2025-07-17, due 2025-08-16: past due by the real clock
    blocker = psycopg.connect(celery_env["DATABASE_URL"])
    try:
        # Hold one of the rows, so the task stops mid-way: its events written, flags not yet.
        blocker.execute(
            "SELECT id FROM requests_tracker_datarequest WHERE id = %s FOR UPDATE",
            [overdue[-1].pk],
        )
        worker = Worker(celery_env, tmp_path / "worker.log")
        started.append(worker)
        tasks.flag_overdue_task.delay()

        def waiting_on_the_lock() -> bool:
            # Asked on another connection: inside the blocker's transaction the view is frozen.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                return cursor.fetchone()[0] > 0

        assert wait_until(waiting_on_the_lock, timeout=30), worker.logs()
        # Half-done work is invisible: nothing is committed yet.
        assert not DataRequest.objects.filter(overdue_since__isnull=False).exists()
        assert not Activity.objects.filter(verb=ActivityVerb.BECAME_OVERDUE).exists()

        [pool_process] = worker.pool_processes()
        os.kill(pool_process, signal.SIGKILL)
        assert wait_until(lambda: "WorkerLostError" in worker.logs(), timeout=20), worker.logs()
        blocker.rollback()  # the dead task's transaction can now end: rolled back
    finally:
        blocker.close()

    flagged = wait_until(
        lambda: DataRequest.objects.filter(overdue_since__isnull=False).count() == len(overdue),
        timeout=60,
    )
    assert flagged, worker.logs()
    events = Counter(
        Activity.objects.filter(verb=ActivityVerb.BECAME_OVERDUE).values_list(
            "request_id", flat=True
        )
    )
    assert events == Counter(request.pk for request in overdue)  # once each: not 0, not 2

    def rerun_logged() -> bool:
        after_loss = worker.logs().split("WorkerLostError", 1)[1]
        return "flag_overdue_task" in after_loss and "succeeded" in after_loss

    assert wait_until(rerun_logged, timeout=20), worker.logs()
    assert pool_process not in worker.pool_processes()
