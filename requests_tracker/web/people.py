"""`/people/<slug>/`: an official, the offices held with their dates, and what the record
links to them (answers, figures, threats, press answers, cases); `/jurisdictions/<slug>/`: a
city, a state or the nation as a party to the story."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_safe

from requests_tracker.models import Jurisdiction, Person, ReportedFigure
from requests_tracker.presentation import charts
from requests_tracker.selectors import cases as case_selectors
from requests_tracker.selectors import documents, story
from requests_tracker.selectors.visibility import shown_to
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
            "responses": shown_to(person.responses.all(), request.user)
            .select_related("request__county")
            .order_by("received_on"),
            "figures": shown_to(person.figures.all(), request.user)
            .select_related("metric", "county")
            .order_by("period_start"),
            "threats": shown_to(person.threats.all(), request.user).order_by("threatened_on"),
            "press_answers": story.press_answers_shown_to(request.user)
            .filter(person=person)
            .prefetch_related("sources")
            .order_by("answered_on"),
            "cases": case_selectors.cases().filter(people=person),
        },
    )


@require_safe
@reader_required
def jurisdiction_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A party that is not only a county (a city, a state, the nation): its policies, its cases
    and their parts, its officials, what the press was told, and a state's own figures. A
    county's own jurisdiction is its county page."""
    jurisdiction = get_object_or_404(Jurisdiction.objects.select_related("county"), slug=slug)
    if jurisdiction.level == Jurisdiction.Level.COUNTY:
        return redirect(jurisdiction.county.get_absolute_url())
    figures = ReportedFigure.objects.none()
    if jurisdiction.level in (Jurisdiction.Level.STATE, Jurisdiction.Level.NATION):
        scope = jurisdiction.level
        figures = ReportedFigure.objects.filter(scope=scope, state=jurisdiction.state)
    figures = shown_to(figures, request.user).select_related("metric", "source")
    figures = list(figures.order_by("metric__name"))
    return page(
        request,
        "tracker/jurisdiction_detail.html",
        {
            "jurisdiction": jurisdiction,
            "policies": jurisdiction.policies.prefetch_related("sources").order_by(
                "effective_on", "id"
            ),
            "cases": case_selectors.cases().filter(parties_in__jurisdiction=jurisdiction),
            "officials": jurisdiction.officials.select_related("person").order_by("-started_on"),
            "press_answers": story.press_answers_about(
                jurisdiction=jurisdiction, reader=request.user
            ),
            "figure_charts": charts.metric_charts(story.series_of(figures)),
        },
    )
