"""`/cases/` and `/cases/<id>/`: court cases and their dockets (docs/courts.md)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from requests_tracker.selectors import cases as case_selectors
from requests_tracker.selectors import documents
from requests_tracker.web.views import page, reader_required


@require_safe
@reader_required
def case_list(request: HttpRequest) -> HttpResponse:
    return page(request, "tracker/case_list.html", {"cases": case_selectors.cases()})


@require_safe
@reader_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(case_selectors.cases().prefetch_related("sources"), pk=pk)
    return page(
        request,
        "tracker/case_detail.html",
        {
            "case": case,
            "entries": list(case_selectors.docket(case, request.user)),
            "requests": list(case_selectors.case_requests(case, request.user)),
            "sources": documents.sources_shown_to(case.sources.all(), request.user),
        },
    )
