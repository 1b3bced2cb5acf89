import datetime as dt
import os

import pytest
from django.core.cache import cache

from tests.ci import failed_under_ci, in_ci, unavailable
from tests.factories import CountyFactory, UserFactory, make_request
from tests.mail.dovecot import imap_server  # noqa: F401 (a real IMAP server, for any test)

SLOW_FIRST = ("integration", "browser")
"""Markers of tests that start real processes or a browser (tens of seconds each): run first, so
that the parallel workers (pytest-xdist) end together instead of one finishing a long test
alone at the end."""
SLOW_MODULES = (
    "tests/test_quickstart.py",
    "tests/api/test_schema.py",
    "tests/test_archive_round_trip.py",
    "tests/bench/",
)


def pytest_collection_modifyitems(config, items):
    def slow(item) -> bool:
        path = item.nodeid.split("::")[0]
        return any(item.get_closest_marker(m) for m in SLOW_FIRST) or path.startswith(SLOW_MODULES)

    items.sort(key=lambda item: not slow(item))  # stable: the order within each part stays


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI a skipped test is a failed one, whatever skipped it (tests/ci.py)."""
    report = yield
    if in_ci():
        failed_under_ci(report)
    return report


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 is slow on purpose; test users need no such protection (each would cost ~0.5 s)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached: pages kept per data version (page_cache) and rate
    counts live in the cache, which outlives a test's rolled-back database."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def media(settings, tmp_path):
    """MEDIA_ROOT in the test's own folder: what a test uploads is stored there and goes with it."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def county(db):
    return CountyFactory(name="Los Angeles County", fips="06037", slug="los-angeles-county")


@pytest.fixture
def data_request(county):
    """DOJ's request of 2025-07-17 to Los Angeles County, due 30 days later (2025-08-16)."""
    return make_request(county=county, issued_on=dt.date(2025, 7, 17))


@pytest.fixture
def viewer(db):
    return UserFactory(username="viewer", role="viewer")


@pytest.fixture
def journalist(db):
    return UserFactory(username="journalist", role="journalist")


@pytest.fixture
def other_journalist(db):
    return UserFactory(username="journalist2", role="journalist")


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", role="editor")


@pytest.fixture(scope="session")
def broker_url(worker_id: str) -> str:
    """The machine's Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379), in a database of
    this test process's own (1, 2, ... for each pytest-xdist worker), so that workers started by
    tests running side by side never take each other's messages."""
    base = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
    number = int(worker_id.removeprefix("gw")) if worker_id.startswith("gw") else 0
    url = f"{base}/{1 + number}"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        unavailable(f"Redis at {url} is not answering: {error}")
    return url
