"""Which broker the tests' own process publishes to.

The test run's process publishes to an in-memory broker (pyproject's pytest env), so nothing it
queues lands in the quick start's broker folders. A test of real processes points it at the
broker those processes read: the machine's Redis (the `broker_url` fixture, tests/conftest.py),
a database per pytest-xdist worker.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from config.celery import app as celery_app


@contextmanager
def publishing_to(url: str) -> Iterator[None]:
    """This process's Celery app sends its tasks to `url` (what a test writes here is queued on
    commit for the worker it started), then back to its own broker."""
    previous = os.environ.get("CELERY_BROKER_URL"), celery_app.conf.broker_url
    try:
        _switch_broker(url, url)
        yield
    finally:
        _switch_broker(*previous)


def _switch_broker(variable: str | None, url: str) -> None:
    # Celery reads the environment variable before its configuration: set both.
    if variable is None:
        os.environ.pop("CELERY_BROKER_URL", None)
    else:
        os.environ["CELERY_BROKER_URL"] = variable
    celery_app.conf.broker_url = url
    # The connection pools keep the broker they were made for: start them again.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
