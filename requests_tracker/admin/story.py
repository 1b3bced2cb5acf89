"""The story's facts as records: metrics, jurisdictions and their policies, people and their
roles, press answers. Added here through the services; once on file they are corrected by
adding a record (a policy that ended, a figure that corrects another), so their pages are
read-only after the first save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from requests_tracker.admin.base import TrackerAdmin, adopt, service_arguments
from requests_tracker.models import Jurisdiction, Metric, Person, Policy, PressAnswer, Role
from requests_tracker.services import figures, jurisdictions, people, press


class AddOnlyAdmin(TrackerAdmin):
    """Every field is read-only once the record exists."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return list(super().get_readonly_fields(request, obj))
        model = self.model
        return [f.name for f in model._meta.fields + model._meta.many_to_many if f.editable]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Links (sources) are set by the service."""


@admin.register(Metric)
class MetricAdmin(AddOnlyAdmin):
    list_display = ["name", "unit", "source_type", "slug"]
    search_fields = ["name", "slug", "definition"]
    fields = list(figures.METRIC_FIELDS)

    def save_model(self, request: HttpRequest, obj: Metric, form: forms.ModelForm, change: bool):
        adopt(obj, figures.define_metric(**service_arguments(form, figures.METRIC_FIELDS)))


@admin.register(Jurisdiction)
class JurisdictionAdmin(AddOnlyAdmin):
    list_display = ["name", "level", "state", "county"]
    list_filter = ["level", "state"]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["county"]
    fields = list(jurisdictions.JURISDICTION_FIELDS)

    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool):
        arguments = service_arguments(form, jurisdictions.JURISDICTION_FIELDS)
        adopt(obj, jurisdictions.register_jurisdiction(**arguments))


@admin.register(Policy)
class PolicyAdmin(AddOnlyAdmin):
    list_display = ["effective_on", "jurisdiction", "kind", "title", "stance", "ended_on"]
    list_filter = ["kind", "stance", "jurisdiction__state"]
    list_select_related = ["jurisdiction"]
    search_fields = ["title", "summary", "jurisdiction__name"]
    autocomplete_fields = ["jurisdiction", "sources"]
    fields = [*jurisdictions.POLICY_FIELDS, "sources"]

    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool):
        arguments = service_arguments(form, jurisdictions.POLICY_FIELDS)
        adopt(
            obj,
            jurisdictions.record_policy(
                **arguments, sources=form.cleaned_data.get("sources") or [], actor=request.user
            ),
        )


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    can_delete = False
    fields = list(people.ROLE_FIELDS)
    readonly_fields = list(people.ROLE_FIELDS)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(AddOnlyAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    fields = ["name", "slug", "note"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RoleInline]

    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool):
        adopt(obj, people.add_person(**service_arguments(form, ["name", "slug", "note"])))


@admin.register(Role)
class RoleAdmin(AddOnlyAdmin):
    list_display = ["person", "title", "jurisdiction", "agency", "started_on", "ended_on"]
    list_select_related = ["person", "jurisdiction", "agency"]
    search_fields = ["person__name", "title"]
    autocomplete_fields = ["person", "jurisdiction", "agency", "source"]
    fields = ["person", *people.ROLE_FIELDS]

    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool):
        adopt(obj, people.add_role(**service_arguments(form, ["person", *people.ROLE_FIELDS])))


@admin.register(PressAnswer)
class PressAnswerAdmin(AddOnlyAdmin):
    list_display = ["answered_on", "answered_by", "kind", "campaign", "request", "jurisdiction"]
    list_filter = ["kind"]
    list_select_related = ["campaign", "request__county", "jurisdiction"]
    search_fields = ["answered_by", "referred_to", "summary"]
    autocomplete_fields = ["campaign", "request", "jurisdiction", "person", "sources"]
    fields = [
        "campaign",
        "request",
        "jurisdiction",
        "person",
        *press.PRESS_ANSWER_FIELDS,
        "sources",
    ]

    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool):
        data = form.cleaned_data
        adopt(
            obj,
            press.record_press_answer(
                **service_arguments(form, press.PRESS_ANSWER_FIELDS),
                campaign=data.get("campaign"),
                data_request=data.get("request"),
                jurisdiction=data.get("jurisdiction"),
                person=data.get("person"),
                sources=data.get("sources") or [],
                actor=request.user,
            ),
        )
