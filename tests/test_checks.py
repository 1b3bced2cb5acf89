"""`check --deploy` names the settings that would weaken the defences of docs/security.md."""

from __future__ import annotations

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
