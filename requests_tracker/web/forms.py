"""Forms for the journalists' pages: list filters (GET) and the three entries a journalist logs on
a request (POST): a response, an escalation, a source.

The forms only read and type-check what was typed; the services decide what is allowed (a response
dated before the request, a new due date on something that is not an extension, ...). Their
ValidationErrors are keyed by the service's field names and put back next to the field here, by
`attach_service_errors`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from requests_tracker import permissions, services
from requests_tracker.choices import DataCategory, RequestStatus
from requests_tracker.lists.filters import RequestFilter
from requests_tracker.models import (
    Agency,
    Campaign,
    County,
    DataRequest,
    Escalation,
    Response,
    Source,
)
from requests_tracker.selectors import search

Saved = TypeVar("Saved")

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SENSITIVE_LABEL = "Sensitive (personal data of people in custody)"
SENSITIVE_HELP = "Only editors will see, download or find it; others are told only that it exists."


class PlainSelect(forms.Select):
    """A select of flat choices whose options are written out in Python: the markup of Django's
    select template, without its one template include per option and per attribute, nor its
    option dictionaries (the /requests/ filter's 310 campaigns took 17.8 ms through the
    templates, most of the page's first visit at 1M)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>',
            (
                (str(option), mark_safe(" selected") if str(option) in chosen else "", label)
                for option, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


def offer_sensitive_to_editors(form: forms.BaseForm, name: str, user: Any) -> None:
    """Keep the `sensitive` box only for a user who may set it (an editor); anyone else never
    sees it, and a value posted for it anyway is not read."""
    if not permissions.can_see_sensitive(user):
        form.fields.pop(name, None)


class RequestFilterForm(forms.Form):
    """The filters above /requests/; an unreadable value is shown as an error and ignored.

    The page's own parameters and widgets, applied by the API's RequestFilter, so a filter or a
    search means the same on the page and in /api/v1/requests/.

    The county list never holds every county (3,234 options, read through every request, was
    most of the page's time): it offers the chosen state's counties, read from the county table
    by its state index, and before a state is chosen only the county already asked for (a
    bookmarked `?county=` still works). Choosing a state and pressing Filter lists its counties.
    """

    state = forms.ChoiceField(required=False, widget=PlainSelect)
    county = forms.ChoiceField(
        required=False,
        widget=PlainSelect,
        label="County",
        help_text="Choose a state and press Filter to list its counties.",
    )
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.none(),
        required=False,
        empty_label="Any campaign",
        widget=PlainSelect,
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *RequestStatus.choices], widget=PlainSelect
    )
    overdue = forms.BooleanField(required=False, label="Overdue only")
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        help_text=RequestFilter.base_filters["q"].label,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each list is one query on the county table (3,234 rows), none on the requests.
        states = list(County.objects.order_by("state").values_list("state", flat=True).distinct())
        self.fields["state"].choices = [("", "Any state"), *((s, s) for s in states)]
        state = self.data.get("state") if self.is_bound else None
        fips = self.data.get("county") if self.is_bound else None
        if state in states:
            counties = County.objects.filter(state=state)
        elif fips:
            counties = County.objects.filter(fips=str(fips)[:5])
        else:
            counties = County.objects.none()
        self.fields["county"].choices = [
            ("", "Any county"),
            *(
                (code, f"{name}, {county_state}")
                for code, name, county_state in counties.order_by("name").values_list(
                    "fips", "name", "state"
                )
            ),
        ]
        # Only what an option shows (a campaign is its title).
        self.fields["campaign"].queryset = Campaign.objects.only("pk", "title").order_by(
            "-issued_on", "title"
        )

    def api_filters(self) -> dict[str, Any]:
        """The filters that were given and could be read, in the API's names and values (a
        ticked box is "true"): for RequestFilter here, and for links to the API's CSV."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()  # fills cleaned_data with the fields that could be read
            data = self.cleaned_data
        campaign = data.get("campaign")
        query = {
            "state": data.get("state"),
            "county": data.get("county"),
            "campaign": campaign.pk if campaign else None,
            "status": data.get("status"),
            "overdue": "true" if data.get("overdue") else None,
            "q": data.get("q"),
        }
        return {name: value for name, value in query.items() if value}

    def filter(
        self, requests: QuerySet[DataRequest], *, request: Any = None, ordering: str = ""
    ) -> QuerySet[DataRequest]:
        """`requests` narrowed by the filters given, in the API's `ordering` if one is given
        (else a search puts the best match first). `request` says who reads: internal notes
        are searched only for the newsroom."""
        given = self.api_filters()
        if ordering:
            given["ordering"] = ordering
        return RequestFilter(given, queryset=requests, request=request).qs


class CountyFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=search.MAX_QUERY_LENGTH,
        label="County name",
        help_text="Words in the name, as typed: “los ang” finds Los Angeles.",
    )
    state = forms.ChoiceField(required=False)
    with_requests = forms.BooleanField(required=False, label="Only counties with requests")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        states = County.objects.order_by("state").values_list("state", flat=True).distinct()
        self.fields["state"].choices = [("", "Every state"), *((s, s) for s in states)]

    def filter(self, counties: QuerySet[County]) -> QuerySet[County]:
        """`counties` narrowed by every filter that was given and could be read."""
        if not self.is_bound:
            return counties
        self.is_valid()
        data = self.cleaned_data
        if data.get("state"):
            counties = counties.filter(state=data["state"])
        if data.get("with_requests"):
            # A semi-join answered by the (county, status) index, not the tallies' counts: the
            # page counts its counties with this filter, without joining every request.
            counties = counties.filter(Exists(DataRequest.objects.filter(county=OuterRef("pk"))))
        if data.get("q"):
            counties = search.matching_counties(counties, data["q"])
        return counties


class SourceFields(forms.Form):
    """The source a response or escalation cites, typed in the same form: an address and/or a
    copy of the document. Optional there; the "Add a source" form requires one of the two."""

    source_url = forms.URLField(
        required=False, max_length=1000, label="Source address (URL)", assume_scheme="https"
    )
    source_file = forms.FileField(
        required=False, label="Or upload the document", help_text="A copy is kept, with its hash."
    )
    source_title = forms.CharField(
        required=False,
        max_length=300,
        label="Source title",
        help_text="Defaults to the address or the file name.",
    )
    source_publisher = forms.CharField(required=False, max_length=200, label="Publisher")
    # Before the kind, which closes the source's fieldset on the page.
    source_sensitive = forms.BooleanField(
        required=False, label=SENSITIVE_LABEL, help_text=SENSITIVE_HELP
    )
    source_kind = forms.ChoiceField(
        choices=Source.Kind.choices,
        initial=Source.Kind.NEWS_REPORT,
        required=False,  # the source itself is optional here
        label="Kind of source",
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_sensitive_to_editors(self, "source_sensitive", user)

    def new_sources(self) -> list[dict[str, Any]]:
        """The source typed beside the entry, as services.add_source's arguments (none if no
        address or file was given); the service reports its errors as `source_<field>`."""
        data = self.cleaned_data
        url, upload = data.get("source_url") or "", data.get("source_file")
        if not url and not upload:
            return []
        return [
            {
                "url": url,
                "file": upload,
                "title": data.get("source_title") or url or getattr(upload, "name", ""),
                "publisher": data.get("source_publisher") or "",
                "kind": data.get("source_kind") or Source.Kind.NEWS_REPORT,
                "sensitive": bool(data.get("source_sensitive")),
            }
        ]


class EmbargoFields(forms.Form):
    """Hold a record back as it is written: a reason holds it, until the time given or, without
    one, until it is lifted by hand (services/embargo.py)."""

    embargo_reason = forms.CharField(
        required=False,
        max_length=500,
        label="Hold back (embargo): why",
        help_text="Leave empty to publish at once. Held records are seen by journalists and "
        "editors only.",
    )
    embargo_until = forms.DateTimeField(
        required=False,
        label="Hold until",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="In the newsroom's time zone; empty: until lifted by hand.",
    )

    def service_arguments(self) -> dict[str, Any]:
        arguments = super().service_arguments()
        arguments["embargo"] = self.embargo_terms()
        return arguments

    def embargo_terms(self) -> services.EmbargoTerms | None:
        reason = (self.cleaned_data.get("embargo_reason") or "").strip()
        if not reason and not self.cleaned_data.get("embargo_until"):
            return None
        return services.EmbargoTerms(self.cleaned_data.get("embargo_until"), reason)


class EntryForm(forms.ModelForm):
    """An entry built from its model, limited to the fields its service accepts.

    The model's own validation is left to the service (its messages exist once, there): this
    form only reads and type-checks what was typed, and `service_arguments` hands it over.
    """

    def _post_clean(self) -> None:
        """No model validation here: the service runs it, with the business rules."""

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned fields under the service's names (those the form offers this user), plus
        any source typed beside them."""
        arguments = {
            name: self.cleaned_data.get(name) for name in self._meta.fields if name in self.fields
        }
        arguments["new_sources"] = self.new_sources()
        return arguments


