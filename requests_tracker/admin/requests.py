"""Requests with their responses, escalations and sources on one page, and the response and
escalation pages of their own. Every write goes through the services, so status, the overdue
flag and the timeline follow as they do from the API and the journalists' pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from requests_tracker import permissions, services
from requests_tracker.admin.base import (
    CORRECTION_NOTE,
    CorrectionNoteAdmin,
    TrackerAdmin,
    VisibleSourceChoices,
    adopt,
    attach_errors,
    categories_field,
    correction_note_field,
    service_arguments,
)
from requests_tracker.models import DataRequest, DueBasis, Escalation, Response
from requests_tracker.selectors import documents

ENTRY_FIELDS = {Response: services.RESPONSE_FIELDS, Escalation: services.ESCALATION_FIELDS}
"""What a journalist writes on a response or an escalation (the services' lists)."""


def save_entry(form: forms.ModelForm, *, data_request: DataRequest, actor: Any) -> Any:
    """Log, file or update the form's response or escalation through its service."""
    entry = form.instance
    fields = ENTRY_FIELDS[type(entry)]
    if entry.pk:
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in fields}
        # The inline forms on the request page carry no note; the entry's own page does.
        changes[CORRECTION_NOTE] = form.cleaned_data.get(CORRECTION_NOTE, "")
        if isinstance(entry, Response):
            return services.update_response(response=entry, actor=actor, **changes)
        return services.update_escalation(escalation=entry, actor=actor, **changes)
    arguments = service_arguments(form, fields)
    if isinstance(entry, Response):
        arguments["categories_provided"] = arguments.get("categories_provided") or []
        return services.log_response(data_request=data_request, actor=actor, **arguments)
    return services.file_escalation(data_request=data_request, actor=actor, **arguments)


def delete_entry(entry: Response | Escalation, *, actor: Any) -> None:
    if isinstance(entry, Response):
        services.delete_response(response=entry, actor=actor)
    else:
        services.delete_escalation(escalation=entry, actor=actor)


class EntryForm(forms.ModelForm):
    """A response or escalation form that also applies its service's rules, so a mistake shows
    beside its field instead of failing at save time."""

    def _post_clean(self) -> None:
        # After the instance holds the form's values (ModelForm's own _post_clean).
        super()._post_clean()
        data_request = getattr(self.instance, "request", None)
        if data_request is None or not data_request.pk or self.errors or not self.has_changed():
            return
        try:
            if isinstance(self.instance, Response):
                services.validate_response_for(data_request=data_request, response=self.instance)
            else:
                services.validate_escalation_for(
                    data_request=data_request, escalation=self.instance
                )
        except ValidationError as error:
            attach_errors(self, error)


class ResponseInlineForm(EntryForm):
    categories_provided = categories_field("Categories provided", required=False)

    class Meta:
        model = Response
        fields = services.RESPONSE_FIELDS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "quotation": forms.Textarea(attrs={"rows": 2}),
        }


class EscalationInlineForm(EntryForm):
    class Meta:
        model = Escalation
        fields = services.ESCALATION_FIELDS
        widgets = {"summary": forms.Textarea(attrs={"rows": 2})}


class ResponseInline(admin.StackedInline):
    model = Response
    form = ResponseInlineForm
    extra = 0
    autocomplete_fields = ["responding_agency"]
    readonly_fields = ["logged_by"]
    show_change_link = True


class EscalationInline(admin.StackedInline):
    model = Escalation
    form = EscalationInlineForm
    fk_name = "request"
    extra = 0
    readonly_fields = ["overdue_since", "logged_by"]
    show_change_link = True


def cited_source_label(citation: Any) -> str:
    return str(citation.source)


# Each row of the sources inline is a citation (the auto-created link table), which would read
# "DataRequest_sources object (1)"; it is labelled with the source's title instead.
DataRequest.sources.through.__str__ = cited_source_label


