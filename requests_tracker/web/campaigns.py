"""`/campaigns/`, every campaign with its counts, and `/campaigns/<id>/comparison.csv`, a
campaign page's comparison rows as a spreadsheet.

The list: newest letter first (sortable by each column), searchable by title, every campaign on
one page (a newsroom follows dozens, not thousands), each with its counties' counts from the
tallies (selectors.campaign_tallies: one query whatever their number).

The CSV: the same rows, in the same order as the page when given the same `sort` and `order`,
with machine values (status and category codes, ISO dates), readable by whoever may read the
page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from requests_tracker import selectors, services
from requests_tracker.choices import RequestStatus
from requests_tracker.models import Campaign
from requests_tracker.selectors import campaigns as campaign_selectors
from requests_tracker.web import tables
from requests_tracker.web.comparison import comparison_csv, comparison_sort
from requests_tracker.web.views import reader_required


@require_safe
@reader_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    sort = tables.campaign_sort(request.GET)
    query = request.GET.get("q", "").strip()[:200]
    campaigns = selectors.campaign_tallies()
    if query:
        campaigns = campaigns.filter(title__icontains=query)
    campaigns = campaigns.order_by(*sort.order_by("-issued_on", "-id"))
    rows = list(campaigns)
    for campaign in rows:
        campaign.status_rows = [
            (value, label, n)
            for value, label in RequestStatus.choices
            if (n := selectors.status_counts_of(campaign)[value])
        ]
    return render(
        request,
        "tracker/campaign_list.html",
        {
            "campaigns": rows,
            "query": query,
            "sort": sort,
            "headings": sort.headings(request.GET),
        },
    )


@require_safe
@reader_required
def comparison_csv_download(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    sort = comparison_sort(request.GET)
    rows = campaign_selectors.comparison_rows(
        campaign, today=services.local_today(), reader=request.user
    )
    rows = campaign_selectors.sorted_rows(rows, key=sort.key, descending=sort.descending)
    response = HttpResponse(comparison_csv(rows), content_type="text/csv; charset=utf-8")
    filename = f"campaign-{campaign.pk}-{slugify(campaign.title)[:60]}-comparison.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
