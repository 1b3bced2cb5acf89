"""`/campaigns/<id>/bulk/`: an editor acts on many of a campaign's requests at once (file the same
subpoena against every overdue county, cite one source, log one extension, follow them all).
The first submit is a dry run that shows what each row would become and which rows would be
refused and why; confirming does it (services/bulk.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods

from requests_tracker import permissions
from requests_tracker.choices import EscalationKind, RequestStatus
from requests_tracker.models import Campaign, DataRequest, Watch
from requests_tracker.selectors import documents
from requests_tracker.services import bulk
from requests_tracker.web.access import allowed_only
from requests_tracker.web.forms import DATE_WIDGET, attach_service_errors
from requests_tracker.web.views import page

CHECKBOXES_UP_TO = 500
"""A campaign with more requests than this is acted on by selection only (no list to tick)."""

SELECTIONS = {
    "overdue": "Overdue requests",
    "awaiting": "Requests awaiting a response",
    "all": "Every request of the campaign",
    "ticked": "The requests ticked below",
}


class BulkForm(forms.Form):
    action = forms.ChoiceField(choices=list(bulk.ACTIONS.items()), label="Action")
    which = forms.ChoiceField(
        choices=list(SELECTIONS.items()), label="Requests to act on", initial="overdue"
    )
    ticked = forms.ModelMultipleChoiceField(
        queryset=DataRequest.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Pick requests",
    )
    kind = forms.ChoiceField(
        choices=[("", "—"), *EscalationKind.choices], required=False, label="Escalation"
    )
    issued_on = forms.DateField(required=False, widget=DATE_WIDGET, label="Issued on")
    due_on = forms.DateField(required=False, widget=DATE_WIDGET, label="Due on")
    source = forms.IntegerField(
        required=False, min_value=1, label="Source number", help_text="From its page's address."
    )
    received_on = forms.DateField(required=False, widget=DATE_WIDGET, label="Granted on")
    new_due_on = forms.DateField(required=False, widget=DATE_WIDGET, label="New due date")
    frequency = forms.ChoiceField(
        choices=Watch.Frequency.choices, required=False, label="Email", initial="daily"
    )
    summary = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    embargo_reason = forms.CharField(required=False, max_length=500, label="Why")
    embargo_until = forms.DateTimeField(
        required=False,
        label="Until",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="In the newsroom's time zone; empty: until lifted by hand.",
    )

    def __init__(self, *args: Any, campaign: Campaign, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign, self.user = campaign, user
        self.fields["ticked"].queryset = campaign.requests.select_related("county").order_by(
            "county__state", "county__name"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        action = data.get("action")
        for name in bulk.ACTION_REQUIRED.get(action, ()):
            if not data.get(name):
                self.add_error(name, "Required for this action.")
        if data.get("which") == "ticked" and not data.get("ticked"):
            self.add_error("ticked", "Tick at least one request.")
        if action == "cite_source" and data.get("source"):
            found = documents.visible_sources(self.user).filter(pk=data["source"]).first()
            if found is None:
                self.add_error("source", "There is no source with that number.")
            data["source"] = found
        return data

    def chosen(self) -> QuerySet[DataRequest]:
        requests = self.campaign.requests.select_related("county")
        which = self.cleaned_data["which"]
        if which == "overdue":
            return requests.filter(overdue_since__isnull=False)
        if which == "awaiting":
            return requests.filter(status=RequestStatus.AWAITING)
        if which == "ticked":
            return requests.filter(pk__in=[r.pk for r in self.cleaned_data["ticked"]])
        return requests

    def action_fields(self) -> dict[str, Any]:
        action = self.cleaned_data["action"]
        return {name: self.cleaned_data.get(name) for name in bulk.ACTION_FIELDS[action]}


@require_http_methods(["GET", "HEAD", "POST"])
@allowed_only(permissions.can_manage_campaigns, bulk.EDITORS_ONLY)
def campaign_bulk(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    # The admin's "act on the selected requests" arrives with ?which=ticked&ticked=ID...
    initial = {"which": request.GET.get("which"), "ticked": request.GET.getlist("ticked")}
    form = BulkForm(
        request.POST or None,
        campaign=campaign,
        user=request.user,
        initial={name: value for name, value in initial.items() if value},
    )
    result, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            confirmed = request.POST.get("confirm") == "1"
            try:
                result = bulk.run_bulk_action(
                    campaign=campaign,
                    action=form.cleaned_data["action"],
                    requests=list(form.chosen()),
                    fields=form.action_fields(),
                    actor=request.user,
                    dry_run=not confirmed,
                )
            except ValidationError as error:
                attach_service_errors(form, error)
                status = 400
            else:
                if confirmed:
                    messages.success(request, _summary(result))
                    return HttpResponseRedirect(campaign.get_absolute_url())
        else:
            status = 400
    return page(
        request,
        "tracker/campaign_bulk.html",
        {
            "campaign": campaign,
            "form": form,
            "result": result,
            "show_ticks": campaign.requests.count() <= CHECKBOXES_UP_TO,
        },
        status=status,
    )


def _summary(result: bulk.BulkResult) -> str:
    text = f"{bulk.ACTIONS[result.action]}: done on {result.done} request(s)"
    refused = [row for row in result.rows if not row.ok]
    if refused:
        reasons = "; ".join(
            f"{row.county} ({' '.join(m for ms in row.errors.values() for m in ms)})"
            for row in refused[:10]
        )
        text += f"; {len(refused)} refused: {reasons}"
    return text + "."
