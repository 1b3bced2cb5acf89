"""Court cases (kept by editors here), their docket entries and CourtListener's deliveries (both
written by the app: read here). Saving a case goes through services/courts.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from requests_tracker.admin.base import LogAdmin, TrackerAdmin, adopt, service_arguments
from requests_tracker.courts import courtlistener
from requests_tracker.models import Case, CaseParty, CourtListenerDelivery, DocketEntry
from requests_tracker.services import courts, jurisdictions

CASE_FORM_FIELDS = [*courts.CASE_FIELDS, *courts.CASE_LINKS]


class DocketField(forms.CharField):
    """A CourtListener docket, typed as its id or pasted as its address."""

    def to_python(self, value: Any) -> int | None:
        text = super().to_python(value).strip()
        if not text:
            return None
        try:
            return courtlistener.docket_id_from(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    def prepare_value(self, value: Any) -> Any:
        return "" if value is None else value


class CaseForm(forms.ModelForm):
    courtlistener_docket_id = DocketField(
        label="CourtListener docket",
        required=False,
        max_length=300,
        help_text="Its id or its address on CourtListener (e.g. "
        "https://www.courtlistener.com/docket/12345678/…): new entries then arrive on their own.",
    )

    class Meta:
        model = Case
        fields = CASE_FORM_FIELDS


class CasePartyInline(admin.TabularInline):
    """The parties (jurisdictions and their roles); saved whole by services.jurisdictions."""

    model = CaseParty
    fields = ["jurisdiction", "role"]
    autocomplete_fields = ["jurisdiction"]
    extra = 1


class DocketEntryInline(admin.TabularInline):
    model = DocketEntry
    fields = ["entry_number", "filed_on", "description", "needs_review", "source"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(TrackerAdmin):
    form = CaseForm
    list_display = ["title", "kind", "docket_number", "court", "filed_on", "status"]
    list_filter = ["kind", "status", "counties__state"]
    search_fields = ["title", "docket_number", "court", "parties"]
    date_hierarchy = "filed_on"
    autocomplete_fields = ["counties", "requests", "escalations", "sources"]
    readonly_fields = ["synced_at"]
    inlines = [CasePartyInline, DocketEntryInline]

    def save_model(
        self, request: HttpRequest, obj: Case, form: forms.ModelForm, change: bool
    ) -> None:
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            adopt(obj, courts.update_case(case=obj, actor=request.user, **changes))
            return
        arguments = service_arguments(form, CASE_FORM_FIELDS)
        adopt(obj, courts.open_case(**arguments, actor=request.user))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The service has set the case's links; the parties are saved whole by their service;
        docket entries are not edited here."""
        for formset in formsets:
            # What the admin's change message reads of a saved formset: nothing saved by it.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            if formset.model is not CaseParty:
                continue
            rows = [row.cleaned_data for row in formset.forms if row.cleaned_data]
            parties = [
                (row["jurisdiction"], row["role"])
                for row in rows
                if not row.get("DELETE") and row.get("jurisdiction")
            ]
            jurisdictions.set_parties(case=form.instance, parties=parties)


@admin.register(DocketEntry)
class DocketEntryAdmin(LogAdmin):
    list_display = ["case", "entry_number", "filed_on", "description", "needs_review"]
    list_filter = ["needs_review"]
    list_select_related = ["case"]
    search_fields = ["description", "case__title", "case__docket_number"]


@admin.register(CourtListenerDelivery)
class CourtListenerDeliveryAdmin(LogAdmin):
    list_display = ["received_at", "docket_id", "processed_at", "note"]
    search_fields = ["idempotency_key", "note"]
