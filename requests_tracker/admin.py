"""The editors' admin. Every save goes through the services, so status and Activity stay right.

Forms validate with the same rules the services apply (so mistakes show as inline errors); the
service then writes. Status and overdue fields are derived and read-only here.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import CharField, QuerySet, TextField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from simple_history.admin import SimpleHistoryAdmin

from requests_tracker import services
from requests_tracker.models import (
    Activity,
    ActivityVerb,
    Agency,
    Campaign,
    County,
    DataCategory,
    DataRequest,
    DueBasis,
    Escalation,
    ReportedFigure,
    Response,
    Source,
    Watch,
    WebhookDelivery,
    WebhookSubscription,
)
from requests_tracker.services.escalations import ESCALATION_FIELDS
from requests_tracker.services.requests import REQUEST_EDITABLE_FIELDS
from requests_tracker.services.responses import RESPONSE_FIELDS

admin.site.site_header = "DOJ Request Tracker"
admin.site.site_title = "DOJ Request Tracker admin"
admin.site.index_title = "Records"


class _Echo:
    def write(self, value: str) -> str:
        return value


@admin.action(description="Export selected rows as CSV")
def export_as_csv(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> Any:
    """Stream the selected rows with the columns the list shows, for a spreadsheet."""
    columns = [name for name in modeladmin.get_list_display(request) if name != "action_checkbox"]
    if isinstance(modeladmin.list_select_related, list | tuple):
        queryset = queryset.select_related(*modeladmin.list_select_related)

    def header(name: str) -> str:
        attr = getattr(modeladmin, name, None)
        if attr is not None and hasattr(attr, "short_description"):
            return str(attr.short_description)
        try:
            return str(modeladmin.model._meta.get_field(name).verbose_name).capitalize()
        except Exception:
            return name.replace("_", " ").capitalize()

    def value(obj: Any, name: str) -> Any:
        attr = getattr(modeladmin, name, None)
        if callable(attr):
            return attr(obj)
        display = getattr(obj, f"get_{name}_display", None)
        return display() if display else getattr(obj, name)

    def rows() -> Iterable[list[Any]]:
        yield [header(name) for name in columns]
        for obj in queryset.iterator(chunk_size=500):
            yield [value(obj, name) for name in columns]

    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in rows()), content_type="text/csv; charset=utf-8"
    )
    filename = modeladmin.model._meta.verbose_name_plural.replace(" ", "-")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


class TrackerAdmin(SimpleHistoryAdmin):
    """History view and CSV export everywhere; service errors shown as messages, not 500s."""

    actions = [export_as_csv]

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().changeform_view(request, *args, **kwargs)
        except ValidationError as error:
            # Forms validate first; this catches what only the locked write can know.
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def _categories_field(label: str, required: bool = True) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=required,
    )


def _attach_errors(form: forms.BaseForm, error: ValidationError) -> None:
    for field, reasons in error.message_dict.items():
        target = field if field in form.fields else None
        for reason in reasons:
            form.add_error(target, reason)


# --- Counties, agencies, sources ------------------------------------------------------------


@admin.register(County)
class CountyAdmin(TrackerAdmin):
    list_display = ["name", "state", "fips", "sanctuary_status"]
    list_filter = ["state", "sanctuary_status"]
    search_fields = ["name", "fips", "state"]
    readonly_fields = ["fips"]
    autocomplete_fields = ["sanctuary_source"]
    prepopulated_fields = {"slug": ["name"]}

    def get_readonly_fields(self, request: HttpRequest, obj: County | None = None) -> list[str]:
        return ["fips"] if obj else []


@admin.register(Agency)
class AgencyAdmin(TrackerAdmin):
    list_display = ["name", "level", "county"]
    list_filter = ["level"]
    search_fields = ["name", "county__name"]
    autocomplete_fields = ["county"]
    list_select_related = ["county"]


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = [
            "title",
            "url",
            "file",
            "publisher",
            "published_on",
            "kind",
            "archived_url",
            "verified_by",
            "verified_on",
        ]


@admin.register(Source)
class SourceAdmin(TrackerAdmin):
    form = SourceForm
    list_display = ["title", "publisher", "published_on", "kind", "url", "verified_on"]
    list_filter = ["kind", "publisher"]
    search_fields = ["title", "url", "publisher"]
    date_hierarchy = "published_on"
    readonly_fields = ["sha256", "created_by"]

    def save_model(
        self, request: HttpRequest, obj: Source, form: forms.ModelForm, change: bool
    ) -> None:
        data = {name: form.cleaned_data.get(name) for name in form.changed_data}
        if change:
            saved = services.update_source(source=obj, actor=request.user, **data)
        else:
            saved = services.add_source(
                title=form.cleaned_data["title"],
                url=form.cleaned_data.get("url") or "",
                file=form.cleaned_data.get("file") or None,
                publisher=form.cleaned_data.get("publisher") or "",
                published_on=form.cleaned_data.get("published_on"),
                kind=form.cleaned_data["kind"],
                archived_url=form.cleaned_data.get("archived_url") or "",
                actor=request.user,
            )
        _adopt(obj, saved)


def _adopt(obj: Any, saved: Any) -> None:
    """Make the admin's instance the one the service saved (the admin redirects with its pk)."""
    state = obj._state
    obj.__dict__.update({k: v for k, v in saved.__dict__.items() if k != "_state"})
    state.adding = False
    state.db = saved._state.db


