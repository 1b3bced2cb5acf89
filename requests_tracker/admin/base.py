"""What every admin page shares: history, the CSV export, the newsroom's roles, and saving
through the services with their errors shown on the form.

Forms are the model limited to the fields the service accepts (`fields = services.X_FIELDS`).
When the service refuses a save (a rule only the locked write can check), its transaction has
rolled back; the page is shown again as it was typed, with the service's reasons beside the
fields they name, exactly as a form error would be.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db.models import CharField, Model, TextField
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from requests_tracker import permissions
from requests_tracker.admin.exports import export_as_csv
from requests_tracker.models import DataCategory, Source
from requests_tracker.selectors import documents

SERVICE_REFUSAL = "tracker_service_refusal"
"""Where a change page keeps the service's refusal while it shows the form again."""


def categories_field(label: str, required: bool = True) -> forms.MultipleChoiceField:
    """Data categories as checkboxes (stored as JSON, so the model cannot type them for us)."""
    return forms.MultipleChoiceField(
        label=label,
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=required,
    )


def correction_note_field() -> forms.CharField:
    """The public note an edit of a published fact may carry (services/corrections.py)."""
    return forms.CharField(
        label="Correction note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Public: shown on the record's page, at /corrections/ and in its feed, with "
        "what changed. Leave empty for an edit that corrects nothing a reader relied on.",
    )


CORRECTION_NOTE = "correction_note"


class CorrectionNoteAdmin:
    """Change pages of published facts carry a correction note; add pages do not (a new record
    has nothing to correct). The form declares `correction_note = correction_note_field()`."""

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        if obj is None:
            form = kwargs.get("form", self.form)
            # A declared field set to None in a subclass is removed from the form.
            kwargs["form"] = type(form.__name__, (form,), {CORRECTION_NOTE: None})
        return super().get_form(request, obj, change, **kwargs)


def attach_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's errors beside the form's fields they name; the others above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, reasons in error.message_dict.items():
        target = field if field in form.fields else None
        for reason in reasons:
            if target is None and field != NON_FIELD_ERRORS:
                reason = f"{field.replace('_', ' ').capitalize()}: {reason}"
            form.add_error(target, reason)


def service_arguments(form: forms.ModelForm, names: Collection[str]) -> dict[str, Any]:
    """The form's values for a service's fields. An empty text field arrives as None in
    cleaned_data; the model (and so the service) spells "none given" as ""."""
    model = form._meta.model
    arguments = {}
    for name in names:
        if name not in form.cleaned_data:
            continue
        value = form.cleaned_data[name]
        if value is None and _is_text_field(model, name):
            value = ""
        arguments[name] = value
    return arguments


def _is_text_field(model: type[Model], name: str) -> bool:
    try:
        return isinstance(model._meta.get_field(name), CharField | TextField)
    except FieldDoesNotExist:  # a form-only field (due_days, counties)
        return False


def adopt(obj: Model, saved: Model) -> None:
    """Make the admin's instance the one the service saved (the admin redirects with its pk)."""
    state = obj._state
    obj.__dict__.update({k: v for k, v in saved.__dict__.items() if k != "_state"})
    state.adding = False
    state.db = saved._state.db


def is_entry(obj: Any) -> bool:
    """A record someone logged (it has an owner), so the own-entries rule applies to it."""
    return any(hasattr(obj, field) for field in permissions.OWNER_FIELDS)


class VisibleSourceChoices:
    """Source pickers (a figure's source, a county's, a citation) offer only the sources the user
    may see: a sensitive one exists for editors only (selectors.documents.visible_sources)."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is Source:
            kwargs["queryset"] = documents.visible_sources(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is Source:
            kwargs["queryset"] = documents.visible_sources(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class TrackerAdmin(VisibleSourceChoices, SimpleHistoryAdmin):
    """History view and CSV export everywhere; the API's rules on who may change or delete an
    entry (permissions.can_edit, can_delete); service refusals shown on the form; source pickers
    limited to the sources the user may see."""

    actions = [export_as_csv]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and is_entry(obj):
            return permissions.can_edit(request.user, obj)
        return allowed

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        if allowed and obj is not None and is_entry(obj):
            return permissions.can_delete(request.user, obj)
        return allowed

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            # The admin's transaction rolled back. Showing the page again from the same POST
            # keeps every typed value; get_form adds the refusal to the form's own errors.
            setattr(request, SERVICE_REFUSAL, refusal)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form_class = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, SERVICE_REFUSAL, None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self) -> dict[str, Any]:
                cleaned = super().clean()
                attach_errors(self, refusal)
                return cleaned

        return RefusedForm


class LogAdmin(admin.ModelAdmin):
    """A log the app writes (events, webhook deliveries): read and exported here, never added
    or changed by hand."""

    actions = [export_as_csv]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
