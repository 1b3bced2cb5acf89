"""What a county map shows on a page: the SVG, its legend, its table, the filters and the switcher.

Shared by the dashboard (California) and `/map/<state>/` (web/county_maps.py); reads through
selectors.maps, draws through county_maps.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import Http404
from django.urls import reverse
from django.utils.safestring import mark_safe

from requests_tracker import page_cache
from requests_tracker.models import Campaign
from requests_tracker.presentation import county_maps
from requests_tracker.presentation.links import absolute_url, path_to
from requests_tracker.selectors import maps as map_selectors
from requests_tracker.web.forms import PlainSelect

DEFAULT_STATE = "CA"


class MapFilterForm(forms.Form):
    """The map's filters; a value that cannot be read is reported and ignored."""

    # Options written in Python (PlainSelect): a national tracker's campaigns grow into the
    # hundreds, and Django's select template costs an include per option.
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.none(),
        required=False,
        empty_label="Every campaign",
        widget=PlainSelect,
    )
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Every status"), *map_selectors.MAP_CATEGORIES],
        widget=PlainSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.order_by("-issued_on", "title").only(
            "id", "title", "issued_on"
        )

    def selected(self) -> tuple[Campaign | None, str | None]:
        """The campaign and map category asked for; each one that cannot be read is dropped."""
        if not self.is_bound:
            return None, None
        self.is_valid()
        return self.cleaned_data.get("campaign"), self.cleaned_data.get("status") or None


def county_href(standing: map_selectors.CountyStanding) -> str | None:
    if standing.county_id is None:
        return None
    return path_to("web:county_detail", standing.fips)


def map_context(
    *,
    state: str,
    today: dt.date,
    campaign: Campaign | None = None,
    only: str | None = None,
) -> dict[str, Any]:
    """What the map include (tracker/_county_map.html) shows for one state: the SVG, the legend,
    the table rows (narrowed by `only`, a map category), the states to switch to, the embed
    address. Four queries whatever the number of counties and requests, or none while the data
    have not changed (page_cache: the same for every reader)."""
    return page_cache.cached(
        "county-map",
        state,
        today,
        campaign.pk if campaign else None,
        only,
        compute=lambda: _map_context(state=state, today=today, campaign=campaign, only=only),
    )


def _map_context(
    *, state: str, today: dt.date, campaign: Campaign | None, only: str | None
) -> dict[str, Any]:
    shape = county_maps.state_shape(state)
    if shape is None:
        raise Http404(f"No county shapes for {state!r}.")
    standings = map_selectors.county_standings(
        state=shape.code, today=today, campaign_id=campaign.pk if campaign else None
    )
    rows = county_maps.map_rows(shape, standings)
    mapped = county_maps.mapped_states()
    switch_to = sorted(set(map_selectors.states_with_requests()) & set(mapped) | {DEFAULT_STATE})
    label = f"Map of {shape.name}'s counties by the status of their DOJ data request"
    if campaign is not None:
        label += f" in “{campaign.title}”"
        embed_url = reverse("web:embed_campaign_map", args=[campaign.pk, shape.code])
        embed_page = reverse("web:embed_campaign_map_page", args=[campaign.pk, shape.code])
    else:
        embed_url = reverse("web:embed_map", args=[shape.code])
        embed_page = reverse("web:embed_map_page", args=[shape.code])
    return {
        "map_shape": shape,
        "map_svg": mark_safe(  # render_map escapes every text it draws
            county_maps.render_map(shape, rows, href_for=county_href, label=label, only=only)
        ),
        "map_label": label,
        "map_legend": county_maps.legend(rows),
        "map_rows": county_maps.filtered(rows, only),
        "map_only": only,
        "map_only_label": map_selectors.CATEGORY_LABELS.get(only, "") if only else "",
        "map_campaign": campaign,
        "map_states": [(code, mapped[code]) for code in switch_to],
        "map_embed_url": absolute_url(embed_url),
        "map_embed_page": absolute_url(embed_page),
        "embed_id": f"{shape.code}-{campaign.pk if campaign else 'all'}",
        "map_credit": county_maps.shapes_credit(),
    }