@dataclass(frozen=True)
class _ChildWriter:
    """How the admin writes a record that hangs off a request, through its services."""

    fields: tuple[str, ...]
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]


CHILD_WRITERS: dict[type, _ChildWriter] = {
    Response: _ChildWriter(
        fields=tuple(RESPONSE_FIELDS),
        create=lambda request, actor, data: services.log_response(
            data_request=request, actor=actor, **data
        ),
        update=lambda obj, actor, changes: services.update_response(
            response=obj, actor=actor, **changes
        ),
        delete=lambda obj, actor: services.delete_response(response=obj, actor=actor),
    ),
    Escalation: _ChildWriter(
        fields=tuple(ESCALATION_FIELDS),
        create=lambda request, actor, data: services.file_escalation(
            data_request=request, actor=actor, **data
        ),
        update=lambda obj, actor, changes: services.update_escalation(
            escalation=obj, actor=actor, **changes
        ),
        delete=lambda obj, actor: services.delete_escalation(escalation=obj, actor=actor),
    ),
}


def _save_child(form: forms.ModelForm, *, request: DataRequest, actor: Any) -> Any:
    """Create or update the form's response/escalation through the service; returns it."""
    model = form._meta.model
    writer = CHILD_WRITERS[model]
    data = {name: form.cleaned_data.get(name) for name in writer.fields}
    if form.instance.pk:
        changes = {name: data[name] for name in form.changed_data if name in data}
        return writer.update(form.instance, actor, changes)
    for name, value in data.items():
        if value is None and isinstance(model._meta.get_field(name), CharField | TextField):
            data[name] = ""  # an empty form field means "none given", which the model spells ""
    if "categories_provided" in data:
        data["categories_provided"] = data["categories_provided"] or []
    return writer.create(request, actor, data)


class RequestChildAdmin(TrackerAdmin):
    """Responses and escalations on their own pages: the same services as the request page."""

    readonly_fields = ["logged_by", "created_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*self.readonly_fields, "request"] if obj else list(self.readonly_fields)

    def save_model(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool
    ) -> None:
        parent = obj.request if change else form.cleaned_data["request"]
        _adopt(obj, _save_child(form, request=parent, actor=request.user))

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool
    ) -> None:
        """Sources are cited from the request page, through the service."""

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        CHILD_WRITERS[type(obj)].delete(obj, request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


# --- Requests with their responses, escalations and sources --------------------------------


class _ServiceCheckedForm(forms.ModelForm):
    """A response/escalation form that also applies its service's rules before saving."""

    def _post_clean(self) -> None:
        # After the instance holds the form's values: apply the service's own rules, so a
        # mistake shows as an inline error instead of failing at save time.
        super()._post_clean()
        request = getattr(self.instance, "request", None)
        if request is None or not request.pk or self.errors or not self.has_changed():
            return
        try:
            if isinstance(self.instance, Response):
                services.validate_response_for(data_request=request, response=self.instance)
            else:
                services.validate_escalation_for(data_request=request, escalation=self.instance)
        except ValidationError as error:
            _attach_errors(self, error)


class ResponseInlineForm(_ServiceCheckedForm):
    categories_provided = _categories_field("Categories provided", required=False)

    class Meta:
        model = Response
        fields = list(RESPONSE_FIELDS)
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "quotation": forms.Textarea(attrs={"rows": 2}),
        }


