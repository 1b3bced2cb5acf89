"""Atom feeds of the event log, for feed readers: everything, one county, one campaign, one
request, and "what I watch".

Who may read a feed is who may read the pages (permissions.can_read). A feed reader cannot sign
in, so on a closed instance each signed-in user has private addresses under
`/feeds/private/<token>/...` (the token is theirs, shown and revocable on My watches): the feed
is then read as that user. A wrong or revoked token answers 404. An anonymous reader of a closed
instance's plain feed gets a short 403, not a login page. Entries carry the event, the day it
happened and its summary; never an internal note or who logged it, and, to anonymous readers,
no event about a sensitive source (selectors.documents.activity_shown_to).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from requests_tracker import permissions, selectors
from requests_tracker.models import Activity, Campaign, County, DataRequest
from requests_tracker.selectors import documents, visibility

FEED_ENTRIES = 50


def feed_reader(request: HttpRequest, token: str | None) -> Any:
    """Who reads: the token's owner for a private address (404 if no such token), else the
    signed-in user or an anonymous visitor."""
    if token is None:
        return request.user
    owner = selectors.private_feed_reader(token)
    if owner is None:
        raise Http404("No such feed.")
    return owner


class TrackerFeed(Feed):
    """The newest FEED_ENTRIES events of a scope (by when they were recorded, so a feed reader
    misses none), each titled with the day it happened."""

    feed_type = Atom1Feed
    # Atom wants an author for the feed; it is the tracker, never the person who logged an entry.
    author_name = "DOJ Request Tracker"
    scope_label = "activity"

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = kwargs.pop("token", None)
        reader = feed_reader(request, token)
        if not permissions.can_read(reader):
            if token is not None:
                raise Http404("No such feed.")
            return HttpResponseForbidden(
                "This tracker is not public. Signed-in users find their private feed "
                "addresses on My watches.",
                content_type="text/plain; charset=utf-8",
            )
        self.reader = reader
        return super().__call__(request, *args, **kwargs)

    def title(self, obj: Any) -> str:
        return f"DOJ Request Tracker: {self.describe(obj)}"

    def subtitle(self, obj: Any) -> str:
        return (
            f"U.S. Department of Justice data requests to counties: {self.describe(obj)}. "
            "Responses, escalations, deadlines and sources as they are logged."
        )

    def describe(self, obj: Any) -> str:
        return "activity"

    def link(self, obj: Any) -> str:
        return obj.get_absolute_url() if obj is not None else reverse("web:dashboard")

    def events(self, obj: Any) -> QuerySet[Activity]:
        return selectors.recent_activity()

    def items(self, obj: Any) -> list[Activity]:
        return list(documents.activity_shown_to(self.events(obj), self.reader)[:FEED_ENTRIES])

    def item_title(self, item: Activity) -> str:
        return f"{item.occurred_on:%Y-%m-%d}: {item.summary}"

    def item_description(self, item: Activity) -> str:
        return (
            f"{item.get_verb_display()} on {item.occurred_on:%Y-%m-%d} "
            f"(recorded {item.created_at:%Y-%m-%d %H:%M} UTC): {item.summary}"
        )

    def item_link(self, item: Activity) -> str:
        # The fragment makes each entry's link (and so its Atom id) unique per event.
        return f"{item.get_absolute_url()}#activity-{item.pk}"

    def item_pubdate(self, item: Activity) -> Any:
        return item.created_at

    def item_updateddate(self, item: Activity) -> Any:
        return item.created_at

    def item_categories(self, item: Activity) -> list[str]:
        return [item.verb]


class ActivityFeed(TrackerFeed):
    def get_object(self, request: HttpRequest, **kwargs: Any) -> None:
        return None


class CountyFeed(TrackerFeed):
    def get_object(self, request: HttpRequest, fips: str, **kwargs: Any) -> County:
        return get_object_or_404(County, fips=fips)

    def describe(self, obj: County) -> str:
        return str(obj)

    def events(self, obj: County) -> QuerySet[Activity]:
        return selectors.recent_activity().filter(county=obj)


class CampaignFeed(TrackerFeed):
    def get_object(self, request: HttpRequest, pk: int, **kwargs: Any) -> Campaign:
        return get_object_or_404(Campaign, pk=pk)

    def describe(self, obj: Campaign) -> str:
        return obj.title

    def events(self, obj: Campaign) -> QuerySet[Activity]:
        return selectors.recent_activity().filter(campaign=obj)


class RequestFeed(TrackerFeed):
    def get_object(self, request: HttpRequest, pk: int, **kwargs: Any) -> DataRequest:
        # A request under embargo has no feed for readers who may not meet it (404).
        requests = visibility.shown_to(DataRequest.objects.select_related("county"), self.reader)
        return get_object_or_404(requests, pk=pk)

    def describe(self, obj: DataRequest) -> str:
        return f"the request to {obj}"

    def events(self, obj: DataRequest) -> QuerySet[Activity]:
        return selectors.recent_activity().filter(request=obj)


class WatchesFeed(TrackerFeed):
    """What the token's owner watches: only at a private address."""

    def get_object(self, request: HttpRequest, **kwargs: Any) -> None:
        return None

    def describe(self, obj: None) -> str:
        return f"what {self.reader.get_username()} watches"

    def link(self, obj: None) -> str:
        return reverse("web:my_watches")

    def events(self, obj: None) -> QuerySet[Activity]:
        if isinstance(self.reader, AnonymousUser):
            return Activity.objects.none()
        return selectors.watched_activity(self.reader)
