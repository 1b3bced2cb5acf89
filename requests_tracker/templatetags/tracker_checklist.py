"""`{% checklist row.checklist %}`: the categories DOJ sought from a county, each ticked as given
or crossed as not (a campaign page's comparison). Written once per distinct checklist and kept:
the counties of a campaign share a handful of them, and a page draws a hundred rows."""

from __future__ import annotations

import functools

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from requests_tracker.selectors.campaigns import CategoryCheck

register = template.Library()

NOTHING_RECORDED = mark_safe('<ul class="checklist"><li class="meta">nothing recorded</li></ul>')


@register.simple_tag
def checklist(checks: tuple[CategoryCheck, ...]) -> SafeString:
    return _checklist(tuple(checks))


@functools.lru_cache(maxsize=512)
def _checklist(checks: tuple[CategoryCheck, ...]) -> SafeString:
    if not checks:
        return NOTHING_RECORDED
    return format_html(
        '<ul class="checklist">{}</ul>',
        format_html_join(
            "",
            '<li class="{}"><span aria-hidden="true">{}</span> {} '
            '<span class="visually-hidden">{}</span></li>',
            (
                ("is-given", "✓", check.label, "given")
                if check.given
                else ("is-missing", "✗", check.label, "not given")
                for check in checks
            ),
        ),
    )
