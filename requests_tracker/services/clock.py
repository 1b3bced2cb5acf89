"""The newsroom's day: deadlines pass at midnight in settings.TIME_ZONE."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def local_today() -> dt.date:
    """Today's date in the newsroom's time zone (settings.TIME_ZONE), which decides deadlines."""
    return timezone.localdate()
