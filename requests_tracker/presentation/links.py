"""Links that leave the site (emails, webhook payloads, feeds read elsewhere): SITE_URL + path."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """The full address of a path of this site, e.g. a record's get_absolute_url()."""
    return f"{settings.SITE_URL}{path}"
