"""`{% moment value %}`: when something was recorded, as every page prints it, in the site's time
zone: `<time datetime="2025-08-01T09:30:00-07:00">2025-08-01 09:30</time>`, nothing for none.

Written once in Python rather than as the same two `date` filters beside each other in every
template: a timeline prints one per event, and each filter looks its format up anew."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def moment(value: dt.datetime | None) -> SafeString | str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}">{}</time>', local.isoformat(), local.strftime("%Y-%m-%d %H:%M")
    )
