"""Deployment checks (`manage.py check --deploy`) for settings only this app cares about."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
HSTS_PRELOAD_MIN_SECONDS = 365 * 24 * 60 * 60


@checks.register(checks.Tags.security, deploy=True)
def check_security_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Rate limits need a shared cache; preload needs a year of HSTS; test exemptions stay off."""
    found: list[checks.CheckMessage] = []
    if settings.CACHES["default"]["BACKEND"] in PROCESS_LOCAL_CACHES:
        found.append(
            checks.Warning(
                "The cache is private to each process, so every web process keeps its own API "
                "rate-limit and password-reset counts.",
                hint="Set CACHE_URL=redis://host:6379/N (shared by every web process).",
                id="tracker.W001",
            )
        )
    if (
        getattr(settings, "SECURE_HSTS_PRELOAD", False)
        and getattr(settings, "SECURE_HSTS_SECONDS", 0) < HSTS_PRELOAD_MIN_SECONDS
    ):
        found.append(
            checks.Warning(
                "HSTS preload is on with a max-age under one year; the preload list refuses it.",
                hint="Set SECURE_HSTS_SECONDS=31536000 or more, or SECURE_HSTS_PRELOAD=false.",
                id="tracker.W002",
            )
        )
    if settings.WEBHOOK_ALLOW_HTTP or settings.WEBHOOK_ALLOWED_NETWORKS:
        found.append(
            checks.Warning(
                "Webhooks may reach http:// or internal networks (WEBHOOK_ALLOW_HTTP, "
                "WEBHOOK_ALLOWED_NETWORKS): settings for test receivers, not production.",
                hint="Unset WEBHOOK_ALLOW_HTTP and WEBHOOK_ALLOWED_NETWORKS.",
                id="tracker.W003",
            )
        )
    return found
