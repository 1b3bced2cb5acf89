"""Links: the site's own paths as long tables draw them, and links that leave the site (emails,
webhook payloads, feeds read elsewhere): SITE_URL + path."""

from __future__ import annotations

import functools

from django.conf import settings
from django.urls import get_script_prefix, reverse

PATHS_KEPT = 20_000
"""How many reversed paths a process keeps (a page of thousands of counties and requests)."""


def absolute_url(path: str) -> str:
    """The full address of a path of this site, e.g. a record's get_absolute_url()."""
    return f"{settings.SITE_URL}{path}"


def path_to(viewname: str, *args: str | int) -> str:
    """`reverse(viewname, args=args)`, kept per process: the URL patterns never change while it
    runs, and Django's reverse costs about 20 µs, a tenth of a long table's rendering."""
    return _reversed(get_script_prefix(), viewname, args)


@functools.lru_cache(maxsize=PATHS_KEPT)
def _reversed(prefix: str, viewname: str, args: tuple[str | int, ...]) -> str:
    # The prefix is part of the key: reverse() answers under the running script's prefix.
    return reverse(viewname, args=args)
