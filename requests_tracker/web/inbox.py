"""`/inbox/`: mail read from the newsroom's mailbox, for journalists and editors to review
(docs/mail-in.md). A draft is accepted through the response form, filled in from the message;
unmatched mail is assigned to a request by hand or dismissed. Nothing a message carries is
rendered: its text is shown escaped, its documents are sources (held for editors)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from requests_tracker import permissions
from requests_tracker.choices import InboundState
from requests_tracker.mail import addresses
from requests_tracker.models import DataRequest, InboundMessage
from requests_tracker.selectors import inbox
from requests_tracker.services import mail
from requests_tracker.web.access import allowed_only
from requests_tracker.web.forms import (
    ResponseForm,
    entry_logged_message,
    saved_through_service,
)
from requests_tracker.web.views import page

LISTED = 100
"""Messages listed per state on the inbox page (newest first)."""

QUOTATION_PREFILL_CHARS = 2000
_REQUEST_ADDRESS = re.compile(r"(?:/requests/)?(?P<pk>[0-9]{1,18})/?$")


reviewer_required = allowed_only(permissions.can_create, mail.REVIEWERS_ONLY)
"""Journalists and editors only; anonymous visitors are sent to log in."""


class AssignForm(forms.Form):
    request = forms.CharField(
        max_length=200,
        label="Request",
        help_text="Its number, or its page's address (…/requests/123/).",
    )

    def clean_request(self) -> DataRequest:
        match = _REQUEST_ADDRESS.search(self.cleaned_data["request"].strip())
        found = match and DataRequest.objects.select_related("county").filter(pk=match["pk"])
        if not found:
            raise ValidationError("There is no request with that number.")
        return found.get()


@require_safe
@reviewer_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"counts": inbox.inbox_counts(), "listed": LISTED}
    for state in (InboundState.DRAFT, InboundState.UNMATCHED, InboundState.REFUSED):
        context[f"{state}_messages"] = list(inbox.messages(state)[:LISTED])
    context["mailbox"] = addresses.mailbox_parts() is not None
    return page(request, "tracker/inbox.html", context)


def _message_page(
    request: HttpRequest,
    pk: int,
    *,
    status: int = 200,
    response_form: ResponseForm | None = None,
    assign_form: AssignForm | None = None,
) -> HttpResponse:
    message = _message_or_404(pk)
    if response_form is None and message.state == InboundState.DRAFT:
        response_form = ResponseForm(
            data_request=message.data_request, user=request.user, initial=_prefill(message)
        )
    kept = [source for source in [message.document, *message.attachments.all()] if source]
    return page(
        request,
        "tracker/inbox_message.html",
        {
            "message": message,
            "documents": kept,  # shown as this reader may see them (_source_list.html)
            "response_form": response_form,
            "assign_form": assign_form or AssignForm(),
            "open": message.state in mail.OPEN_STATES,
        },
        status=status,
    )


def _prefill(message: InboundMessage) -> dict[str, Any]:
    received = timezone.localtime(message.sent_at or message.created_at).date()
    return {
        "kind": message.guessed_kind or None,
        "received_on": received,
        "summary": f"E-mail from {message.sender_name or message.sender}: {message.subject}"[:500],
        "quotation": message.text[:QUOTATION_PREFILL_CHARS],
    }


@require_safe
@reviewer_required
def inbox_message(request: HttpRequest, pk: int) -> HttpResponse:
    return _message_page(request, pk)


def _message_or_404(pk: int) -> InboundMessage:
    try:
        return inbox.message(pk)
    except InboundMessage.DoesNotExist as missing:
        raise Http404("No such message.") from missing


@require_POST
@reviewer_required
def accept_message(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message_or_404(pk)
    if message.state != InboundState.DRAFT:
        messages.error(request, f"This message is {message.get_state_display().lower()}.")
        return HttpResponseRedirect(message.get_absolute_url())
    form = ResponseForm(
        request.POST, request.FILES, data_request=message.data_request, user=request.user
    )
    response = saved_through_service(
        form,
        lambda: mail.accept_draft(message=message, actor=request.user, **form.service_arguments()),
    )
    if response is None:
        return _message_page(request, pk, status=400, response_form=form)
    messages.success(request, entry_logged_message("Response logged", response))
    return HttpResponseRedirect(response.get_absolute_url())


@require_POST
@reviewer_required
def assign_message(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message_or_404(pk)
    form = AssignForm(request.POST)
    assigned = saved_through_service(
        form,
        lambda: mail.assign_message(
            message=message, data_request=form.cleaned_data["request"], actor=request.user
        ),
    )
    if assigned is None:
        return _message_page(request, pk, status=400, assign_form=form)
    messages.success(request, f"Assigned to {form.cleaned_data['request']}.")
    return HttpResponseRedirect(message.get_absolute_url())


@require_POST
@reviewer_required
def dismiss_message(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message_or_404(pk)
    try:
        mail.dismiss_message(message=message, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Message dismissed.")
    return HttpResponseRedirect(reverse("web:inbox"))
