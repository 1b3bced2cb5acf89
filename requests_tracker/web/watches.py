"""Following from the pages: watch a county, campaign or request; My watches (`/watches/`) with
each watch's digest frequency and the user's private feed addresses.

Any signed-in newsroom role may watch (permissions.can_watch). The feed a page offers is the
plain one on a public instance, and otherwise the reader's private address (its token makes it
readable by a feed reader that cannot sign in).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from requests_tracker import permissions, selectors, services
from requests_tracker.models import Campaign, County, DataRequest, Watch
from requests_tracker.web.access import allowed_only

TARGETS: dict[str, tuple[type, str]] = {
    "county": (County, "county"),
    "campaign": (Campaign, "campaign"),
    "request": (DataRequest, "data_request"),
}
"""What can be watched: the form's `kind` → (model, the watch service's argument)."""

FEED_ROUTES = {
    None: ("web:activity_feed", "web:private_activity_feed"),
    "county": ("web:county_feed", "web:private_county_feed"),
    "campaign": ("web:campaign_feed", "web:private_campaign_feed"),
    "request": ("web:request_feed", "web:private_request_feed"),
}


class WatchForm(forms.Form):
    kind = forms.ChoiceField(choices=[(kind, kind) for kind in TARGETS])
    target = forms.IntegerField(min_value=1)
    frequency = forms.ChoiceField(choices=Watch.Frequency.choices, initial=Watch.Frequency.DAILY)


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(choices=Watch.Frequency.choices, label="Email")


def feed_url(user: Any, kind: str | None = None, obj: Any = None) -> str | None:
    """The Atom feed a page offers `user` (None when they may not read one)."""
    plain, private = FEED_ROUTES[kind]
    args = [] if obj is None else [obj.fips if kind == "county" else obj.pk]
    if settings.TRACKER_PUBLIC:
        return reverse(plain, args=args)
    if permissions.can_watch(user):
        return reverse(private, args=[selectors.private_feed_token(user), *args])
    return None


def follow_context(request: HttpRequest, kind: str, obj: Any) -> dict[str, Any]:
    """What a page needs to offer following `obj`: the user's watch of it, and its feed."""
    field = "request" if kind == "request" else kind
    return {
        "follow": {
            "kind": kind,
            "target": obj,
            "can_watch": permissions.can_watch(request.user),
            "watch": selectors.watch_of(request.user, **{field: obj}),
            "feed_url": feed_url(request.user, kind, obj),
            "frequencies": Watch.Frequency.choices,
            "public": settings.TRACKER_PUBLIC,
        }
    }


watcher_required = allowed_only(permissions.can_watch, "Your account has no newsroom role yet.")
"""Any signed-in newsroom role; anonymous visitors are sent to log in."""


def _own_watch(request: HttpRequest, pk: int) -> Watch:
    """The signed-in user's watch `pk` (404 for anyone else's)."""
    return get_object_or_404(Watch, pk=pk, user=request.user)


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return HttpResponseRedirect(target)


@require_safe
@watcher_required
def my_watches(request: HttpRequest) -> HttpResponse:
    watches = list(selectors.my_watches(request.user))
    for item in watches:
        item.form = FrequencyForm(initial={"frequency": item.frequency}, prefix=f"w{item.pk}")
    token = selectors.private_feed_token(request.user)
    return render(
        request,
        "tracker/my_watches.html",
        {
            "watches": watches,
            "watches_feed": reverse("web:private_watches_feed", args=[token]),
            "everything_feed": reverse("web:private_activity_feed", args=[token]),
            "public": settings.TRACKER_PUBLIC,
        },
    )


@require_POST
@watcher_required
def add_watch(request: HttpRequest) -> HttpResponse:
    form = WatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That could not be watched: " + form.errors.as_text())
        return _back(request, reverse("web:my_watches"))
    model, argument = TARGETS[form.cleaned_data["kind"]]
    target = get_object_or_404(model, pk=form.cleaned_data["target"])
    try:
        services.watch(
            user=request.user,
            frequency=form.cleaned_data["frequency"],
            **{argument: target},
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"You are watching {target}. It is listed on My watches.")
    return _back(request, target.get_absolute_url())


@require_POST
@watcher_required
def change_watch(request: HttpRequest, pk: int) -> HttpResponse:
    item = _own_watch(request, pk)
    form = FrequencyForm(request.POST, prefix=f"w{item.pk}")
    if form.is_valid():
        services.update_watch(watch=item, frequency=form.cleaned_data["frequency"])
        messages.success(request, f"Saved: {item.target}, {item.get_frequency_display().lower()}.")
    else:
        messages.error(request, "Choose hourly, daily or no email.")
    return HttpResponseRedirect(reverse("web:my_watches"))


@require_POST
@watcher_required
def stop_watch(request: HttpRequest, pk: int) -> HttpResponse:
    item = _own_watch(request, pk)
    target = item.target
    services.unwatch(watch=item)
    messages.success(request, f"You no longer watch {target}.")
    return _back(request, reverse("web:my_watches"))


@require_POST
@watcher_required
def new_feed_token(request: HttpRequest) -> HttpResponse:
    services.rotate_feed_token(user=request.user)
    messages.success(request, "New private feed addresses made; the old ones no longer work.")
    return HttpResponseRedirect(reverse("web:my_watches"))
