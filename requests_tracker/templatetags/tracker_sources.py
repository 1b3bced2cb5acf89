"""`{% shown_sources sources as shown %}`: the sources cited on a record as the page's reader is
shown them (selectors.documents.sources_shown_to), so every source list on every page applies
the sensitive-source rule in one place: templates/tracker/_source_list.html."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from requests_tracker.models import Source
from requests_tracker.selectors import documents

register = template.Library()


@register.simple_tag(takes_context=True)
def shown_sources(
    context: template.Context, sources: Iterable[Source] | None
) -> list[Source | documents.WithheldSource]:
    request = context.get("request")
    return documents.sources_shown_to(sources or [], getattr(request, "user", None))
