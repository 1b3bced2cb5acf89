"""Holding records back from the pages: hold, lift, and the private preview link.

- `POST /embargo/<kind>/<pk>/` holds a request, response, escalation, threat, source or figure
  (services.set_embargo: until a time, or until lifted; a reason);
- `POST /embargo/<kind>/<pk>/lift/` lifts it now (services.lift_embargo), the editor's button;
- `POST /embargo/<kind>/<pk>/preview/` makes a private preview link: signed, expiring after
  settings.EMBARGO_PREVIEW_HOURS, for showing a held record to a colleague outside the newsroom;
- `GET /preview/<token>/` shows the record read-only to whoever holds the link, as a reader
  would see it once published (no internal note, no sensitive or held sources, nobody's name),
  marked as held, never cached, never indexed. Once the record is published the link leads to
  its page; once expired or tampered with it answers 404.

Who may hold or lift: whoever may edit the record (permissions.can_embargo); who may make a
preview link: journalists and editors (those who see held records).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from requests_tracker import permissions, services
from requests_tracker.models import (
    DataRequest,
    Escalation,
    ReportedFigure,
    Response,
    Source,
    Threat,
)
from requests_tracker.presentation.links import absolute_url
from requests_tracker.selectors import documents
from requests_tracker.web.forms import EmbargoFields

KINDS: dict[str, type[Model]] = {
    "request": DataRequest,
    "response": Response,
    "escalation": Escalation,
    "threat": Threat,
    "source": Source,
    "figure": ReportedFigure,
}
"""The records that can be held, by the `kind` their addresses give."""

PREVIEW_SALT = "requests_tracker.embargo-preview"


def preview_token(kind: str, pk: int) -> str:
    """A signed token naming one record; preview_record checks it and its age."""
    return signing.TimestampSigner(salt=PREVIEW_SALT).sign_object({"kind": kind, "pk": pk})


def preview_record(token: str) -> tuple[str, Model] | None:
    """The (kind, record) a preview token names, while it is younger than
    EMBARGO_PREVIEW_HOURS; None when it is expired, altered, or the record is gone."""
    max_age = settings.EMBARGO_PREVIEW_HOURS * 3600
    try:
        named = signing.TimestampSigner(salt=PREVIEW_SALT).unsign_object(token, max_age=max_age)
    except signing.BadSignature:
        return None
    kind, pk = named.get("kind"), named.get("pk")
    if kind not in KINDS or not isinstance(pk, int):
        return None
    record = KINDS[kind].objects.filter(pk=pk).first()
    return (kind, record) if record is not None else None


def _record(request: HttpRequest, kind: str, pk: int) -> Model:
    """The record, if the user may meet it (journalists and editors: held ones too)."""
    if kind not in KINDS or not permissions.can_see_embargoed(request.user):
        raise Http404
    return get_object_or_404(KINDS[kind], pk=pk)


def _back(record: Model) -> HttpResponseRedirect:
    return HttpResponseRedirect(record.get_absolute_url())


@require_POST
def hold(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = _record(request, kind, pk)
    form = EmbargoFields(request.POST)
    if form.is_valid():
        terms = form.embargo_terms() or services.EmbargoTerms(None, "")
        try:
            services.set_embargo(
                record=record, until=terms.until, reason=terms.reason, actor=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Held back: only journalists and editors see it now.")
    else:
        messages.error(request, "Give the embargo's time as a date and time.")
    return _back(record)


@require_POST
def lift(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = _record(request, kind, pk)
    services.lift_embargo(record=record, actor=request.user)
    messages.success(request, "Embargo lifted: published now.")
    return _back(record)


@require_POST
def make_preview_link(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = _record(request, kind, pk)
    link = absolute_url(reverse("web:embargo_preview", args=[preview_token(kind, record.pk)]))
    messages.info(
        request,
        f"Private preview link (works for {settings.EMBARGO_PREVIEW_HOURS} hours, for anyone "
        f"who has it): {link}",
    )
    return _back(record)


@require_safe
def preview(request: HttpRequest, token: str) -> HttpResponse:
    found = preview_record(token)
    if found is None:
        raise Http404("This preview link has expired or is not valid.")
    kind, record = found
    if not getattr(record, "embargoed", False):
        return HttpResponseRedirect(record.get_absolute_url())
    outsider = AnonymousUser()
    context: dict[str, Any] = {
        "kind": kind,
        "record": record,
        "sources": documents.sources_shown_to(_cited(record), outsider),
    }
    if isinstance(record, DataRequest):
        context["responses"] = record.responses.filter(embargoed=False)
        context["escalations"] = record.escalations.filter(embargoed=False)
    response = render(request, "tracker/embargo_preview.html", context)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _cited(record: Model) -> list[Source]:
    if isinstance(record, Source):
        return []
    if isinstance(record, ReportedFigure):
        return [record.source]
    return list(record.sources.all())
