"""One description per field: what a field means is written once, as the model's help_text, and the
open-data release, the API schema and the spreadsheet import say it in those words (the admin's
and the pages' forms show them too); what a field is called is its verbose name, the label of its
form field and the header of its CSV column."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.exceptions import FieldDoesNotExist
from rest_framework.test import APIClient

from requests_tracker.exchange import spreadsheet_import
from requests_tracker.exchange.dataset.story_tables import RESOURCES
from requests_tracker.models import DataRequest, Escalation, ReportedFigure, Response, Source
from requests_tracker.web.forms import ResponseForm

pytestmark = pytest.mark.django_db

SCHEMA_OF_TABLE = {
    "counties": "County",
    "agencies": "Agency",
    "sources": "Source",
    "campaigns": "Campaign",
    "responses": "CountyResponse",
    "escalations": "Escalation",
    "figures": "ReportedFigure",
    "cases": "Case",
    "docket_entries": "DocketEntry",
    "threats": "Threat",
    "legal_grounds": "LegalGround",
    "metrics": "Metric",
    "jurisdictions": "Jurisdiction",
    "policies": "Policy",
    "people": "Person",
    "roles": "Role",
    "press_answers": "PressAnswer",
}
"""Each table of the release, and the API's representation of the same records."""


def field_columns():
    """(table, column, the model field it shows) for every column of the release that is one."""
    for resource in RESOURCES:
        model = resource.queryset().model
        for column in resource.columns:
            try:
                declared = model._meta.get_field((column.read or column.name).split("__")[0])
            except FieldDoesNotExist:
                continue  # worked out from the row (its page, its stored copy)
            yield resource.name, column, declared


def test_the_release_describes_each_field_as_the_model_does():
    described = 0
    for table, column, declared in field_columns():
        if not declared.help_text:
            continue  # ids and link tables, described by the release itself
        assert column.description.startswith(str(declared.help_text)), (table, column.name)
        described += 1
    assert described > 150


def test_the_api_schema_describes_each_field_in_the_release_s_words(client):
    schemas = json.loads(client.get("/api/schema/", {"format": "json"}).content)["components"]
    compared, differ = 0, []
    for table, column, declared in field_columns():
        properties = (
            schemas["schemas"][SCHEMA_OF_TABLE[table]]["properties"]
            if (table in SCHEMA_OF_TABLE)
            else {}
        )
        shown = properties.get(declared.name)
        if shown is None or not declared.help_text or declared.is_relation:
            continue  # a link is shown as the record it links to, described as that record
        # a choice's description goes on with its values
        if not shown.get("description", "").startswith(str(declared.help_text)):
            differ.append((table, column.name, shown.get("description")))
        compared += 1
    assert differ == []
    assert compared > 100


def test_the_spreadsheet_import_describes_each_field_as_the_model_does():
    model_of_kind = {
        "requests": DataRequest,
        "responses": Response,
        "escalations": Escalation,
        "sources": Source,
        "figures": ReportedFigure,
    }
    described = 0
    for kind, columns in spreadsheet_import.KINDS.items():
        for column in columns:
            try:
                declared = model_of_kind[kind]._meta.get_field(column.name)
            except FieldDoesNotExist:
                continue  # a key to another record (county_name, request_issued_on, source_url)
            # then how to fill it in: "E.g. SB 54.", a choice's values
            assert column.help.startswith(str(declared.help_text)), (kind, column.name)
            assert declared.help_text, (kind, column.name)
            described += 1
    assert described > 40


def test_a_response_s_csv_heads_its_columns_as_the_form_labels_its_fields(editor, data_request):
    client = APIClient()
    client.force_authenticate(editor)
    answer = client.get("/api/v1/responses.csv")
    assert answer.status_code == 200
    header = next(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode())))
    form = ResponseForm(data_request=data_request)
    for name in ("received_on", "official", "said_at", "already_public_url", "legal_basis_cited"):
        label = str(form.fields[name].label)
        assert label in header, (name, label, header)
    assert "Where said" in header and "Already public at" in header
