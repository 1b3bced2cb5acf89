"""Counties, agencies, sources, reported figures, watches and the event log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from requests_tracker import permissions, services
from requests_tracker.admin.base import (
    CORRECTION_NOTE,
    CorrectionNoteAdmin,
    LogAdmin,
    TrackerAdmin,
    adopt,
    correction_note_field,
    service_arguments,
)
from requests_tracker.models import (
    EXTRACTION_FIELDS,
    Activity,
    Agency,
    County,
    ReportedFigure,
    Source,
    Watch,
)
from requests_tracker.selectors import documents


@admin.register(County)
class CountyAdmin(TrackerAdmin):
    """A county's stance is read-only here: it follows its dated policies (Policies)."""

    list_display = ["name", "state", "fips", "sanctuary_status"]
    list_filter = ["state", "sanctuary_status"]
    search_fields = ["name", "fips", "state"]
    prepopulated_fields = {"slug": ["name"]}

    def get_readonly_fields(self, request: HttpRequest, obj: County | None = None) -> list[str]:
        stance = ["sanctuary_status", "sanctuary_source"]
        return ["fips", *stance] if obj else stance


@admin.register(Agency)
class AgencyAdmin(TrackerAdmin):
    list_display = ["name", "level", "county"]
    list_filter = ["level"]
    search_fields = ["name", "county__name"]
    autocomplete_fields = ["county"]
    list_select_related = ["county"]


SOURCE_ADD_FIELDS = services.in_model_order(Source, services.SOURCE_FIELDS)
SOURCE_CHANGE_FIELDS = services.in_model_order(Source, services.SOURCE_EDITABLE_FIELDS)


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = SOURCE_CHANGE_FIELDS


@admin.register(Source)
class SourceAdmin(TrackerAdmin):
    """Sources, with their stored copy's type, size and text status (the worker's, read-only).
    A sensitive source exists here for editors only, as everywhere (selectors.documents);
    only they see and set the `sensitive` box, and its list filter."""

    form = SourceForm
    list_display = [
        "title",
        "publisher",
        "published_on",
        "kind",
        "url",
        "verified_on",
        "sensitive",
        "extraction_status",
        "page_count",
    ]
    list_filter = ["kind", "sensitive", "extraction_status", "extraction_method", "publisher"]
    search_fields = ["title", "url", "publisher"]
    date_hierarchy = "published_on"
    readonly_fields = ["sha256", "content_type", "file_size", *EXTRACTION_FIELDS, "created_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return documents.visible_sources(request.user, super().get_queryset(request))

    def get_fields(self, request: HttpRequest, obj: Source | None = None) -> list[str]:
        # A new source is checked by whoever later records verified_on (update_source).
        fields = SOURCE_CHANGE_FIELDS if obj else SOURCE_ADD_FIELDS
        if not permissions.can_see_sensitive(request.user):
            fields = [name for name in fields if name != "sensitive"]
        return [*fields, *self.get_readonly_fields(request, obj)]

    def get_list_display(self, request: HttpRequest) -> list[str]:
        return self._for_editors(request, super().get_list_display(request))

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        return self._for_editors(request, super().get_list_filter(request))

    @staticmethod
    def _for_editors(request: HttpRequest, names: Any) -> list[Any]:
        if permissions.can_see_sensitive(request.user):
            return list(names)
        return [name for name in names if name != "sensitive"]

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # simple_history falls back to the stored history of a row the queryset leaves out.
        if self.get_object(request, object_id) is None:
            raise Http404("No such source.")
        return super().history_view(request, object_id, extra_context)

    def save_model(
        self, request: HttpRequest, obj: Source, form: forms.ModelForm, change: bool
    ) -> None:
        if change:
            changes = {name: form.cleaned_data.get(name) for name in form.changed_data}
            saved = services.update_source(source=obj, actor=request.user, **changes)
        else:
            arguments = service_arguments(form, services.SOURCE_FIELDS)
            arguments["file"] = arguments.get("file") or None
            saved = services.add_source(**arguments, actor=request.user)
        adopt(obj, saved)


class ReportedFigureForm(forms.ModelForm):
    """The scope and state follow the county (a county's figure counts its state); a figure
    without a county is its state's, or the nation's without a state."""

    correction_note = correction_note_field()

    class Meta:
        model = ReportedFigure
        fields = services.FIGURE_FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        county = data.get("county")
        if county is not None:
            data["state"], data["scope"] = county.state, ReportedFigure.Scope.COUNTY
        elif data.get("state"):
            data["scope"] = ReportedFigure.Scope.STATE
        else:
            data["scope"] = ReportedFigure.Scope.NATION
        return data


@admin.register(ReportedFigure)
class ReportedFigureAdmin(CorrectionNoteAdmin, TrackerAdmin):
    form = ReportedFigureForm
    list_display = [
        "metric",
        "scope",
        "state",
        "county",
        "value",
        "unit",
        "period_label",
        "period_start",
        "period_end",
        "source",
    ]
    list_filter = ["scope", "state", "metric"]
    list_select_related = ["county", "source", "metric"]
    search_fields = ["county__name", "metric__name", "note"]
    date_hierarchy = "period_start"
    autocomplete_fields = ["metric", "county", "person", "corrects", "source"]
    readonly_fields = ["logged_by"]

    def save_model(
        self, request: HttpRequest, obj: ReportedFigure, form: forms.ModelForm, change: bool
    ) -> None:
        if change:
            changes = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in services.FIGURE_FIELDS
            }
            saved = services.update_figure(
                figure=obj,
                actor=request.user,
                correction_note=form.cleaned_data.get(CORRECTION_NOTE, ""),
                **changes,
            )
            adopt(obj, saved)
            return
        arguments = service_arguments(form, services.FIGURE_FIELDS)
        adopt(obj, services.record_figure(**arguments, actor=request.user))


@admin.register(Watch)
class WatchAdmin(TrackerAdmin):
    list_display = ["user", "county", "campaign", "request", "frequency", "created_at"]
    list_filter = ["frequency"]
    list_select_related = ["user", "county", "campaign", "request__county"]
    autocomplete_fields = ["county", "campaign", "request"]
    readonly_fields = ["last_sent_activity"]


@admin.register(Activity)
class ActivityAdmin(LogAdmin):
    """The event log is append-only: readable and exportable, never edited or deleted."""

    list_display = ["created_at", "verb", "summary", "county", "actor"]
    list_filter = ["verb", "county__state"]
    list_select_related = ["county", "actor"]
    search_fields = ["summary", "county__name"]
    date_hierarchy = "created_at"

    def has_delete_permission(self, request: HttpRequest, obj: Activity | None = None) -> bool:
        return False
