"""What a user does on the quick start, through the quick start's own processes: `bin/quickstart.py
--serve-only` runs the web server, a Celery worker and beat on the serverless broker, exactly as
the README's first command does, against the test database. No test client, no eager mode: the
test talks to the running app over HTTP, as a browser or an API client would.

- A journalist uploads a text PDF through the request page's form; search finds a word from it
  within 30 s (the web process queued its reading; the worker read it).
- CourtListener posts a docket alert; its filings are on the case within 10 s (the web process
  kept the delivery and queued it; the worker recorded the entries).
- A county replies by e-mail to a request's address; beat's mail job reads it from a real IMAP
  server and the draft, with its PDF read by the worker, is in the inbox within 30 s.
- An API client logs a response; the signed webhook reaches a local receiver within 10 s (the
  web process woke the fan-out; the sweep runs only once an hour here, so it is not what sent it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
import requests
from bs4 import BeautifulSoup
from rest_framework.authtoken.models import Token

from requests_tracker.mail.addresses import reply_address
from requests_tracker.models import (
    DataRequest,
    DocketEntry,
    InboundMessage,
    ResponseKind,
    WebhookSubscription,
)
from tests.courts.cases import los_angeles_suit
from tests.courts.standin import RECORDED
from tests.database import database_url
from tests.documents import text_pdf
from tests.factories import CountyFactory, UserFactory, make_request
from tests.integration.conftest import PROJECT_ROOT, wait_until
from tests.integration.receiver import Receiver
from tests.integration.servers import free_port
from tests.webhook_recipe import documented_verify

pytestmark = pytest.mark.integration

PASSWORD = "journey-password-1"
SECRET = "journey-webhook-secret"
HOOKS_SECRET = "journey-courtlistener-secret"
MAILBOX = "tracker@newsroom.example"


class QuickStart:
    """`bin/quickstart.py --serve-only` with its state (broker, uploads, beat) in `var`."""

    def __init__(self, var: Path, **settings: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = var.parent / "quickstart.log"
        env = {
            name: value
            for name, value in os.environ.items()
            if name not in {"CELERY_BROKER_URL", "CACHE_URL", "CELERY_TASK_ALWAYS_EAGER"}
        }
        env.update(
            DATABASE_URL=database_url(),
            VAR_DIR=str(var),
            DEBUG="true",
            TRACKER_ADDRESS=f"127.0.0.1:{self.port}",
            TRACKER_ADMIN_PASSWORD="journey-admin-password",
            PYTHONUNBUFFERED="1",
            **settings,
        )
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(
                [sys.executable, "bin/quickstart.py", "--serve-only"],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def logs(self) -> str:
        return self.log.read_text(errors="replace")[-8000:]

    def wait_until_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.logs()
            try:
                if requests.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        pytest.fail(f"the quick start did not answer /healthz in {timeout} s:\n{self.logs()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
            self.process.wait(timeout=5)


@pytest.fixture
def fast_password_hashing():
    """The running app checks passwords with its own hashers: keep the real ones here."""


@pytest.fixture
def quickstart(transactional_db, tmp_path, imap_server) -> Iterator[QuickStart]:
    box = imap_server.settings
    app = QuickStart(
        tmp_path / "var",
        WEBHOOK_SWEEP_SECONDS="3600",
        COURTLISTENER_SYNC_SECONDS="3600",
        COURTLISTENER_WEBHOOK_SECRET=HOOKS_SECRET,
        COURTLISTENER_WEBHOOK_SENDERS="127.0.0.1/32",
        MAIL_IN_ADDRESS=MAILBOX,
        MAIL_IN_IMAP_HOST=box.host,
        MAIL_IN_IMAP_PORT=str(box.port),
        MAIL_IN_IMAP_USER=box.user,
        MAIL_IN_IMAP_PASSWORD=box.password,
        MAIL_IN_IMAP_CA_FILE=box.ca_file,
        MAIL_IN_FETCH_SECONDS="2",
        # As a user runs it (the test run's own default is 0): kept pages may be 5 s behind.
        PAGE_CACHE_STALE_SECONDS="5",
    )
    app.imap_server = imap_server
    try:
        app.wait_until_healthy()
        yield app
    finally:
        app.stop()


def signed_in_browser(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=10)
    token = BeautifulSoup(page.text, "html.parser").find("input", {"name": "csrfmiddlewaretoken"})
    answer = session.post(
        f"{base}/accounts/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token["value"],
        },
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
    )
    assert answer.url.rstrip("/") == base, "signed in and sent to the dashboard"
    return session


def test_a_pdf_uploaded_through_the_request_page_is_found_by_search_within_30_seconds(
    quickstart,
):
    UserFactory(username="reporter", role="journalist", password=PASSWORD)
    data_request = make_request(county=CountyFactory(name="Riverside County", fips="06065"))
    browser = signed_in_browser(quickstart.base, "reporter")
    page_url = f"{quickstart.base}/requests/{data_request.pk}/"
    form = BeautifulSoup(browser.get(page_url, timeout=10).text, "html.parser")
    csrf = form.find("input", {"name": "csrfmiddlewaretoken"})["value"]

    pdf = text_pdf(["Sheriff's reply to DOJ.", "The department holds no quokkaphant roster."])
    answer = browser.post(
        f"{page_url}sources/",
        data={
            "csrfmiddlewaretoken": csrf,
            "source-title": "Sheriff's reply (PDF)",
            "source-kind": "official_statement",
        },
        files={"source-file": ("reply.pdf", pdf, "application/pdf")},
        headers={"Referer": page_url},
        timeout=30,
    )
    assert answer.status_code == 200 and "Source cited" in answer.text, answer.text[-2000:]

    def found() -> bool:
        results = browser.get(f"{quickstart.base}/search/?q=quokkaphant", timeout=10)
        return "reply (PDF)" in BeautifulSoup(results.text, "html.parser").get_text()

    started = time.monotonic()
    assert wait_until(found, timeout=30, interval=0.5), quickstart.logs()
    print(f"found by search {time.monotonic() - started:.1f} s after the upload")


def test_a_journalist_sees_the_answer_they_logged_on_the_dashboard_at_once(quickstart):
    """The dashboard is kept, and may be a few seconds behind other people's writes, never behind
    the reader's own: the web process notes who wrote (page_cache.RecentWritersMiddleware)."""
    UserFactory(username="reporter", role="journalist", password=PASSWORD)
    UserFactory(username="reader", role="viewer", password=PASSWORD)
    data_request = make_request(county=CountyFactory(name="Fresno County", fips="06019"))
    reporter = signed_in_browser(quickstart.base, "reporter")
    reader = signed_in_browser(quickstart.base, "reader")

    def open_requests(browser: requests.Session) -> str:
        page = BeautifulSoup(browser.get(f"{quickstart.base}/", timeout=10).text, "html.parser")
        for row in page.find_all("tr"):
            if row.find("a", href="/counties/06019/") and not row.has_attr("data-fips"):
                return row.find_all("td")[2].get_text(strip=True)
        raise AssertionError("Fresno County is not in the dashboard's table")

    assert open_requests(reader) == open_requests(reporter) == "1"  # both kept
    page_url = f"{quickstart.base}/requests/{data_request.pk}/"
    form = BeautifulSoup(reporter.get(page_url, timeout=10).text, "html.parser")
    answer = reporter.post(
        f"{page_url}responses/",
        data={
            "csrfmiddlewaretoken": form.find("input", {"name": "csrfmiddlewaretoken"})["value"],
            "response-kind": "complied",
            "response-received_on": "2025-08-01",
            "response-source_url": "https://news.example/fresno-complies",
            "response-source_title": "Fresno sends its list",
            "response-source_kind": "news_report",
        },
        headers={"Referer": page_url},
        timeout=30,
    )
    assert answer.status_code == 200 and "Response logged" in answer.text, answer.text[-2000:]
    assert open_requests(reporter) == "0"
    assert wait_until(lambda: open_requests(reader) == "0", timeout=10, interval=0.5)


