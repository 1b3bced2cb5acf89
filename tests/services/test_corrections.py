"""Correction notes: kept with the edit of a published fact, refused for anything else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from requests_tracker import services
from requests_tracker.models import Correction, DataRequest, ReportedFigure
from requests_tracker.selectors import history
from tests.factories import SourceFactory, record_detainer_figure

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 9, 15)


@pytest.fixture
def figure(county, journalist) -> ReportedFigure:
    return record_detainer_figure(county=county, source=SourceFactory(), actor=journalist)


def test_a_figure_corrected_with_a_note_keeps_the_note_and_what_changed(figure, editor):
    services.update_figure(
        figure=figure,
        actor=editor,
        value=1095,
        correction_note="The sheriff's report said 1,095, not 995.",
    )
    correction = Correction.objects.get()
    assert correction.kind == "figure" and correction.figure == figure
    assert correction.county == figure.county
    assert correction.note == "The sheriff's report said 1,095, not 995."
    assert correction.changes == [{"field": "value", "label": "Value", "from": "995", "to": "1095"}]
    assert correction.made_by == editor
    assert correction.history_id == figure.history.latest("history_id").history_id
    assert ReportedFigure.objects.get().value == 1095


def test_an_edit_without_a_note_keeps_no_correction(figure, editor):
    services.update_figure(figure=figure, actor=editor, value=1095)
    assert not Correction.objects.exists()
    assert figure.history.count() == 2  # the edit itself is still in the history


def test_a_note_on_an_edit_of_the_internal_note_only_is_refused_and_nothing_is_saved(
    data_request, editor
):
    with pytest.raises(ValidationError) as refused:
        services.update_request(
            data_request=data_request,
            actor=editor,
            internal_note="Call the PIO.",
            correction_note="Fixed.",
            today=TODAY,
        )
    assert "correction_note" in refused.value.message_dict
    assert DataRequest.objects.get().internal_note == ""
    assert not Correction.objects.exists()


def test_a_note_on_an_edit_that_changes_nothing_is_refused(data_request, editor):
    with pytest.raises(ValidationError) as refused:
        services.update_request(
            data_request=data_request,
            actor=editor,
            summary=data_request.summary,
            correction_note="Fixed.",
            today=TODAY,
        )
    assert "correction_note" in refused.value.message_dict


def test_a_corrected_response_names_its_request_county_and_the_choice_labels(data_request, editor):
    response = services.log_response(
        data_request=data_request,
        kind="acknowledged",
        received_on=dt.date(2025, 7, 20),
        today=TODAY,
    )
    services.update_response(
        response=response,
        actor=editor,
        kind="declined",
        today=TODAY,
        correction_note="The letter declined; it did not merely acknowledge.",
    )
    correction = Correction.objects.get()
    assert (correction.kind, correction.response, correction.request) == (
        "response",
        response,
        data_request,
    )
    assert correction.changes == [
        {"field": "kind", "label": "Kind", "from": "Acknowledged receipt", "to": "Declined"}
    ]
    assert correction.record_label == "Los Angeles County, CA: declined of 2025-07-20"
    assert DataRequest.objects.get().status == "declined"


def test_a_sensitive_source_is_never_named_in_a_public_correction(figure, editor):
    sensitive = SourceFactory(title="Jail roster with names", sensitive=True)
    services.update_figure(
        figure=figure, actor=editor, source=sensitive, correction_note="Wrong document cited."
    )
    correction = Correction.objects.get()
    assert correction.changes[0]["to_id"] == sensitive.pk  # a reference, never a copied title
    assert "Jail roster" not in str(correction.changes)
    [shown] = history.corrections_shown_to([correction], AnonymousUser())
    assert shown.shown_changes[0]["to"] == "a source not shown publicly"
    [shown] = history.corrections_shown_to([correction], editor)
    assert shown.shown_changes[0]["to"] == "Jail roster with names"


def test_an_escalation_status_change_can_carry_a_note(data_request, editor):
    escalation = services.file_escalation(
        data_request=data_request,
        kind="administrative_subpoena",
        issued_on=dt.date(2025, 8, 28),
        today=TODAY,
    )
    services.update_escalation(
        escalation=escalation,
        actor=editor,
        status="quashed",
        today=TODAY,
        correction_note="The court quashed the subpoena; we had it as open.",
    )
    correction = Correction.objects.get()
    assert correction.escalation == escalation
    assert correction.changes[0]["from"] == "Open" and correction.changes[0]["to"] == "Quashed"
