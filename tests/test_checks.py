"""`check --deploy` names the settings that would weaken the defences of docs/security.md."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from requests_tracker.security.checks import check_security_settings

REDIS = {"default": {"BACKEND": "requests_tracker.security.shared_cache.FailOpenRedisCache"}}


def ids() -> list[str]:
    return [message.id for message in check_security_settings()]


def test_production_shape_passes(settings):
    settings.CACHES = REDIS
    settings.SECURE_HSTS_PRELOAD, settings.SECURE_HSTS_SECONDS = True, 31536000
    settings.WEBHOOK_ALLOW_HTTP, settings.WEBHOOK_ALLOWED_NETWORKS = False, []
    assert ids() == []


def test_a_per_process_cache_a_short_preload_and_test_exemptions_are_reported(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.SECURE_HSTS_PRELOAD, settings.SECURE_HSTS_SECONDS = True, 60 * 60 * 24 * 30
    settings.WEBHOOK_ALLOW_HTTP, settings.WEBHOOK_ALLOWED_NETWORKS = True, ["127.0.0.0/8"]
    assert ids() == ["tracker.W001", "tracker.W002", "tracker.W003"]


def test_manage_py_check_deploy_runs_the_trackers_checks_in_its_own_process():
    """The checks are registered by the app's ready(), not by a test importing them: a
    production `check --deploy` with a per-process cache and http webhooks must name both."""
    env = {
        **{name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"},
        "SECRET_KEY": "x" * 60,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "tracker.example.org",
        "CACHE_URL": "locmemcache://",
        "WEBHOOK_ALLOW_HTTP": "true",
    }
    run = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "tracker.W001" in run.stderr
    assert "tracker.W003" in run.stderr


def test_the_api_schema_raises_no_warning_in_check_deploy():
    """drf-spectacular reports schema problems (an enum name two fields share, a field it cannot
    type) as warnings of `check --deploy`, which production's check fails on: none may appear."""
    env = {
        **{name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"},
        "SECRET_KEY": "x" * 60,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "tracker.example.org",
    }
    run = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "drf_spectacular" not in run.stderr, run.stderr[-2000:]
