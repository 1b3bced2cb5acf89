"""`/search/?q=`: the header's search box lands here (selectors/search.py finds and orders).

Without `in`, the page shows every group (requests, responses, escalations, sources, counties):
its count and its best few matches, and a link to all of them: requests and counties on their
own lists (`/requests/?q=`, `/counties/?q=`, which search the same way and can be filtered and
sorted; `in=requests` and `in=counties` go there too), the other groups here with
`in=<group>`, twenty to a page. An empty query asks for words; a query that is too long or
holds a NUL character is refused with a message (400); an unknown group is reported and the
whole page shown.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from requests_tracker import permissions
from requests_tracker.security import throttling
from requests_tracker.selectors import search
from requests_tracker.web.views import reader_required

GROUP_PAGE_ROWS = 20
MAX_PAGE = 100_000
LIST_PAGES = {"requests": "web:request_list", "counties": "web:county_list"}
"""Groups whose "see all" link opens their own list page, searched with the same `q`."""


class SearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=search.MAX_QUERY_LENGTH,
        label="Search",
        error_messages={
            "max_length": "Keep a search to %(limit_value)d characters or fewer "
            "(this one has %(show_value)d)."
        },
    )


def more_url(key: str, query: str) -> str:
    """Where a group's "see all" link goes."""
    if key in LIST_PAGES:
        return f"{reverse(LIST_PAGES[key])}?{urlencode({'q': query})}"
    return f"{reverse('web:search')}?{urlencode({'q': query, 'in': key})}"


TOO_MANY_SEARCHES = "Too many searches in a short time: wait a minute and search again."


@require_safe
@reader_required
def search_page(request: HttpRequest) -> HttpResponse:
    wait = throttling.refused_for(request)
    if wait is not None:
        response = render(
            request,
            "tracker/search.html",
            {"form": SearchForm(), "notice": TOO_MANY_SEARCHES, "groups": []},
            status=429,
        )
        response["Retry-After"] = str(max(int(wait), 1))
        return response
    form = SearchForm(request.GET or None)
    context: dict[str, Any] = {
        "form": form,
        "query": "",
        "groups": [],
        "group": None,
        "notice": "",
        "can_see_internal": permissions.can_see_internal(request.user),
    }
    if form.is_bound and not form.is_valid():
        context["notice"] = " ".join(form.errors["q"])
        return render(request, "tracker/search.html", context, status=400)
    query = search.clean_query(form.cleaned_data["q"] if form.is_bound else "")
    context["query"] = query
    if not query:
        context["notice"] = (
            "Type what you are looking for: a county, an official, words from a statement, "
            "a case number."
        )
        return render(request, "tracker/search.html", context)
    key = request.GET.get("in")
    if key in LIST_PAGES:
        return HttpResponseRedirect(more_url(key, query))
    if key in search.GROUPS:
        number = _page_number(request.GET.get("page"))
        group = search.search_group(
            key,
            query,
            request.user,
            offset=(number - 1) * GROUP_PAGE_ROWS,
            limit=GROUP_PAGE_ROWS,
        )
        context.update(
            group=group,
            # Paging over the total only: the rows were read above, one page of them.
            page=Paginator(range(group.total), GROUP_PAGE_ROWS).get_page(number),
            every_group_url=f"{reverse('web:search')}?{urlencode({'q': query})}",
        )
        return render(request, "tracker/search.html", context)
    if key:
        context["notice"] = f"There is no group “{key}” to search in; here is every group."
    context["groups"] = [
        (group, more_url(group.key, query)) for group in search.search(query, request.user)
    ]
    return render(request, "tracker/search.html", context)


def _page_number(raw: str | None) -> int:
    """The page asked for, from 1; anything unreadable is the first page."""
    try:
        return min(max(int(raw or 1), 1), MAX_PAGE)
    except ValueError:
        return 1
