"""`/feeds/activity.atom`: the event log as an Atom feed, newest first, for feed readers.

Who may read it is who may read the pages (permissions.can_read). A closed instance answers an
anonymous reader 403 rather than a redirect to the login page: a feed reader cannot log in, and
the feed's address is no secret. Entries carry the event and its summary, never an internal note
or the name of whoever logged it, since the feed may be read anonymously on a public instance.
"""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from requests_tracker import permissions, selectors
from requests_tracker.models import Activity

FEED_ENTRIES = 50


class ActivityFeed(Feed):
    feed_type = Atom1Feed
    title = "DOJ Request Tracker: activity"
    subtitle = (
        "U.S. Department of Justice data requests to counties: responses, escalations, "
        "deadlines and sources as they are logged."
    )
    # Atom wants an author for the feed; it is the tracker, never the person who logged an entry.
    author_name = "DOJ Request Tracker"

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.can_read(request.user):
            raise PermissionDenied("This tracker is not public.")
        return super().__call__(request, *args, **kwargs)

    def link(self) -> str:
        return reverse("web:dashboard")

    def feed_url(self) -> str:
        return reverse("web:activity_feed")

    def items(self) -> list[Activity]:
        return list(selectors.recent_activity()[:FEED_ENTRIES])

    def item_title(self, item: Activity) -> str:
        return item.summary

    def item_description(self, item: Activity) -> str:
        return f"{item.get_verb_display()}: {item.summary}"

    def item_link(self, item: Activity) -> str:
        # The fragment makes each entry's link (and so its Atom id) unique per event.
        return f"{item.get_absolute_url()}#activity-{item.pk}"

    def item_pubdate(self, item: Activity) -> Any:
        return item.created_at

    def item_updateddate(self, item: Activity) -> Any:
        return item.created_at

    def item_categories(self, item: Activity) -> list[str]:
        return [item.verb]
