"""`{% overdue_count n [none] %}` and `{% county_count_rows counties %}`: how many requests are
overdue, set in bold when there are any, and the dashboard's table rows of counties with their
counts. Written in Python: the dashboard draws 200 county rows, and as template rows each cost
about 45 µs (9 ms of the page at a million requests)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from requests_tracker.presentation.links import path_to

register = template.Library()


@register.simple_tag
def overdue_count(n: int | None, none: str = "0") -> SafeString | str:
    """`n` in bold, or `none` (0, or a dash where a count of nothing reads better) when it is 0."""
    return format_html('<strong class="overdue-count">{}</strong>', n) if n else none


@register.simple_tag
def county_count_rows(counties: Iterable[Any]) -> SafeString:
    """A row per county (selectors.counties_with_requests): its name linking to its page, its
    requests, open ones and overdue ones."""
    return format_html_join(
        "\n",
        '<tr><td><a href="{}">{}</a></td><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td></tr>',
        (
            (
                path_to("web:county_detail", county.fips),
                county.name,
                county.requests_total,
                county.requests_open,
                overdue_count(county.requests_overdue),
            )
            for county in counties
        ),
    )
