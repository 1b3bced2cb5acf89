"""Mail in (docs/mail-in.md): the messages read from the mailbox (written by the app: read here;
the newsroom reviews them at /inbox/) and the addresses each county writes from (kept by editors
here, through services/mail.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from requests_tracker.admin.base import LogAdmin, adopt
from requests_tracker.models import InboundMessage, MailSender
from requests_tracker.services import mail


@admin.register(InboundMessage)
class InboundMessageAdmin(LogAdmin):
    list_display = ["created_at", "sender", "subject", "state", "data_request", "guessed_kind"]
    list_filter = ["state", "matched_by"]
    list_select_related = ["data_request__county"]
    search_fields = ["sender", "subject", "message_id"]
    exclude = ["attachments"]
    raw_id_fields = ["data_request", "campaign", "document", "response"]


@admin.register(MailSender)
class MailSenderAdmin(admin.ModelAdmin):
    list_display = ["address", "county"]
    list_select_related = ["county"]
    search_fields = ["address", "county__name"]
    autocomplete_fields = ["county"]

    def save_model(
        self, request: HttpRequest, obj: MailSender, form: forms.ModelForm, change: bool
    ) -> None:
        data = form.cleaned_data
        if change:
            saved = mail.change_mail_sender(
                sender=obj, county=data["county"], address=data["address"], actor=request.user
            )
        else:
            saved = mail.add_mail_sender(
                county=data["county"], address=data["address"], actor=request.user
            )
        adopt(obj, saved)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        mail.remove_mail_senders(senders=[obj], actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        mail.remove_mail_senders(senders=list(queryset), actor=request.user)
