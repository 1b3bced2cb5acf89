"""What every page's template may read about the site: its address and whether it is public."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {"site_url": settings.SITE_URL, "tracker_public": settings.TRACKER_PUBLIC}
