"""Campaigns: one DOJ letter issued to many counties at once, through services.issue_campaign."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from requests_tracker import services
from requests_tracker.admin.base import TrackerAdmin, adopt
from requests_tracker.admin.requests import LetterForm
from requests_tracker.models import Campaign, County, DataRequest

CAMPAIGN_ADD_FIELDS = [name for name in services.CAMPAIGN_FIELDS if name != "sources"]
"""What the add page asks (sources are cited on each request's page)."""

CAMPAIGN_EDITABLE_FIELDS = services.in_model_order(Campaign, services.CAMPAIGN_EDITABLE_FIELDS)

CAMPAIGN_FIXED_FIELDS = [
    name
    for name in services.in_model_order(Campaign, CAMPAIGN_ADD_FIELDS)
    if name not in services.CAMPAIGN_EDITABLE_FIELDS
]
"""What the letter said, shown but fixed once issued: each county's request carries its own
deadline, edited request by request (update_campaign)."""


class CampaignForm(LetterForm):
    # Not the campaign's own field: each county's request is addressed (the sheriff, ...).
    addressee = DataRequest._meta.get_field("addressee").formfield()
    counties = forms.ModelMultipleChoiceField(
        queryset=County.objects.all(),
        required=False,
        widget=admin.widgets.FilteredSelectMultiple("counties", is_stacked=False),
        help_text="One request is issued to each county, in one transaction.",
    )

    class Meta:
        model = Campaign
        fields = CAMPAIGN_ADD_FIELDS


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
            return list(CAMPAIGN_ADD_FIELDS)
        return [*CAMPAIGN_EDITABLE_FIELDS, *CAMPAIGN_FIXED_FIELDS]

    def get_readonly_fields(self, request: HttpRequest, obj: Campaign | None = None) -> list[str]:
        return [] if obj is None else list(CAMPAIGN_FIXED_FIELDS)

    def get_form(self, request: HttpRequest, obj: Campaign | None = None, **kwargs: Any) -> Any:
        if obj is not None:
            kwargs["fields"] = CAMPAIGN_EDITABLE_FIELDS
        return super().get_form(request, obj, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: Campaign, form: CampaignForm, change: bool
    ) -> None:
        if change:
            changes = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in services.CAMPAIGN_EDITABLE_FIELDS
            }
            saved = services.update_campaign(campaign=obj, actor=request.user, **changes)
        else:
            saved = services.issue_campaign(
                **form.letter_arguments(CAMPAIGN_ADD_FIELDS), actor=request.user
            )
        adopt(obj, saved)

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool
    ) -> None:
        """The service wrote everything; the form's counties are not a model field."""
