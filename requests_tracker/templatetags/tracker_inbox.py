"""`{% inbox_waiting as waiting %}`: how many messages wait in the inbox, for the menu of a
journalist or editor (one query; nothing for anyone else)."""

from __future__ import annotations

from typing import Any

from django import template

from requests_tracker import permissions
from requests_tracker.selectors import inbox

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_waiting(context: dict[str, Any]) -> int | None:
    """Drafts plus unmatched messages, or None when the reader does not review the inbox."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not permissions.can_create(user):
        return None
    counts = inbox.inbox_counts()
    return counts["drafts"] + counts["unmatched"]
