"""`{% status_pill status label [days_overdue] %}` and `{% overdue_pill days %}`: a request's
status as a labelled pill, and how long it has been overdue, written in Python (a campaign page
draws a hundred of them; as template includes each one cost more than its row's other cells)."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import pluralize
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def overdue_pill(days_overdue: int) -> SafeString:
    return format_html(
        '<span class="pill pill--overdue">overdue {} day{}</span>',
        days_overdue,
        pluralize(days_overdue),
    )


@register.simple_tag
def status_pill(status: str, label: str, days_overdue: int | None = None) -> SafeString:
    """The pill, then the overdue pill when `days_overdue` is given and not 0."""
    pill = format_html('<span class="pill pill--{}">{}</span>', status, label)
    if days_overdue:
        return format_html("{} {}", pill, overdue_pill(days_overdue))
    return pill
