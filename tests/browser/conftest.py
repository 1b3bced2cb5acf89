"""Real-browser tests: Playwright driving the system's Chromium against pytest-django's live
server. No browser is ever downloaded (`playwright install` is not used): the tests use the
Chromium the operating system provides, at CHROMIUM_PATH (default /usr/bin/chromium).

Without that Chromium the tests skip, saying why; under CI they fail instead (tests/ci.py), so CI
cannot pass by skipping them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections

from tests.ci import unavailable

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ACTION_TIMEOUT_MS = 10_000


@pytest.fixture
def browser_page(live_server, transactional_db, monkeypatch) -> Iterator:
    """A fresh headless Chromium page, with a ~10 s limit on every action and navigation."""
    if not Path(CHROMIUM_PATH).exists():
        unavailable(f"No system Chromium at {CHROMIUM_PATH}: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("The playwright package is not installed: pip install -e '.[dev]'")
    # Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM
    # calls here ("async context") although the test itself is plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # No Celery worker runs here: announcing new Activity to the broker would only leave
    # messages behind (or wait on a broker that is not there).
    from requests_tracker import tasks

    monkeypatch.setattr(tasks.fan_out_activity_task, "delay", lambda *args, **kwargs: None)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH,
            headless=True,
            args=CHROMIUM_ARGS,
            timeout=ACTION_TIMEOUT_MS * 2,
        )
        try:
            context = browser.new_context(base_url=live_server.url)
            context.set_default_timeout(ACTION_TIMEOUT_MS)
            context.set_default_navigation_timeout(ACTION_TIMEOUT_MS)
            yield context.new_page()
            context.close()
        finally:
            browser.close()
            # While Playwright's loop runs, Django hands this code a connection of its own
            # (connections are context-local); close it here, or it outlives the test and
            # PostgreSQL refuses to drop the test database at the end of the run.
            connections.close_all()
