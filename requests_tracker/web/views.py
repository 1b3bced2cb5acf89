"""The journalists' pages: dashboard, counties, requests, campaigns, and the forms on a request.

Views are thin: reads come from selectors (a page costs the same number of queries whatever its
size), writes go through services (which validate, derive status and record Activity), and nothing
here assigns a status. Who may see or do what comes from permissions.py:

- reading needs `can_read`: anonymous visitors are sent to the login page unless the instance is
  public (settings.TRACKER_PUBLIC); a signed-in user without a newsroom role gets 403;
- the forms are shown to, and accepted from, users who `can_create` (journalist, editor); anyone
  else posting gets 403 (anonymous: the login page);
- internal notes and who logged what are shown only to users who `can_see_internal`.

A form with bad input re-renders the request's page (status 400) with each error next to its
field and nothing saved; a good one redirects back to the page (POST/redirect/GET) with a message.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from requests_tracker import page_cache, permissions, selectors, services
from requests_tracker.choices import DataCategory, RequestStatus, ResponseKind
from requests_tracker.exchange import dataset
from requests_tracker.lists import keyset
from requests_tracker.mail.addresses import reply_address
from requests_tracker.models import County, DataRequest
from requests_tracker.presentation import charts
from requests_tracker.selectors import cases as case_selectors
from requests_tracker.selectors import documents, history, search, story, visibility
from requests_tracker.selectors import threats as threat_selectors
from requests_tracker.selectors.lists import request_rows
from requests_tracker.web import tables
from requests_tracker.web.access import View, allowed_only
from requests_tracker.web.comparison import comparison_context, comparison_sort
from requests_tracker.web.county_map import DEFAULT_STATE, map_context
from requests_tracker.web.forms import (
    CountyFilterForm,
    EscalationForm,
    RequestFilterForm,
    ResponseForm,
    SourceForm,
    entry_logged_message,
    saved_through_service,
)
from requests_tracker.web.watches import feed_url, follow_context

REQUESTS_PER_PAGE = 50
REQUESTS_COUNT_CAP = 1000
"""/requests/ counts its matches up to here, then says "more than 1,000"."""
CAMPAIGN_ROWS_PER_PAGE = 100
COUNTIES_PER_PAGE = 100
DASHBOARD_OVERDUE_ROWS = 20
DASHBOARD_ACTIVITY_ROWS = 20
DASHBOARD_COUNTY_ROWS = 200
COUNTY_ACTIVITY_ROWS = 50
COUNTY_REQUESTS_PER_PAGE = 50
CATEGORY_LABELS = dict(DataCategory.choices)
RESPONSE_KIND_LABELS = dict(ResponseKind.choices)


reader_required = allowed_only(permissions.can_read, "Your account has no newsroom role yet.")
"""Whoever may read; anonymous visitors of a closed instance are sent to log in."""


def creator_required(view: View) -> View:
    """POST only, from a journalist or editor (anonymous visitors are sent to log in).

    A GET (a reloaded or bookmarked form address) goes back to the request's page."""
    allowed = allowed_only(permissions.can_create, "Only journalists and editors log entries.")(
        view
    )

    @require_http_methods(["GET", "HEAD", "POST"])
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            return HttpResponseRedirect(reverse("web:request_detail", args=[kwargs["pk"]]))
        return allowed(request, *args, **kwargs)

    return wrapped


def page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    user = request.user
    context.update(
        can_create=permissions.can_create(user),
        can_see_internal=permissions.can_see_internal(user),
        today=services.local_today(),
    )
    return render(request, template, context, status=status)


def _with_days_overdue(requests: Iterable[DataRequest], today: dt.date) -> list[DataRequest]:
    """The rows, each carrying `days_overdue` (0 when not overdue) and the label of the latest
    answer (from data_requests' annotation), which templates cannot look up themselves."""
    rows = list(requests)
    for row in rows:
        row.days_overdue = selectors.days_overdue(row, today=today)
        kind = getattr(row, "latest_response_kind", None)
        row.latest_response_label = RESPONSE_KIND_LABELS.get(kind, kind) if kind else ""
    return rows


