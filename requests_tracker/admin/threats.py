"""Threats (services/threats.py): recorded by editors and journalists here; once recorded, the
only change is which escalation carried it out."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from requests_tracker.admin.base import TrackerAdmin, adopt
from requests_tracker.models import Threat
from requests_tracker.services import threats


@admin.register(Threat)
class ThreatAdmin(TrackerAdmin):
    list_display = ["threatened_on", "kind", "threatened_by", "campaign", "request", "carried_out"]
    list_filter = ["kind"]
    list_select_related = ["campaign", "request__county"]
    search_fields = ["threatened_by", "condition", "summary"]
    autocomplete_fields = ["campaign", "request", "sources"]
    raw_id_fields = ["carried_out_by"]

    @admin.display(boolean=True, description="Carried out")
    def carried_out(self, threat: Threat) -> bool:
        return threat.carried_out

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["carried_out_by"]
        editable = {"carried_out_by"}
        return [f.name for f in Threat._meta.fields if f.name not in editable] + ["sources"]

    def save_model(
        self, request: HttpRequest, obj: Threat, form: forms.ModelForm, change: bool
    ) -> None:
        data = form.cleaned_data
        if change:
            if "carried_out_by" in form.changed_data and data["carried_out_by"] is not None:
                adopt(
                    obj,
                    threats.carry_out_threat(
                        threat=obj, escalation=data["carried_out_by"], actor=request.user
                    ),
                )
            return
        adopt(
            obj,
            threats.record_threat(
                campaign=data.get("campaign"),
                data_request=data.get("request"),
                kind=data["kind"],
                threatened_on=data["threatened_on"],
                threatened_by=data["threatened_by"],
                condition=data.get("condition") or "",
                summary=data.get("summary") or "",
                sources=data.get("sources") or [],
                actor=request.user,
            ),
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The service has set the sources."""
