"""Threats as the pages show them: those of a campaign, or those a request's county received
(its campaign's letter and its own), each with its day count."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from requests_tracker.models import Campaign, DataRequest, Threat
from requests_tracker.selectors.visibility import shown_to


def _shown(threats, today: dt.date) -> list[Threat]:  # noqa: ANN001
    rows = list(threats.select_related("carried_out_by").prefetch_related("sources"))
    for threat in rows:
        threat.days_pending = threat.days_not_carried_out(today)
    return rows


def threats_of_campaign(campaign: Campaign, today: dt.date, reader: Any) -> list[Threat]:
    """Threats made in the campaign's letter and to any one of its requests."""
    scope = Q(campaign=campaign) | Q(request__campaign=campaign)
    return _shown(shown_to(Threat.objects.filter(scope), reader), today)


def threats_of_request(data_request: DataRequest, today: dt.date, reader: Any) -> list[Threat]:
    scope = Q(request=data_request)
    if data_request.campaign_id:
        scope |= Q(campaign_id=data_request.campaign_id)
    return _shown(shown_to(Threat.objects.filter(scope), reader), today)
