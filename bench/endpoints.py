"""What the bench measures: the pages and endpoints a newsroom and its API clients hit most.

Paths may hold `{request_id}` and `{campaign_id}` (a seeded request with answers and its campaign,
chosen by bench/probe.py). An optional
endpoint whose URL does not exist yet (404) is skipped with a note instead of failing the run.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    key: str
    path: str
    optional: bool = False
    floor_path: str | None = None
    """The floor's equivalent (bench/floor.py): the same rows, one SQL query, orjson."""

    def url(self, **ids: int) -> str:
        return self.path.format(**ids)


API_LIST_QUERY = "state=CA&status=awaiting&page_size=50"

ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "api_list",
        f"/api/v1/requests/?{API_LIST_QUERY}",
        floor_path=f"/floor/requests/?{API_LIST_QUERY}",
    ),
    Endpoint("api_detail", "/api/v1/requests/{request_id}/"),
    Endpoint("request_page", "/requests/{request_id}/"),
    Endpoint("activity_feed", "/api/v1/activity/"),
    Endpoint("dashboard", "/"),
    Endpoint("request_list", "/requests/"),
    Endpoint("county_list", "/counties/"),
    Endpoint("stats", "/api/v1/stats/"),
    Endpoint("campaign_page", "/campaigns/{campaign_id}/"),
    Endpoint("map", "/map/CA/", optional=True),
    Endpoint("search", "/search/?q=Los+Angeles", optional=True),
]
