"""Public history and corrections: each record's versions, a figure's page, and the list of
corrections with its Atom feed.

- `/requests/<id>/history/`, `/responses/<id>/history/`, `/escalations/<id>/history/`,
  `/figures/<id>/history/`: what changed, from what to what, and when (selectors/history.py says
  what each reader is shown: who made an edit only for editors, the internal note only for the
  newsroom). Whoever may read the record's page may read its history.
- `/figures/<id>/`: one reported figure, its source and its correction notes.
- `/corrections/` and `/corrections/feed.atom`: every correction note, newest first, with what
  it changed; the feed follows the other feeds' rules (feeds.py: a closed instance's feed is read
  at a private address).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from requests_tracker import permissions, selectors
from requests_tracker.models import Correction, DataRequest, Escalation, ReportedFigure, Response
from requests_tracker.presentation.feeds import FEED_ENTRIES, TrackerFeed
from requests_tracker.selectors import documents, history, visibility
from requests_tracker.web.views import reader_required

CORRECTIONS_PER_PAGE = 50


HISTORIES: dict[str, Callable[[], QuerySet]] = {
    "request": lambda: DataRequest.objects.select_related("county"),
    "response": lambda: Response.objects.select_related("request__county"),
    "escalation": lambda: Escalation.objects.select_related("request__county"),
    "figure": lambda: ReportedFigure.objects.select_related("county"),
}
"""The records with a history page, by the `kind` its address gives (web/urls.py)."""


@require_safe
@reader_required
def record_history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The versions of one request, response, escalation or figure (selectors/history.py)."""
    record = get_object_or_404(visibility.shown_to(HISTORIES[kind](), request.user), pk=pk)
    return render(
        request,
        "tracker/history.html",
        {
            "record": record,
            "title": history.record_label(record),
            "versions": history.record_history(record, request.user),
            "can_see_who": permissions.can_see_who_changed(request.user),
        },
    )


@require_safe
@reader_required
def figure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    figure = get_object_or_404(
        visibility.shown_to(selectors.reported_figures(), request.user), pk=pk
    )
    visible = documents.visible_sources(request.user).filter(pk=figure.source_id).exists()
    return render(
        request,
        "tracker/figure_detail.html",
        {
            "figure": figure,
            "sources": [figure.source] if visible else [],
            "source_withheld": not visible,
            "corrections": history.corrections_shown_to(
                history.corrections_of(figure), request.user
            ),
            "can_see_internal": permissions.can_see_internal(request.user),
        },
    )


@require_safe
@reader_required
def correction_list(request: HttpRequest) -> HttpResponse:
    corrections = visibility.shown_to(
        Correction.objects.select_related("made_by"), request.user
    ).order_by("-created_at", "-id")
    page = Paginator(corrections, CORRECTIONS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = history.corrections_shown_to(page.object_list, request.user)
    return render(
        request,
        "tracker/corrections.html",
        {
            "page": page,
            "can_see_who": permissions.can_see_who_changed(request.user),
            "feed_url": reverse("web:corrections_feed"),
        },
    )


class CorrectionsFeed(TrackerFeed):
    """The newest correction notes, each with what it changed; never who made it."""

    def get_object(self, request: HttpRequest, **kwargs: Any) -> None:
        return None

    def describe(self, obj: None) -> str:
        return "corrections"

    def link(self, obj: None) -> str:
        return reverse("web:correction_list")

    def items(self, obj: None) -> list[Correction]:
        corrections = visibility.shown_to(Correction.objects.all(), self.reader)
        latest = corrections.order_by("-created_at", "-id")[:FEED_ENTRIES]
        return history.corrections_shown_to(latest, self.reader)

    def item_title(self, item: Correction) -> str:
        return f"Correction: {item.record_label}"

    def item_description(self, item: Correction) -> str:
        changed = "; ".join(
            f"{change['label']}: {change['from']} → {change['to']}" for change in item.shown_changes
        )
        return f"{item.note} (Changed: {changed}. Corrected {item.created_at:%Y-%m-%d %H:%M} UTC.)"

    def item_link(self, item: Correction) -> str:
        # The note on the record's page: unique per correction, as an Atom id must be.
        return item.get_absolute_url()

    def item_pubdate(self, item: Correction) -> Any:
        return item.created_at

    def item_updateddate(self, item: Correction) -> Any:
        return item.created_at

    def item_categories(self, item: Correction) -> list[str]:
        return ["correction", item.kind]
