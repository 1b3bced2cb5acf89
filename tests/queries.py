"""What a page or an endpoint costs in SQL statements, computed from nothing kept.

The page cache is off while counting (PAGE_CACHE_SECONDS=0): a count that met a kept page would
measure a cache hit, and an N+1 query added to the page would pass unseen. A first request warms
only what lives as long as the process (templates, content types); the second is counted.
tests/web/test_page_cache.py checks the cache hit separately.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext


def statements_for(client: Any, path: str) -> tuple[int, Any]:
    """(statements run by a GET of `path`, its response), with the page cache off."""
    with override_settings(PAGE_CACHE_SECONDS=0):
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
    assert response.status_code == 200, response.content[:500]
    return len(queries), response


def queries_for(client: Any, path: str) -> int:
    """Statements run by a GET of `path`, with the page cache off."""
    return statements_for(client, path)[0]