def _request_rows_page(
    request: HttpRequest, requests: QuerySet[DataRequest], per_page: int, today: dt.date
) -> tuple[keyset.KeysetPage, int, str]:
    """The page of `requests` the reader's cursor names, rows carrying their days overdue, with
    the answer's status and message: a damaged cursor gives the first page, 400 and a message."""
    status, cursor_error = 200, ""
    try:
        rows = keyset.queryset_page(requests, request.GET.get("cursor"), per_page=per_page)
    except keyset.BadCursor:
        status, cursor_error = 400, keyset.BAD_CURSOR_MESSAGE
        rows = keyset.queryset_page(requests, None, per_page=per_page)
    rows.object_list = _with_days_overdue(rows.object_list, today)
    return rows, status, cursor_error


def _count_label(count: int, cap: int, noun: str) -> str:
    """ "12 requests", or "More than 1,000 requests" for a count stopped past its cap."""
    if count > cap:
        return f"More than {cap:,} {noun}s"
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _status_rows(by_status: dict[str, int]) -> list[tuple[str, str, int]]:
    """(status, label, count) of the statuses some request has (a tile of 0 tells nothing)."""
    return [
        (value, label, by_status[value])
        for value, label in RequestStatus.choices
        if by_status.get(value, 0)
    ]


@require_safe
@reader_required
def dashboard(request: HttpRequest) -> HttpResponse:
    today = services.local_today()
    # What the template's `{% kept %}` blocks show is read only when a block is not in the page
    # cache: callables, which the template calls when it first shows them (each read once).
    totals = functools.cache(selectors.request_status_totals)
    # Two sortable tables, each with its own parameters (overdue_sort=, counties_sort=).
    overdue_sort = tables.request_sort(
        request.GET,
        columns=tables.OVERDUE_COLUMNS,
        default="days_overdue",
        prefix="overdue_",
        anchor="overdue-heading",
    )
    overdue = tables.sorted_requests(selectors.overdue_requests(request.user), overdue_sort)
    county_sort = tables.county_sort(
        request.GET,
        prefix="counties_",
        anchor="counties-heading",
        hidden=["state", "fips", "by_status"],
    )
    # Grouped by state on the page, sorted within each; read only when the block is not kept.
    counties = functools.cache(
        lambda: selectors.counties_with_requests(
            ["state", *county_sort.order_by("name", "id")], DASHBOARD_COUNTY_ROWS
        )
    )
    return page(
        request,
        "tracker/dashboard.html",
        {
            "totals": totals,
            "headlines": functools.cache(selectors.headline_campaigns),
            "status_rows": functools.cache(lambda: _status_rows(totals().by_status)),
            "overdue": functools.cache(
                lambda: _with_days_overdue(overdue[:DASHBOARD_OVERDUE_ROWS], today)
            ),
            "overdue_sort": overdue_sort,
            "overdue_headings": overdue_sort.headings(request.GET),
            "county_sort": county_sort,
            "county_headings": county_sort.headings(request.GET),
            "activity": documents.activity_shown_to(selectors.latest_events(), request.user)[
                :DASHBOARD_ACTIVITY_ROWS
            ],
            "counties": counties,
            "county_rows_limit": DASHBOARD_COUNTY_ROWS,
            "feed_url": feed_url(request.user),
            "dataset_release": functools.cache(dataset.latest_release),
            "dataset_sqlite": dataset.SQLITE_NAME,
            "dataset_license": settings.DATASET_LICENSE,
            **map_context(state=DEFAULT_STATE, today=today),
        },
    )