class ResponseInline(admin.StackedInline):
    model = Response
    form = ResponseInlineForm
    extra = 0
    autocomplete_fields = ["responding_agency"]
    readonly_fields = ["logged_by"]
    show_change_link = True


class EscalationInlineForm(_ServiceCheckedForm):
    class Meta:
        model = Escalation
        fields = list(ESCALATION_FIELDS)
        widgets = {"summary": forms.Textarea(attrs={"rows": 2})}


class EscalationInline(admin.StackedInline):
    model = Escalation
    form = EscalationInlineForm
    fk_name = "request"
    extra = 0
    readonly_fields = ["overdue_since", "logged_by"]
    show_change_link = True


class RequestSourceInline(admin.TabularInline):
    model = DataRequest.sources.through
    extra = 0
    autocomplete_fields = ["source"]
    verbose_name = "source"
    verbose_name_plural = "sources"


class DataRequestForm(forms.ModelForm):
    data_sought = _categories_field("Data sought")
    due_days = forms.IntegerField(
        required=False,
        min_value=0,
        help_text="For calendar or business days: the number of days the letter allows.",
    )

    class Meta:
        model = DataRequest
        fields = ["county", "campaign", *sorted(REQUEST_EDITABLE_FIELDS)]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "internal_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Computed deadlines fill these in; a stated deadline requires them (checked in clean).
        self.fields["due_on"].required = False
        self.fields["due_rule"].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        basis = cleaned.get("due_basis")
        if basis == DueBasis.STATED:
            if not cleaned.get("due_on"):
                self.add_error("due_on", "Give the due date the letter states.")
            if not cleaned.get("due_rule"):
                self.add_error("due_rule", "Quote the letter's words for the deadline.")
            elif "due_on" in self.changed_data and "due_rule" not in self.changed_data:
                self.add_error("due_rule", "Say why the due date changed.")
            return cleaned
        computed = basis in (DueBasis.CALENDAR_DAYS, DueBasis.BUSINESS_DAYS)
        if computed and cleaned.get("due_days") is None and not self.instance.pk:
            self.add_error("due_days", "Give the number of days the letter allows.")
            return cleaned
        if computed and cleaned.get("due_days") is not None:
            county = cleaned.get("county") or getattr(self.instance, "county", None)
            try:
                deadline = services.resolve_deadline(
                    issued_on=cleaned["issued_on"],
                    due_basis=basis,
                    due_days=cleaned["due_days"],
                    state=county.state if county else None,
                )
            except ValidationError as error:
                _attach_errors(self, error)
                return cleaned
            cleaned["due_on"] = deadline.due_on
            cleaned["due_rule"] = deadline.rule
            self.instance.due_on = deadline.due_on
            self.instance.due_rule = deadline.rule
        return cleaned