class LabelledDeleteFormSet(forms.BaseInlineFormSet):
    """A table row's "Delete?" box is named for screen readers (the column heading is not its
    label), naming the row it deletes."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            row = form.instance if form.instance.pk else None
            form.fields["DELETE"].widget.attrs["aria-label"] = (
                f"Delete {row}" if row is not None else "Delete this row"
            )


class RequestSourceInline(VisibleSourceChoices, admin.TabularInline):
    model = DataRequest.sources.through
    formset = LabelledDeleteFormSet
    extra = 0
    autocomplete_fields = ["source"]
    verbose_name = "source"
    verbose_name_plural = "sources"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # A citation of a sensitive source is not listed (nor changed) for anyone but editors.
        citations = super().get_queryset(request).select_related("source")
        return citations.filter(source__in=documents.visible_sources(request.user))


def short_label(record: Any) -> str:
    """A record's name cut to its column on screen (static/tracker/admin.css) and whole on
    hover, so a long campaign title does not widen the request list past a 1280 px window."""
    if record is None:
        return ""
    return format_html('<span class="short-label" title="{0}">{0}</span>', str(record))


class LetterForm(forms.ModelForm):
    """What a DOJ letter states, for one request or a campaign. Its deadline is a stated date
    with the letter's words, or a number of days the date is computed from: resolved here by
    the service's own rules (services.resolve_deadline), so its errors show beside the fields."""

    data_sought = categories_field("Data sought")
    due_days = forms.IntegerField(
        required=False,
        min_value=0,
        help_text="For calendar or business days: the number of days the letter allows.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Computed deadlines fill these in; the service requires them for a stated one.
        for name in ("due_on", "due_rule"):
            if name in self.fields:
                self.fields[name].required = False

    def holiday_state(self, cleaned: dict[str, Any]) -> str | None:
        """Whose holidays business days skip besides the federal ones (None: federal only)."""
        return None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors or "due_basis" not in self.fields:
            return cleaned
        computed = cleaned["due_basis"] != DueBasis.STATED
        if computed and cleaned.get("due_days") is None and self.instance.pk:
            return cleaned  # an edit without a number of days keeps the date as it is
        try:
            deadline = services.resolve_deadline(
                issued_on=cleaned["issued_on"],
                due_basis=cleaned["due_basis"],
                due_on=None if computed else cleaned.get("due_on"),
                due_days=cleaned.get("due_days") if computed else None,
                due_rule="" if computed else cleaned.get("due_rule") or "",
                state=self.holiday_state(cleaned),
            )
        except ValidationError as error:
            attach_errors(self, error)
            return cleaned
        cleaned["due_on"] = self.instance.due_on = deadline.due_on
        cleaned["due_rule"] = self.instance.due_rule = deadline.rule
        return cleaned

    def letter_arguments(self, names: Iterable[str]) -> dict[str, Any]:
        """The values for issue_request / issue_campaign: a computed deadline goes as its
        number of days, which the service turns into the date and its rule again."""
        arguments = service_arguments(self, names)
        if arguments["due_basis"] != DueBasis.STATED:
            arguments.update(due_on=None, due_rule="")
        return arguments


class DataRequestForm(LetterForm):
    correction_note = correction_note_field()

    class Meta:
        model = DataRequest
        # Sources are cited in the inline below, one Activity each (services.cite_source).
        fields = [name for name in services.REQUEST_FIELDS if name != "sources"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "internal_note": forms.Textarea(attrs={"rows": 2}),
        }

    def holiday_state(self, cleaned: dict[str, Any]) -> str | None:
        county = cleaned.get("county") or (self.instance.county if self.instance.pk else None)
        return county.state if county else None


@admin.register(DataRequest)
class DataRequestAdmin(CorrectionNoteAdmin, TrackerAdmin):
    form = DataRequestForm
    list_display = [
        "county",
        "campaign_label",
        "agency_label",
        "issued_on",
        "due_on",
        "status",
        "overdue_since",
    ]
    list_filter = [
        "status",
        "county__state",
        "campaign",
        "due_basis",
        ("overdue_since", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["county", "campaign", "issuing_agency"]
    search_fields = ["county__name", "county__fips", "summary", "legal_authority"]
    date_hierarchy = "issued_on"
    autocomplete_fields = ["county", "issuing_agency", "campaign"]
    readonly_fields = ["status", "overdue_since", "created_by", "created_at", "updated_at"]
    inlines = [ResponseInline, EscalationInline, RequestSourceInline]
    fieldsets = [
        (None, {"fields": ["county", "campaign", "issuing_agency", "addressee", "issued_on"]}),
        ("Deadline", {"fields": ["due_basis", "due_days", "due_on", "due_rule"]}),
        ("What was asked", {"fields": ["data_sought", "legal_authority", "summary"]}),
        ("Derived", {"fields": ["status", "overdue_since"]}),
        ("Newsroom", {"fields": ["internal_note", "created_by", "created_at", "updated_at"]}),
    ]
    correction_fieldset = ("Correction", {"fields": [CORRECTION_NOTE]})
    actions = [*TrackerAdmin.actions, "act_on_selected"]

    class Media:
        css = {"all": ["tracker/admin.css"]}

    @admin.action(description="Act on the selected requests at once (one campaign)")
    def act_on_selected(self, request: HttpRequest, queryset: QuerySet) -> Any:
        """To the campaign's bulk page with these requests ticked (web/bulk.py: dry run first,
        then confirm); every row goes through the services there."""
        campaigns = set(queryset.values_list("campaign_id", flat=True))
        if len(campaigns) != 1 or None in campaigns:
            self.message_user(
                request,
                "Choose requests of one campaign: a bulk action acts on one campaign's requests.",
                level=messages.ERROR,
            )
            return None
        ids = "&".join(f"ticked={pk}" for pk in queryset.values_list("pk", flat=True))
        bulk_page = reverse("web:campaign_bulk", args=[campaigns.pop()])
        return HttpResponseRedirect(f"{bulk_page}?which=ticked&{ids}")

    @admin.display(description="Campaign", ordering="campaign__title")
    def campaign_label(self, data_request: DataRequest) -> str:
        return short_label(data_request.campaign) or self.get_empty_value_display()

    @admin.display(description="Issuing agency", ordering="issuing_agency__name")
    def agency_label(self, data_request: DataRequest) -> str:
        return short_label(data_request.issuing_agency)

    def get_readonly_fields(
        self, request: HttpRequest, obj: DataRequest | None = None
    ) -> list[str]:
        fields = list(self.readonly_fields)
        if obj is not None:
            fields += ["county", "campaign"]
        return fields

    def get_fieldsets(self, request: HttpRequest, obj: DataRequest | None = None) -> list[Any]:
        fieldsets = list(super().get_fieldsets(request, obj))
        return [*fieldsets, self.correction_fieldset] if obj is not None else fieldsets

    def save_model(
        self, request: HttpRequest, obj: DataRequest, form: DataRequestForm, change: bool
    ) -> None:
        data = form.cleaned_data
        if change:
            # due_on and due_rule may have been recomputed from due_days in the form's clean();
            # the service keeps only what really differs from the stored request.
            changes = {
                name: data[name]
                for name in {*form.changed_data, "due_on", "due_rule"}
                if name in services.REQUEST_EDITABLE_FIELDS and name in data
            }
            saved = services.update_request(
                data_request=obj,
                actor=request.user,
                correction_note=data.get(CORRECTION_NOTE, ""),
                **changes,
            )
        else:
            saved = services.issue_request(
                **form.letter_arguments(form.Meta.fields), actor=request.user
            )
        adopt(obj, saved)

    def save_formset(
        self, request: HttpRequest, form: forms.ModelForm, formset: Any, change: bool
    ) -> None:
        data_request = form.instance
        self._bookkeep(formset)
        try:
            if formset.model in ENTRY_FIELDS:
                self._save_entries(request, data_request, formset)
            else:
                self._save_sources(request, data_request, formset)
        except ValidationError as error:
            # Not the request's own fields: shown above the form, naming the kind of entry.
            label = formset.model._meta.verbose_name.capitalize()
            raise ValidationError([f"{label}: {reason}" for reason in error.messages]) from error

    @staticmethod
    def _changed_forms(formset: Any) -> Iterable[forms.ModelForm]:
        deleted = set(map(id, formset.deleted_forms))
        for inline_form in formset.forms:
            if id(inline_form) not in deleted and inline_form.has_changed():
                yield inline_form

    @staticmethod
    def _bookkeep(formset: Any) -> None:
        """What the admin's change message reads (Django sets these in formset.save())."""
        deleted = set(map(id, formset.deleted_forms))
        formset.new_objects, formset.changed_objects = [], []
        formset.deleted_objects = [f.instance for f in formset.deleted_forms if f.instance.pk]
        for inline_form in formset.forms:
            if id(inline_form) in deleted or not inline_form.has_changed():
                continue
            if inline_form.instance.pk:
                formset.changed_objects.append((inline_form.instance, inline_form.changed_data))
            else:
                formset.new_objects.append(inline_form.instance)

    def _save_entries(self, request: HttpRequest, data_request: DataRequest, formset: Any) -> None:
        for inline_form in formset.deleted_forms:
            if inline_form.instance.pk:
                if not permissions.can_delete(request.user, inline_form.instance):
                    raise PermissionDenied
                delete_entry(inline_form.instance, actor=request.user)
        for inline_form in self._changed_forms(formset):
            entry = inline_form.instance
            if entry.pk and not permissions.can_edit(request.user, entry):
                raise PermissionDenied  # the page shows everyone's entries; one edits one's own
            save_entry(inline_form, data_request=data_request, actor=request.user)

    def _save_sources(self, request: HttpRequest, data_request: DataRequest, formset: Any) -> None:
        for inline_form in formset.deleted_forms:
            if inline_form.instance.pk:
                services.uncite_source(
                    source=inline_form.instance.source, record=data_request, actor=request.user
                )
        for inline_form in self._changed_forms(formset):
            source = inline_form.cleaned_data.get("source")
            if source is not None and not inline_form.instance.pk:
                services.cite_source(source=source, record=data_request, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: DataRequest) -> None:
        services.delete_request(data_request=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            services.delete_request(data_request=obj, actor=request.user)


# --- Responses and escalations on their own pages ---------------------------------------------


class EntryAdmin(CorrectionNoteAdmin, TrackerAdmin):
    """Responses and escalations on their own pages: the same services as the request page."""

    readonly_fields = ["logged_by", "created_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*self.readonly_fields, "request"] if obj else list(self.readonly_fields)

    def save_model(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool
    ) -> None:
        data_request = obj.request if change else form.cleaned_data["request"]
        adopt(obj, save_entry(form, data_request=data_request, actor=request.user))

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool
    ) -> None:
        """Sources are cited from the request page, through the service."""

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        delete_entry(obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


def entry_page_form(inline_form: type[EntryForm]) -> type[EntryForm]:
    """The form of a response's or escalation's own page: the inline form's fields and rules,
    with the request to choose first and a correction note."""

    class EntryPageForm(inline_form):
        correction_note = correction_note_field()

        class Meta(inline_form.Meta):
            fields = ["request", *ENTRY_FIELDS[inline_form.Meta.model]]

    EntryPageForm.__name__ = EntryPageForm.__qualname__ = inline_form.__name__.replace("Inline", "")
    return EntryPageForm


@admin.register(Response)
class ResponseAdmin(EntryAdmin):
    form = entry_page_form(ResponseInlineForm)
    list_display = ["request", "received_on", "kind", "responding_agency", "records_provided"]
    list_filter = ["kind", "request__county__state"]
    list_select_related = ["request__county", "responding_agency"]
    search_fields = ["request__county__name", "summary", "quotation", "official"]
    date_hierarchy = "received_on"
    autocomplete_fields = ["request", "responding_agency"]


@admin.register(Escalation)
class EscalationAdmin(EntryAdmin):
    form = entry_page_form(EscalationInlineForm)
    list_display = [
        "request",
        "kind",
        "issued_on",
        "due_on",
        "status",
        "overdue_since",
        "case_number",
    ]
    list_filter = ["kind", "status", ("overdue_since", admin.EmptyFieldListFilter)]
    list_select_related = ["request__county"]
    search_fields = ["request__county__name", "case_number", "court", "summary"]
    date_hierarchy = "issued_on"
    autocomplete_fields = ["request"]
    readonly_fields = ["overdue_since", "logged_by", "created_at"]
