"""`/grounds/` and `/grounds/<slug>/`: the laws the records cite, and who cited each."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from requests_tracker.selectors import grounds as ground_selectors
from requests_tracker.web.views import page, reader_required


@require_safe
@reader_required
def ground_list(request: HttpRequest) -> HttpResponse:
    return page(request, "tracker/ground_list.html", {"grounds": ground_selectors.grounds()})


@require_safe
@reader_required
def ground_detail(request: HttpRequest, slug: str) -> HttpResponse:
    ground = get_object_or_404(ground_selectors.grounds(), slug=slug)
    return page(
        request,
        "tracker/ground_detail.html",
        {"ground": ground, **ground_selectors.citing(ground, request.user)},
    )