def test_a_response_logged_through_the_api_reaches_a_webhook_receiver_within_10_seconds(
    quickstart,
):
    journalist = UserFactory(username="desk", role="journalist", password=PASSWORD)
    token = Token.objects.create(user=journalist)
    data_request = make_request(county=CountyFactory(name="San Diego County", fips="06073"))
    with Receiver() as receiver:
        WebhookSubscription.objects.create(url=receiver.url, secret=SECRET)
        started = time.monotonic()
        answer = requests.post(
            f"{quickstart.base}/api/v1/responses/",
            json={
                "request": data_request.pk,
                "received_on": "2025-07-25",
                "kind": ResponseKind.DECLINED,
                "summary": "The county will not give release dates (SB 54).",
            },
            headers={"Authorization": f"Token {token.key}"},
            timeout=10,
        )
        assert answer.status_code == 201, answer.text

        def response_hook():
            # The request's own "issued" event, older, may come first.
            hooks = receiver.wait_for(len(receiver.received) + 1, timeout=0.2)
            return next((h for h in hooks if b'"response_logged"' in h.body), None)

        hook = wait_until(response_hook, timeout=10, interval=0)
        elapsed = time.monotonic() - started

    assert hook is not None, quickstart.logs()
    assert elapsed < 10, f"{elapsed:.1f} s"
    assert documented_verify()(SECRET, hook.headers["X-Tracker-Signature"], hook.body)
    payload = json.loads(hook.body)
    assert payload["activity"]["request_id"] == data_request.pk
    print(f"webhook received {elapsed:.1f} s after the API call")
    assert DataRequest.objects.get(pk=data_request.pk).status == "declined"