class ResponseForm(SourceFields, EmbargoFields, EntryForm):
    """A county's answer to one request (services.log_response)."""

    categories_provided = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Data provided",
        help_text="Only what the request asked for; this is what makes a partial answer "
        "measurable.",
    )

    class Meta:
        model = Response
        fields = services.RESPONSE_FIELDS
        labels = {"kind": "What the county did"}
        help_texts = {"new_due_on": "Only for an extension."}
        widgets = {
            "received_on": DATE_WIDGET,
            "new_due_on": DATE_WIDGET,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "quotation": forms.Textarea(attrs={"rows": 3}),
        }

    field_order = ["kind", "received_on", "responding_agency", "official"]

    def __init__(self, *args: Any, data_request: DataRequest, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "response")
        super().__init__(*args, **kwargs)
        agency = self.fields["responding_agency"]
        agency.queryset = Agency.objects.exclude(level=Agency.Level.FEDERAL).order_by("name")
        agency.empty_label = "(not recorded)"
        labels = dict(DataCategory.choices)
        self.fields["categories_provided"].choices = [
            (category, labels.get(category, category)) for category in data_request.data_sought
        ]


class EscalationForm(SourceFields, EmbargoFields, EntryForm):
    """DOJ's next step on one request (services.file_escalation)."""

    class Meta:
        model = Escalation
        fields = services.ESCALATION_FIELDS
        labels = {"kind": "What DOJ did"}
        widgets = {
            "issued_on": DATE_WIDGET,
            "due_on": DATE_WIDGET,
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    field_order = ["kind", "issued_on", "due_on", "follows", "status"]

    def __init__(self, *args: Any, data_request: DataRequest, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "escalation")
        super().__init__(*args, **kwargs)
        follows = self.fields["follows"]
        follows.queryset = Escalation.objects.filter(request=data_request).order_by(
            "issued_on", "id"
        )
        follows.empty_label = "(the first step)"


class SourceForm(EntryForm):
    """A source cited on the request itself (services.add_source)."""

    class Meta:
        model = Source
        fields = services.SOURCE_FIELDS
        labels = {
            "url": "Address (URL)",
            "file": "Or upload the document",
            "published_on": "Published on",
            "archived_url": "Archived copy (URL)",
            "sensitive": SENSITIVE_LABEL,
        }
        help_texts = {"sensitive": SENSITIVE_HELP}
        widgets = {"published_on": DATE_WIDGET}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "source")
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = Source.Kind.PRIMARY_DOCUMENT
        offer_sensitive_to_editors(self, "sensitive", user)

    def new_sources(self) -> list[dict[str, Any]]:
        return []

    def service_arguments(self) -> dict[str, Any]:
        arguments = super().service_arguments()
        del arguments["new_sources"]
        return arguments


def attach_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names; anything else goes above
    the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


def saved_through_service(form: forms.Form, write: Callable[[], Saved]) -> Saved | None:
    """A posted form through its service: what `write` saved, or None when the form is invalid
    or the service refuses it (its errors then stand on the form, for the page to show again)."""
    if not form.is_valid():
        return None
    try:
        return write()
    except ValidationError as error:
        attach_service_errors(form, error)
        return None


def entry_logged_message(done: str, entry: Response | Escalation) -> str:
    """What a journalist is told once a response or escalation is logged: its kind, and where
    its request stands now."""
    return (
        f"{done} ({entry.get_kind_display().lower()}). "
        f"Status: {entry.request.get_status_display()}."
    )
