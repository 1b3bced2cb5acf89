"""`{% path "web:county_detail" county.fips %}`: the `{% url %}` of a row of a long table, kept
per process (presentation.links.path_to)."""

from __future__ import annotations

from django import template

from requests_tracker.presentation.links import path_to

register = template.Library()


@register.simple_tag
def path(viewname: str, *args: str | int) -> str:
    return path_to(viewname, *args)
