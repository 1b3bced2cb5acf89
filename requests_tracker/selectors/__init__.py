"""Shared reads: the querysets and numbers the API, web pages, feeds and admin show, by topic:
`requests`, `counts`, `activity`, `records` (their names are also here), and modules imported by
name (`campaigns`, `maps`, `documents`, `search`, `history`, `lists`).

Each selector returns everything its rows display in a fixed number of queries (select_related for
what a row points at, prefetch_related for lists, annotations for counts), so a page of 200 costs
the same as a page of 1. Filtering and paging stay with the caller.
"""

from requests_tracker.selectors.activity import *  # noqa: F403
from requests_tracker.selectors.counts import *  # noqa: F403
from requests_tracker.selectors.records import *  # noqa: F403
from requests_tracker.selectors.requests import *  # noqa: F403
