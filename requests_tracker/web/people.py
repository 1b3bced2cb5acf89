"""`/people/<slug>/`: an official, the offices held with their dates, and what the record
links to them (answers, figures, threats, press answers, cases)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from requests_tracker.models import Person
from requests_tracker.selectors import cases as case_selectors
from requests_tracker.selectors import documents
from requests_tracker.web.views import page, reader_required


@require_safe
@reader_required
def person_detail(request: HttpRequest, slug: str) -> HttpResponse:
    person = get_object_or_404(Person, slug=slug)
    roles = person.roles.select_related("jurisdiction", "agency", "source")
    return page(
        request,
        "tracker/person_detail.html",
        {
            "person": person,
            "roles": [
                (role, documents.sources_shown_to([role.source], request.user)) for role in roles
            ],
            "responses": person.responses.select_related("request__county").order_by("received_on"),
            "figures": person.figures.select_related("metric", "county").order_by("period_start"),
            "threats": person.threats.order_by("threatened_on"),
            "press_answers": person.press_answers.prefetch_related("sources").order_by(
                "answered_on"
            ),
            "cases": case_selectors.cases().filter(people=person),
        },
    )
