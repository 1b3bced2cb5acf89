"""`/badges/<fips>.svg`: a small status badge a story can embed, e.g. "DOJ request | declined".

The badge reports the county's most recently issued request (selectors.badge_request): its
status, or "overdue N days" while the county owes DOJ an answer past the deadline. Every piece
of text is XML-escaped. It is cacheable for a few minutes (publicly on a public instance).

On a closed instance (TRACKER_PUBLIC false) an anonymous request gets 404, the same answer as
for a county that does not exist: an embedded image has no one to log in, and a closed tracker
should not even confirm which counties it follows. Signed-in newsroom members get the badge.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.html import escape
from django.views.decorators.http import require_safe

from requests_tracker import permissions, selectors, services
from requests_tracker.models import County, DataRequest, RequestStatus

BADGE_MAX_AGE = 300
LABEL = "DOJ request"
LABEL_COLOR = "#3b3b3b"
OVERDUE_COLOR = "#b42318"
NO_REQUEST_COLOR = "#5c5c5c"
# Every color holds white 11px text at a contrast of 4.5:1 or more (WCAG AA).
STATUS_COLORS = {
    RequestStatus.AWAITING: "#5c5c5c",
    RequestStatus.ACKNOWLEDGED: "#0b5cad",
    RequestStatus.EXTENDED: "#80560b",
    RequestStatus.PARTIAL: "#8f4a00",
    RequestStatus.COMPLIED: "#17703a",
    RequestStatus.DECLINED: "#9e2a2b",
    RequestStatus.ESCALATED: "#6241a8",
    RequestStatus.CLOSED: "#3b3b3b",
}
# Text is drawn at 11px and squeezed or stretched (textLength) to an estimated 6.5px a character,
# so it fits its box whatever font the reader's browser picks.
CHAR_WIDTH = 6.5
PADDING = 6


def badge_message(data_request: DataRequest | None, *, today: dt.date) -> tuple[str, str]:
    """The badge's right-hand text and its color."""
    if data_request is None:
        return "none on file", NO_REQUEST_COLOR
    days = selectors.days_overdue(data_request, today=today)
    if days:
        return f"overdue {days} day{'s' if days != 1 else ''}", OVERDUE_COLOR
    status = RequestStatus(data_request.status)
    return status.label.lower(), STATUS_COLORS.get(status, NO_REQUEST_COLOR)


def render_badge(label: str, message: str, color: str, *, title: str) -> str:
    """A two-part flat badge as SVG text; all text is escaped here."""
    label_width, message_width = round(len(label) * CHAR_WIDTH), round(len(message) * CHAR_WIDTH)
    left = label_width + 2 * PADDING
    right = message_width + 2 * PADDING
    width = left + right
    label_text, message_text, title_text = escape(label), escape(message), escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" '
        f'role="img" aria-label="{title_text}">'
        f"<title>{title_text}</title>"
        f'<rect width="{left}" height="20" fill="{LABEL_COLOR}"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{escape(color)}"/>'
        f'<g fill="#ffffff" font-family="Verdana,DejaVu Sans,Geneva,sans-serif" font-size="11">'
        f'<text x="{PADDING}" y="14" textLength="{label_width}" lengthAdjust="spacingAndGlyphs">'
        f"{label_text}</text>"
        f'<text x="{left + PADDING}" y="14" textLength="{message_width}" '
        f'lengthAdjust="spacingAndGlyphs">{message_text}</text>'
        f"</g></svg>"
    )


@require_safe
def county_badge(request: HttpRequest, fips: str) -> HttpResponse:
    # On a public instance, skip the user lookup: no session read, so no "Vary: Cookie", and a
    # shared cache can keep one copy for every reader.
    if not (settings.TRACKER_PUBLIC or permissions.can_read(request.user)):
        raise Http404("No such badge.")
    county = get_object_or_404(County, fips=fips)
    message, color = badge_message(selectors.badge_request(county), today=services.local_today())
    svg = render_badge(
        LABEL, message, color, title=f"{county.name}, {county.state}: {LABEL}: {message}"
    )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    if settings.TRACKER_PUBLIC:
        patch_cache_control(response, public=True, max_age=BADGE_MAX_AGE)
    else:
        patch_cache_control(response, private=True, max_age=BADGE_MAX_AGE)
    # Opened on its own, the SVG may run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
