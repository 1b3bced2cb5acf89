"""The county map: `/map/<state>/` for the newsroom and `/embed/map/<state>.svg` for stories.

The page draws one state's counties filled by where each stands (selectors.maps), with a legend
that counts them, filters by campaign and by status, a state switcher for every state with
requests, and a table of the same data for screen readers and for copying. It works without
JavaScript: the filters are a GET form, each county is a link.

The embeds (a state, or a state within one campaign) come two ways: a page to put in an
`<iframe>` (`/embed/map/<state>/`: the map fitting its frame's width, an HTML legend readable at
320 px, county links opening in the story's window, and the sites allowed to frame it in its own
frame-ancestors policy, EMBED_FRAME_ANCESTORS), and a self-contained SVG image
(`/embed/map/<state>.svg`, for an `<img>`, where links cannot work). Both follow the badges'
rules (badges.py): on a closed instance (TRACKER_PUBLIC false) an anonymous request gets 404,
signed-in newsroom members get the map with a private cache; on a public instance it is publicly
cacheable for a few minutes, without reading the session. Both answer with an ETag and honour
If-None-Match.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from requests_tracker import permissions, services
from requests_tracker.models import Campaign
from requests_tracker.presentation import county_maps
from requests_tracker.selectors import maps as map_selectors
from requests_tracker.web.county_map import (
    DEFAULT_STATE,
    MapFilterForm,
    county_href,
    map_context,
)
from requests_tracker.web.views import reader_required

EMBED_MAX_AGE = 300


def map_index(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(reverse("web:state_map", args=[DEFAULT_STATE]))


@require_safe
@reader_required
def state_map(request: HttpRequest, state: str) -> HttpResponse:
    if state != state.upper():
        return HttpResponseRedirect(reverse("web:state_map", args=[state.upper()]))
    form = MapFilterForm(request.GET or None)
    campaign, only = form.selected()
    context = map_context(state=state, today=services.local_today(), campaign=campaign, only=only)
    context.update(form=form)
    return render(request, "tracker/map.html", context)


def _embed_allowed(request: HttpRequest) -> bool:
    # On a public instance, skip the user lookup: no session read, so no "Vary: Cookie", and a
    # shared cache can keep one copy for every reader (as the badges do).
    return bool(settings.TRACKER_PUBLIC or permissions.can_read(request.user))


def _svg_response(request: HttpRequest, svg: str) -> HttpResponse:
    body = svg.encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    response = HttpResponse(body, content_type="image/svg+xml; charset=utf-8")
    response["ETag"] = etag
    if settings.TRACKER_PUBLIC:
        patch_cache_control(response, public=True, max_age=EMBED_MAX_AGE)
    else:
        patch_cache_control(response, private=True, max_age=EMBED_MAX_AGE)
    # Opened on its own, the SVG may run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return get_conditional_response(request, etag=etag, response=response)


@dataclass(frozen=True)
class _EmbedMap:
    """What both embeds draw: one state's counties (within a campaign, or each county's latest
    request) as of today, and where a county's link goes."""

    request: HttpRequest
    shape: county_maps.StateShape
    campaign: Campaign | None
    today: dt.date
    rows: list[county_maps.MapRow]
    title: str

    def href_for(self, standing: map_selectors.CountyStanding) -> str | None:
        path = county_href(standing)
        return self.request.build_absolute_uri(path) if path else None


def _embed_map(request: HttpRequest, state: str, campaign_pk: int | None) -> _EmbedMap:
    """The map an embed asks for, or 404: a reader who may not see embeds, an unknown campaign or
    state (or a state not spelled as its code) get the same answer."""
    if not _embed_allowed(request):
        raise Http404("No such map.")
    campaign = None
    if campaign_pk is not None:
        campaign = get_object_or_404(Campaign.objects.only("id", "title"), pk=campaign_pk)
    shape = county_maps.state_shape(state)
    if shape is None or state != shape.code:
        raise Http404("No such map.")
    today = services.local_today()
    standings = map_selectors.county_standings(
        state=shape.code, today=today, campaign_id=campaign.pk if campaign else None
    )
    return _EmbedMap(
        request=request,
        shape=shape,
        campaign=campaign,
        today=today,
        rows=county_maps.map_rows(shape, standings),
        title=f"DOJ data requests to {shape.name} counties",
    )


def _embed(request: HttpRequest, state: str, campaign_pk: int | None) -> HttpResponse:
    """The self-contained SVG image of a state's map."""
    embed = _embed_map(request, state, campaign_pk)
    overdue = county_maps.legend(embed.rows).overdue
    campaign = embed.campaign
    subtitle = (
        f"{campaign.title[:80]} · " if campaign else "Each county's latest request · "
    ) + f"as of {embed.today:%Y-%m-%d} · {overdue} overdue"
    svg = county_maps.render_embed(
        embed.shape,
        embed.rows,
        href_for=embed.href_for,
        title=embed.title,
        subtitle=subtitle,
        credit=f"DOJ Request Tracker · county shapes: {county_maps.shapes_credit()}",
    )
    return _svg_response(request, svg)


def _embed_page(request: HttpRequest, state: str, campaign_pk: int | None) -> HttpResponse:
    """The page of a state's map, to put in an `<iframe>`."""
    embed = _embed_map(request, state, campaign_pk)
    svg = county_maps.render_map(
        embed.shape,
        embed.rows,
        href_for=embed.href_for,
        label=embed.title,
        id_prefix="embed",
        target="_top",
    )
    response = render(
        request,
        "tracker/embed_map.html",
        {
            "title": embed.title,
            "campaign": embed.campaign,
            "today": embed.today,
            "map_svg": mark_safe(svg),  # render_map escapes every text it draws
            "map_shape": embed.shape,
            "map_legend": county_maps.legend(embed.rows),
            "map_credit": county_maps.shapes_credit(),
            "site": request.build_absolute_uri("/"),
        },
    )
    body = response.content
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    response["ETag"] = etag
    patch_cache_control(
        response, public=settings.TRACKER_PUBLIC, private=not settings.TRACKER_PUBLIC,
        max_age=EMBED_MAX_AGE,
    )  # fmt: skip
    response.xframe_options_exempt = True  # framed by stories: their own policy below
    response._csp_replace = {"frame-ancestors": settings.EMBED_FRAME_ANCESTORS}
    return get_conditional_response(request, etag=etag, response=response)


@require_safe
def embed_map_page(request: HttpRequest, state: str, pk: int | None = None) -> HttpResponse:
    """The map page to frame: a state's, or (with `pk`) a state's within one campaign."""
    return _embed_page(request, state, pk)


@require_safe
def embed_map(request: HttpRequest, state: str, pk: int | None = None) -> HttpResponse:
    """The map image: a state's, or (with `pk`) a state's within one campaign."""
    return _embed(request, state, pk)