@require_safe
@reader_required
def county_list(request: HttpRequest) -> HttpResponse:
    form = CountyFilterForm(request.GET or None)
    searching = bool(form.is_bound and form.is_valid() and form.cleaned_data.get("q"))
    sort = tables.county_sort(request.GET, default="" if searching else "name")
    counties = form.filter(selectors.listed_counties(sort.order_by()))
    first = [f"-{search.RANK}"] if searching and not sort.chosen else []
    counties = counties.order_by(*first, *sort.order_by("state", "name", "id"))

    def county_page() -> Any:
        """Read only when the table is not in the page cache (the template's `{% kept %}`)."""
        # Counted on the county table alone (3,234 rows at most), not over the tallies' join of
        # every request.
        page = keyset.CountedPaginator(
            counties, COUNTIES_PER_PAGE, count_of=form.filter(County.objects.all())
        ).get_page(request.GET.get("page"))
        page.object_list = selectors.counted(page.object_list, sort.order_by())
        for county in page:
            county.status_rows = [
                row for row in _status_rows(selectors.status_counts_of(county)) if row[2]
            ]
        return page

    return page(
        request,
        "tracker/county_list.html",
        {
            "form": form,
            "county_page": county_page,
            "sort": sort,
            "headings": sort.headings(request.GET),
        },
    )


@require_safe
@reader_required
def county_detail(request: HttpRequest, fips: str) -> HttpResponse:
    """A county, its figures, policies and latest events, and its requests COUNTY_REQUESTS_PER_PAGE
    at a time (cursor paging, lists/keyset.py, on the order shown: a large county has hundreds
    of requests). A damaged cursor shows the first page with a message (400)."""
    # By id, not FIPS: PostgreSQL adds up one county's tallies only when the id is a constant
    # (by FIPS it adds up every county's to keep one).
    county_id = get_object_or_404(County.objects.values_list("pk", flat=True), fips=fips)
    county = selectors.county_tallies().get(pk=county_id)
    today = services.local_today()
    sort = tables.request_sort(request.GET, anchor="requests-heading", hidden=["county"])
    requests = tables.sorted_requests(
        request_rows(request.user).filter(county=county).order_by("-issued_on", "-id"), sort
    )
    rows, status, cursor_error = _request_rows_page(
        request, requests, COUNTY_REQUESTS_PER_PAGE, today
    )
    figures = list(
        visibility.shown_to(selectors.reported_figures(), request.user)
        .filter(county=county)
        .order_by("metric__name", "-period_start")
    )
    for figure in figures:
        figure.sources_list = [figure.source]
    press_answers = story.press_answers_about(county=county, reader=request.user)
    return page(
        request,
        "tracker/county_detail.html",
        {
            "county": county,
            "status_rows": [
                row for row in _status_rows(selectors.status_counts_of(county)) if row[2]
            ],
            "page": rows,
            "cursor_error": cursor_error,
            "sort": sort,
            "headings": sort.headings(request.GET),
            "sanctuary_sources": [county.sanctuary_source] if county.sanctuary_source else [],
            "figures": figures,
            "figure_charts": charts.metric_charts(story.series_of(figures)),
            "policies": story.policies_of_county(county),
            "press_answers": press_answers,
            "cases": case_selectors.cases_of_county(county),
            "activity": documents.activity_shown_to(
                selectors.timeline().filter(county=county), request.user
            ).reverse()[:COUNTY_ACTIVITY_ROWS],
            "badge_offered": settings.TRACKER_PUBLIC,
            **follow_context(request, "county", county),
        },
        status=status,
    )


@require_safe
@reader_required
def request_list(request: HttpRequest) -> HttpResponse:
    """Requests, filtered and searched with the API's RequestFilter; newest letter first, a
    search's best match first, or sorted by a column heading.

    Paged by cursor (lists/keyset.py) on the order shown, which always ends with the id: the
    newest letter first is (-issued_on, -id), a column is (its key, id), a search (-rank, then
    the newest first). The count stops at REQUESTS_COUNT_CAP ("more than 1,000"). A damaged
    cursor shows the first page with a message (400)."""
    form = RequestFilterForm(request.GET or None)
    searching = bool(form.api_filters().get("q"))
    sort = tables.request_sort(request.GET, default="" if searching else "issued_on")
    requests = request_rows(request.user).order_by("-issued_on", "-id")
    ordering = tables.api_ordering(sort) if sort.chosen else ""
    requests = form.filter(requests, request=request, ordering=ordering)
    rows, status, cursor_error = _request_rows_page(
        request, requests, REQUESTS_PER_PAGE, services.local_today()
    )
    count = keyset.capped_count(requests, REQUESTS_COUNT_CAP)
    return page(
        request,
        "tracker/request_list.html",
        {
            "form": form,
            "page": rows,
            "count_label": _count_label(count, REQUESTS_COUNT_CAP, "request"),
            "cursor_error": cursor_error,
            "sort": sort,
            "headings": sort.headings(request.GET),
            "searching": searching,
            "csv_url": tables.requests_csv_url(form.api_filters(), ordering),
        },
        status=status,
    )


