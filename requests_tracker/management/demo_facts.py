"""How the demo's facts (load_demo, demo_story) are written: each is a frozen dataclass whose
fields are named as the arguments of the service that records it, so a fact is handed to its
service whole rather than field by field."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from requests_tracker import services
from requests_tracker.models import Source


def service_arguments(fact: Any, *, besides: tuple[str, ...] = ()) -> dict[str, Any]:
    """A fact's fields as its service's keyword arguments, but for those `besides` (what the
    service is given in another form, or not at all)."""
    return {
        field.name: getattr(fact, field.name) for field in fields(fact) if field.name not in besides
    }


@dataclass(frozen=True)
class SourceFact:
    """A public report the demo cites, under the `key` the other facts cite it by."""

    key: str
    title: str
    url: str
    publisher: str
    published_on: dt.date | None
    kind: str

    def add(self) -> Source:
        """The source on file with this fact's address, added on first mention."""
        return services.add_source(**service_arguments(self, besides=("key",)))
