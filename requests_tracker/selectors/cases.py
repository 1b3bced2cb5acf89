"""Court cases as pages and the API show them: with their jurisdictions and docket entries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Prefetch, QuerySet

from requests_tracker.models import Campaign, Case, CaseParty, County, DataRequest, DocketEntry
from requests_tracker.selectors.documents import visible_sources
from requests_tracker.selectors.visibility import shown_to


def cases() -> QuerySet[Case]:
    """Cases with their counties, how many docket entries they have and the latest one's day."""
    parties = CaseParty.objects.select_related("jurisdiction__county")
    return Case.objects.prefetch_related(
        Prefetch("counties", queryset=County.objects.order_by("state", "name")),
        Prefetch("parties_in", queryset=parties),
        "people",
    ).annotate(entry_count=Count("entries", distinct=True), last_filed=Max("entries__filed_on"))


def cases_of_county(county: County) -> QuerySet[Case]:
    return cases().filter(counties=county)


def cases_of_request(data_request: DataRequest) -> QuerySet[Case]:
    return cases().filter(requests=data_request)


def cases_of_campaign(campaign: Campaign) -> QuerySet[Case]:
    return cases().filter(pk__in=Case.objects.filter(requests__campaign=campaign).values("pk"))


def docket(case: Case, user: Any) -> QuerySet[DocketEntry]:
    """The case's docket entries `user` may see, in the order they were filed, with sources."""
    shown = visible_sources(user).values("pk")
    return case.entries.filter(source__in=shown).select_related("source")


def case_requests(case: Case, reader: Any) -> QuerySet[DataRequest]:
    """The requests a case concerns that `reader` may meet (selectors/visibility.py)."""
    requests = shown_to(case.requests.select_related("county", "campaign"), reader)
    return requests.order_by("county__name")