def test_a_courtlistener_docket_alert_is_on_the_case_within_10_seconds(quickstart):
    data_request = make_request(county=CountyFactory(name="Los Angeles County", fips="06037"))
    case = los_angeles_suit(data_request)
    started = time.monotonic()
    answer = requests.post(
        f"{quickstart.base}/hooks/courtlistener/{HOOKS_SECRET}/",
        data=(RECORDED / "docket-alert-delivery.json").read_bytes(),
        headers={"Content-Type": "application/json", "Idempotency-Key": "journey-delivery"},
        timeout=10,
    )
    assert answer.status_code == 202, answer.text

    def recorded() -> bool:
        return DocketEntry.objects.filter(case=case).count() == 2

    assert wait_until(recorded, timeout=10, interval=0.2), quickstart.logs()
    print(f"docket entries recorded {time.monotonic() - started:.1f} s after the delivery")


def test_a_reply_by_mail_is_a_draft_in_the_inbox_with_its_pdf_read_within_30_seconds(
    quickstart, settings
):
    data_request = make_request(county=CountyFactory(name="Los Angeles County", fips="06037"))
    UserFactory(username="reporter", role="journalist", password=PASSWORD)
    settings.MAIL_IN_ADDRESS = MAILBOX
    message = EmailMessage()
    message["From"] = "Records Unit <records@lasd.example>"
    message["To"] = reply_address("request", data_request.pk)
    message["Subject"] = "RE: DOJ request"
    message["Message-ID"] = "<journey-reply@lasd.example>"
    message.set_content("The Department declines to provide the list.")
    letter = text_pdf(["Our answer cites the California Values Act wholesale."])
    message.add_attachment(letter, maintype="application", subtype="pdf", filename="answer.pdf")
    started = time.monotonic()
    quickstart.imap_server.deliver(message.as_bytes())

    def read() -> bool:
        draft = InboundMessage.objects.filter(data_request=data_request, state="draft").first()
        return draft is not None and draft.attachments.filter(extraction_status="done").exists()

    assert wait_until(read, timeout=30, interval=0.5), quickstart.logs()
    print(f"draft with its PDF read {time.monotonic() - started:.1f} s after delivery")
    browser = signed_in_browser(quickstart.base, "reporter")
    inbox = BeautifulSoup(browser.get(f"{quickstart.base}/inbox/", timeout=10).text, "html.parser")
    assert "RE: DOJ request" in inbox.select_one("#drafts-heading").find_next("table").get_text()
    assert DataRequest.objects.get(pk=data_request.pk).status == "awaiting"