@require_safe
@reader_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A campaign, its figures and charts (over all its counties), and its counties side by
    side, CAMPAIGN_ROWS_PER_PAGE at a time (web/comparison.py)."""
    campaign = get_object_or_404(selectors.campaign_tallies(), pk=pk)
    threats = threat_selectors.threats_of_campaign(campaign, services.local_today(), request.user)
    sort = comparison_sort(request.GET)
    today = services.local_today()
    status, cursor_error = 200, ""
    arguments = {"today": today, "sort": sort, "reader": request.user}

    def comparison_at(cursor: str | None) -> dict[str, Any]:
        def compute() -> dict[str, Any]:
            return comparison_context(
                campaign, **arguments, cursor=cursor, per_page=CAMPAIGN_ROWS_PER_PAGE
            )

        if cursor is None:  # read only by the template's kept block, which keeps the page whole
            return compute()
        # A later page is read before the page is drawn (to tell a damaged cursor): the rows,
        # figures and charts change only with the data (page_cache).
        return page_cache.cached(
            "campaign-comparison",
            campaign.pk,
            *page_cache.reader_vary(request),
            cursor,
            compute=compute,
        )

    cursor = request.GET.get("cursor")
    if cursor:  # read now: a damaged cursor is told on the page
        try:
            comparison = comparison_at(cursor)
        except keyset.BadCursor:
            status, cursor_error = 400, keyset.BAD_CURSOR_MESSAGE
            comparison = comparison_at(None)
    else:
        # The first page is read only if the template's `{% kept %}` block is not kept: each
        # name is a callable the template calls when it first shows it (read once).
        first = functools.cache(lambda: comparison_at(None))
        comparison = {name: _item_of(first, name) for name in COMPARISON_NAMES}
    return page(
        request,
        "tracker/campaign_detail.html",
        {
            "campaign": campaign,
            "data_sought": [CATEGORY_LABELS.get(c, c) for c in campaign.data_sought],
            "status_rows": [
                row for row in _status_rows(selectors.status_counts_of(campaign)) if row[2]
            ],
            "sort_headings": sort.headings(request.GET),
            "cursor_error": cursor_error,
            "cases": case_selectors.cases_of_campaign(campaign),
            "threats": threats,
            "threats_pending": sum(1 for threat in threats if not threat.carried_out),
            "press_answers": story.press_answers_about(campaign=campaign, reader=request.user),
            # Called by the template only when its kept block is computed again.
            "figure_charts": lambda: charts.metric_charts(
                story.series_of(story.figures_of_campaign(campaign)), with_place=True
            ),
            "can_manage": permissions.can_manage_campaigns(request.user),
            "reply_address": reply_address("campaign", campaign.pk)
            if permissions.can_create(request.user)
            else "",
            **comparison,
            **follow_context(request, "campaign", campaign),
        },
        status=status,
    )


COMPARISON_NAMES = (
    "comparison",
    "comparison_page",
    "comparison_sort",
    "figures",
    "definitions",
    "status_chart",
    "histogram_chart",
    "never_answered",
    "campaign_states",
)
"""What web.comparison.comparison_context gives the campaign page."""


def _item_of(read: Callable[[], dict[str, Any]], name: str) -> Callable[[], Any]:
    return lambda: read()[name]


@require_safe
@reader_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_page(request, pk)


def _request_page(
    request: HttpRequest,
    pk: int,
    *,
    response_form: ResponseForm | None = None,
    escalation_form: EscalationForm | None = None,
    source_form: SourceForm | None = None,
) -> HttpResponse:
    """The request's facts, its responses and escalations, its timeline and (for journalists and
    editors) the three forms; a form passed in is one that failed and is shown with its errors."""
    data_request = get_object_or_404(
        selectors.data_requests(with_timeline=True, reader=request.user), pk=pk
    )
    today = services.local_today()
    data_request.days_overdue = selectors.days_overdue(data_request, today=today)
    responses = list(data_request.responses.all())
    for response in responses:
        response.categories_labels = [
            CATEGORY_LABELS.get(c, c) for c in response.categories_provided
        ]
    escalations = list(data_request.escalations.all())
    history.attach_corrections(data_request, responses, escalations, request.user)
    context: dict[str, Any] = {
        "data_request": data_request,
        "data_sought": [CATEGORY_LABELS.get(c, c) for c in data_request.data_sought],
        "responses": responses,
        "escalations": escalations,
        "timeline": selectors.with_superseded_flags(
            documents.activity_shown_to(
                selectors.timeline().filter(request=data_request), request.user
            )
        ),
        "cases": case_selectors.cases_of_request(data_request),
        "threats": threat_selectors.threats_of_request(data_request, today, request.user),
        "press_answers": story.press_answers_about(data_request=data_request, reader=request.user),
        **follow_context(request, "request", data_request),
    }
    failed = any(form is not None for form in (response_form, escalation_form, source_form))
    if permissions.can_create(request.user):
        context.update(
            response_form=response_form
            or ResponseForm(data_request=data_request, user=request.user),
            escalation_form=escalation_form
            or EscalationForm(data_request=data_request, user=request.user),
            source_form=source_form or SourceForm(user=request.user),
            reply_address=reply_address("request", data_request.pk),
        )
    return page(request, "tracker/request_detail.html", context, status=400 if failed else 200)


def _back_to(data_request: DataRequest, anchor: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{data_request.get_absolute_url()}#{anchor}")


@dataclass(frozen=True)
class _EntryKind:
    """A kind of entry logged from the request's page: its form, the service that writes it,
    the page's name for the form, and what the journalist is told once it is logged."""

    form_class: type[ResponseForm] | type[EscalationForm]
    write: Callable[..., Any]
    form_name: str
    done: str