@admin.register(DataRequest)
class DataRequestAdmin(TrackerAdmin):
    form = DataRequestForm
    list_display = [
        "county",
        "campaign",
        "issuing_agency",
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

    def get_readonly_fields(
        self, request: HttpRequest, obj: DataRequest | None = None
    ) -> list[str]:
        fields = list(self.readonly_fields)
        if obj is not None:
            fields += ["county", "campaign"]
        return fields

    def save_model(
        self, request: HttpRequest, obj: DataRequest, form: forms.ModelForm, change: bool
    ) -> None:
        data = form.cleaned_data
        if change:
            # due_on and due_rule may have been recomputed from due_days in the form's clean();
            # the service keeps only what really differs from the stored request.
            changes = {
                name: data[name]
                for name in {*form.changed_data, "due_on", "due_rule"}
                if name in REQUEST_EDITABLE_FIELDS and name in data
            }
            saved = services.update_request(data_request=obj, actor=request.user, **changes)
        else:
            stated = data["due_basis"] == DueBasis.STATED
            saved = services.issue_request(
                county=data["county"],
                campaign=data.get("campaign"),
                issuing_agency=data["issuing_agency"],
                addressee=data.get("addressee") or "",
                issued_on=data["issued_on"],
                due_basis=data["due_basis"],
                # A computed deadline is recomputed by the service from the number of days.
                due_on=data.get("due_on") if stated else None,
                due_days=data.get("due_days"),
                due_rule=(data.get("due_rule") or "") if stated else "",
                data_sought=data["data_sought"],
                legal_authority=data.get("legal_authority") or "",
                summary=data.get("summary") or "",
                internal_note=data.get("internal_note") or "",
                actor=request.user,
            )
        _adopt(obj, saved)

    def save_formset(
        self, request: HttpRequest, form: forms.ModelForm, formset: Any, change: bool
    ) -> None:
        parent = form.instance
        self._bookkeep(formset)
        if formset.model in CHILD_WRITERS:
            self._save_children(request, parent, formset)
        elif formset.model is DataRequest.sources.through:
            self._save_sources(request, parent, formset)
        else:  # pragma: no cover - every inline above is handled
            super().save_formset(request, form, formset, change)

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

    def _save_children(self, request: HttpRequest, parent: DataRequest, formset: Any) -> None:
        writer = CHILD_WRITERS[formset.model]
        for inline_form in formset.deleted_forms:
            if inline_form.instance.pk:
                writer.delete(inline_form.instance, request.user)
        for inline_form in self._changed_forms(formset):
            _save_child(inline_form, request=parent, actor=request.user)

    def _save_sources(self, request: HttpRequest, parent: DataRequest, formset: Any) -> None:
        for inline_form in formset.deleted_forms:
            if inline_form.instance.pk:
                services.uncite_source(
                    source=inline_form.instance.source, record=parent, actor=request.user
                )
        for inline_form in self._changed_forms(formset):
            source = inline_form.cleaned_data.get("source")
            if source is not None and not inline_form.instance.pk:
                services.cite_source(source=source, record=parent, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: DataRequest) -> None:
        services.delete_request(data_request=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            services.delete_request(data_request=obj, actor=request.user)


# --- Responses and escalations on their own -------------------------------------------------


class ResponseForm(ResponseInlineForm):
    class Meta(ResponseInlineForm.Meta):
        fields = ["request", *RESPONSE_FIELDS]


@admin.register(Response)
class ResponseAdmin(RequestChildAdmin):
    form = ResponseForm
    list_display = ["request", "received_on", "kind", "responding_agency", "records_provided"]
    list_filter = ["kind", "request__county__state"]
    list_select_related = ["request__county", "responding_agency"]
    search_fields = ["request__county__name", "summary", "quotation", "official"]
    date_hierarchy = "received_on"
    autocomplete_fields = ["request", "responding_agency"]


class EscalationForm(EscalationInlineForm):
    class Meta(EscalationInlineForm.Meta):
        fields = ["request", *ESCALATION_FIELDS]


@admin.register(Escalation)
class EscalationAdmin(RequestChildAdmin):
    form = EscalationForm
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


# --- Campaigns ------------------------------------------------------------------------------


class CampaignForm(forms.ModelForm):
    data_sought = _categories_field("Data sought")
    counties = forms.ModelMultipleChoiceField(
        queryset=County.objects.all(),
        required=False,
        widget=admin.widgets.FilteredSelectMultiple("counties", is_stacked=False),
        help_text="One request is issued to each county, in one transaction.",
    )
    due_days = forms.IntegerField(required=False, min_value=0)

    class Meta:
        model = Campaign
        fields = [
            "title",
            "issuing_agency",
            "issued_on",
            "due_basis",
            "due_on",
            "due_rule",
            "data_sought",
            "legal_authority",
            "summary",
        ]


@admin.register(Campaign)
class CampaignAdmin(TrackerAdmin):
    form = CampaignForm
    list_display = ["title", "issuing_agency", "issued_on", "due_on"]
    list_filter = ["issuing_agency"]
    list_select_related = ["issuing_agency"]
    search_fields = ["title", "summary", "legal_authority"]
    date_hierarchy = "issued_on"
    autocomplete_fields = ["issuing_agency"]

    def get_fields(self, request: HttpRequest, obj: Campaign | None = None) -> list[str]:
        if obj is None:
            return [
                "title",
                "issuing_agency",
                "issued_on",
                "due_basis",
                "due_days",
                "due_on",
                "due_rule",
                "data_sought",
                "legal_authority",
                "summary",
                "counties",
            ]
        return [
            "title",
            "legal_authority",
            "summary",
            "issuing_agency",
            "issued_on",
            "due_on",
            "due_basis",
            "due_rule",
            "data_sought",
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Campaign | None = None) -> list[str]:
        if obj is None:
            return []
        return ["issuing_agency", "issued_on", "due_on", "due_basis", "due_rule", "data_sought"]

    def get_form(self, request: HttpRequest, obj: Campaign | None = None, **kwargs: Any) -> Any:
        if obj is not None:
            kwargs["fields"] = ["title", "legal_authority", "summary"]
        return super().get_form(request, obj, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: Campaign, form: forms.ModelForm, change: bool
    ) -> None:
        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in form.changed_data if name in data}
            saved = services.update_campaign(campaign=obj, actor=request.user, **changes)
        else:
            saved = services.issue_campaign(
                title=data["title"],
                issuing_agency=data["issuing_agency"],
                issued_on=data["issued_on"],
                counties=data["counties"],
                due_basis=data["due_basis"],
                due_on=data.get("due_on"),
                due_days=data.get("due_days"),
                due_rule=data.get("due_rule") or "",
                data_sought=data["data_sought"],
                legal_authority=data.get("legal_authority") or "",
                summary=data.get("summary") or "",
                actor=request.user,
            )
        _adopt(obj, saved)

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool
    ) -> None:
        """The service wrote everything; the form's counties are not a model field."""


