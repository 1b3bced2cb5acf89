"""The app as production serves it: gunicorn with config/gunicorn_conf.py, more than one process.

No `Server` banner; the pages' security headers survive gunicorn; and the anonymous rate limit is
one count for the whole deployment, kept in the shared cache, however many processes answer.
"""

from __future__ import annotations

import pytest
import requests

from tests.integration.servers import Gunicorn

pytestmark = pytest.mark.integration


def test_gunicorn_sends_no_server_banner_and_pages_keep_their_policies(app_env, started, tmp_path):
    web = Gunicorn(app_env, tmp_path / "gunicorn.log", workers=1)
    started.append(web)
    for path in ("/healthz", "/accounts/login/", "/api/v1/counties/", "/no-such-page/"):
        response = requests.get(web.url + path, timeout=10, allow_redirects=False)
        assert "Server" not in response.headers, (path, response.headers)
        assert "Date" in response.headers  # the other default headers are untouched
    page = requests.get(web.url + "/accounts/login/", timeout=10)
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "camera=()" in page.headers["Permissions-Policy"]


def test_two_web_processes_share_one_anonymous_rate_limit(
    app_env, private_redis, started, tmp_path
):
    env = {
        **app_env,
        "TRACKER_PUBLIC": "true",
        "API_THROTTLE_ANON": "5/min",
        "CACHE_URL": private_redis.url(1),
        "CELERY_BROKER_URL": private_redis.url(0),
    }
    first = Gunicorn(env, tmp_path / "first.log", workers=1)
    started.append(first)
    second = Gunicorn(env, tmp_path / "second.log", workers=1)
    started.append(second)

    answers = []
    for n in range(10):
        web = (first, second)[n % 2]
        response = requests.get(
            f"{web.url}/api/v1/counties/",
            headers={"X-Forwarded-For": f"203.0.113.{n}"},  # forged: must not matter
            timeout=10,
        )
        answers.append(response.status_code)
    # Each process alone would allow 5 (10 in all) if it counted for itself.
    assert answers == [200] * 5 + [429] * 5, (answers, first.logs(), second.logs())
