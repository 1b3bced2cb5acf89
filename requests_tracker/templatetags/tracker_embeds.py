"""`{% embed_snippet page image title %}` and `{% campaign_map_embed campaign state %}`: how to
put a map in a published story, a ready-to-copy `<iframe>` of the embed page or the SVG image,
with a plain warning where the story's readers could not see it (the tracker is not public).

Written in Python, not as an include: a campaign that reached every state draws one per state
(56), and as includes they cost more than the rest of its figures."""

from __future__ import annotations

import html
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from requests_tracker.presentation.links import absolute_url, path_to

register = template.Library()

CLOSED_WARNING = mark_safe(
    '<p class="field-error" role="note">This tracker is not public (TRACKER_PUBLIC is off): a '
    "story's readers would see nothing here. Only the newsroom, signed in, can open the embed "
    "until an administrator makes the tracker public.</p>"
)


@register.simple_tag(takes_context=True)
def embed_snippet(
    context: template.Context, page: str, image: str, title: str, embed_id: str = ""
) -> SafeString:
    """The snippet for the embed page `page` and the SVG `image` (full addresses). The code to
    copy is HTML shown inside HTML, so its attribute values are escaped twice: once for the
    story's page they will be pasted into, once for this page (a title with a quote or an
    ampersand stays whole)."""
    return format_html(
        '<details class="embed-snippet">\n  <summary>Embed this map in a story</summary>\n  {}'
        '<label for="embed-code-{}">Copy this into the story\'s HTML:</label>\n  '
        '<textarea id="embed-code-{}" class="embed-snippet__code" rows="3" readonly>'
        '&lt;iframe src="{}" title="{}" width="100%" height="720" style="border:0" '
        'loading="lazy"&gt;&lt;/iframe&gt;</textarea>\n  <p class="meta">The map fits the '
        "story's column, and a county opens its page on this site. Or use "
        '<a href="{}">the embed page</a> itself, or <a href="{}">the map as an SVG image</a> '
        "(an <code>&lt;img&gt;</code>, without links).</p>\n</details>",
        "" if context.get("tracker_public") else CLOSED_WARNING,
        embed_id,
        embed_id,
        html.escape(page),
        html.escape(title),
        page,
        image,
    )


@register.simple_tag(takes_context=True)
def campaign_map_embed(context: template.Context, campaign: Any, state: str) -> SafeString:
    """The snippet for the map of `campaign`'s counties in `state`."""
    return embed_snippet(
        context,
        absolute_url(path_to("web:embed_campaign_map_page", campaign.pk, state)),
        absolute_url(path_to("web:embed_campaign_map", campaign.pk, state)),
        f"DOJ data requests to {state} counties: {campaign.title}",
        state,
    )