# --- Figures, watches, activity, webhooks ---------------------------------------------------


@admin.register(ReportedFigure)
class ReportedFigureAdmin(TrackerAdmin):
    list_display = [
        "county",
        "metric",
        "value",
        "unit",
        "period_label",
        "period_start",
        "period_end",
        "source",
    ]
    list_filter = ["county__state", "metric"]
    list_select_related = ["county", "source"]
    search_fields = ["county__name", "metric", "note"]
    date_hierarchy = "period_start"
    autocomplete_fields = ["county", "source"]
    readonly_fields = ["logged_by"]

    def save_model(
        self, request: HttpRequest, obj: ReportedFigure, form: forms.ModelForm, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        data = {k: v for k, v in form.cleaned_data.items() if k != "logged_by"}
        for text_field in ("unit", "period_label", "reported_by", "note"):
            data[text_field] = data.get(text_field) or ""
        _adopt(obj, services.record_figure(actor=request.user, **data))


@admin.register(Watch)
class WatchAdmin(TrackerAdmin):
    list_display = ["user", "county", "campaign", "request", "frequency", "created_at"]
    list_filter = ["frequency"]
    list_select_related = ["user", "county", "campaign", "request__county"]
    autocomplete_fields = ["county", "campaign", "request"]
    readonly_fields = ["last_sent_activity"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """The event log is append-only: readable and exportable, never edited."""

    list_display = ["created_at", "verb", "summary", "county", "actor"]
    list_filter = ["verb", "county__state"]
    list_select_related = ["county", "actor"]
    search_fields = ["summary", "county__name"]
    date_hierarchy = "created_at"
    actions = [export_as_csv]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Activity | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Activity | None = None) -> bool:
        return False


class WebhookSubscriptionForm(forms.ModelForm):
    event_types = forms.MultipleChoiceField(
        choices=ActivityVerb.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unchecked to receive every event.",
    )
    secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Shared secret for the HMAC signature; left empty, one is generated "
        "(on an existing subscription, empty keeps the current one).",
    )

    class Meta:
        model = WebhookSubscription
        fields = ["url", "secret", "event_types", "is_active"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(TrackerAdmin):
    """Saving goes through the subscription services: switching one back on resets its failures."""

    form = WebhookSubscriptionForm
    list_display = ["url", "is_active", "consecutive_failures", "disabled_reason", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url"]
    readonly_fields = ["consecutive_failures", "disabled_reason", "created_by", "updated_at"]

    def save_model(
        self, request: HttpRequest, obj: WebhookSubscription, form: forms.ModelForm, change: bool
    ) -> None:
        data = form.cleaned_data
        if change:
            changes = {
                name: data[name]
                for name in form.changed_data
                if name in {"url", "event_types", "is_active"}
                or (name == "secret" and data["secret"])
            }
            saved = services.update_webhook_subscription(
                subscription=obj, actor=request.user, **changes
            )
        else:
            saved = services.subscribe_webhook(
                url=data["url"],
                secret=data.get("secret") or "",
                event_types=data.get("event_types") or [],
                is_active=data.get("is_active", True),
                actor=request.user,
            )
        _adopt(obj, saved)

    def delete_model(self, request: HttpRequest, obj: WebhookSubscription) -> None:
        services.delete_webhook_subscription(subscription=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "subscription",
        "activity",
        "status",
        "attempts",
        "response_status",
        "duration_ms",
        "last_attempt_at",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["status", "subscription"]
    list_select_related = ["subscription", "activity"]
    date_hierarchy = "created_at"
    actions = [export_as_csv]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: WebhookDelivery | None = None
    ) -> bool:
        return False