_RESPONSE = _EntryKind(ResponseForm, services.log_response, "response_form", "Response logged")
_ESCALATION = _EntryKind(
    EscalationForm, services.file_escalation, "escalation_form", "Escalation filed"
)


def _log_entry(request: HttpRequest, pk: int, kind: _EntryKind) -> HttpResponse:
    """A response or escalation from its form through its service, with the source typed beside
    it: back to the request at the new entry, or the page with the form and its errors."""
    data_request = get_object_or_404(DataRequest.objects.select_related("county"), pk=pk)
    form = kind.form_class(
        request.POST, request.FILES, data_request=data_request, user=request.user
    )
    entry = saved_through_service(
        form,
        lambda: kind.write(
            data_request=data_request, actor=request.user, **form.service_arguments()
        ),
    )
    if entry is None:
        return _request_page(request, pk, **{kind.form_name: form})
    messages.success(request, entry_logged_message(kind.done, entry))
    return _back_to(data_request, f"{type(entry).__name__.lower()}-{entry.pk}")


@creator_required
def log_response(request: HttpRequest, pk: int) -> HttpResponse:
    """Log a county's answer (services.log_response)."""
    return _log_entry(request, pk, _RESPONSE)


@creator_required
def file_escalation(request: HttpRequest, pk: int) -> HttpResponse:
    """Record DOJ's next step (services.file_escalation)."""
    return _log_entry(request, pk, _ESCALATION)


@creator_required
def add_source(request: HttpRequest, pk: int) -> HttpResponse:
    """Cite a source on the request itself (services.add_source)."""
    data_request = get_object_or_404(DataRequest.objects.select_related("county"), pk=pk)
    form = SourceForm(request.POST, request.FILES, user=request.user)
    source = saved_through_service(
        form,
        lambda: services.add_source(
            **form.service_arguments(), cite_on=[data_request], actor=request.user
        ),
    )
    if source is None:
        return _request_page(request, pk, source_form=form)
    messages.success(request, f"Source cited: {source.title}.")
    return _back_to(data_request, "sources")
