"""The rules the story's services keep: a press answer is about one thing, says to whom it was
referred and never moves a status; a county's stance follows its latest policy in force; a
correction counts the same thing; a figure's scope follows its place."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from requests_tracker.models import County, PressAnswer, ReportedFigure
from requests_tracker.services import figures, jurisdictions, press
from tests.factories import SourceFactory, detainer_metric

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 9, 1)


def answer(**fields):
    defaults = {
        "kind": "no_comment",
        "answered_by": "The Attorney General's office",
        "answered_on": dt.date(2025, 7, 18),
        "sources": [SourceFactory()],
        "today": TODAY,
    }
    return press.record_press_answer(**{**defaults, **fields})


def test_a_press_answer_never_changes_the_requests_status(data_request):
    before = (data_request.status, data_request.overdue_since)
    answer(data_request=data_request, kind="referred", referred_to="the Sheriff")
    data_request.refresh_from_db()
    assert (data_request.status, data_request.overdue_since) == before
    assert data_request.press_answers.get().referred_to == "the Sheriff"


@pytest.mark.parametrize(
    "fields,field",
    [
        ({}, "campaign"),  # about nothing
        ({"kind": "referred"}, "referred_to"),  # referred to nobody
        ({"answered_on": dt.date(2025, 9, 2)}, "answered_on"),  # after today
        ({"sources": []}, "sources"),
    ],
)
def test_a_press_answer_is_refused_by_field_and_nothing_is_saved(data_request, fields, field):
    target = {} if field == "campaign" else {"data_request": data_request}
    with pytest.raises(ValidationError) as refused:
        answer(**target, **fields)
    assert field in refused.value.message_dict
    assert PressAnswer.objects.count() == 0


def test_a_countys_stance_follows_its_latest_policy_in_force(county):
    place = jurisdictions.county_jurisdiction(county)
    source = SourceFactory()

    def policy(stance, effective_on, ended_on=None):
        jurisdictions.record_policy(
            jurisdiction=place,
            kind="transfer_practice",
            title=f"{stance} from {effective_on}",
            stance=stance,
            effective_on=effective_on,
            ended_on=ended_on,
            sources=[source],
            today=TODAY,
        )
        county.refresh_from_db()
        return county.sanctuary_status

    assert policy("sanctuary", dt.date(2018, 1, 1)) == "sanctuary"
    assert policy("cooperative", dt.date(2025, 5, 1)) == "cooperative"
    # A later practice that has already ended leaves the one in force.
    assert policy("limited_cooperation", dt.date(2025, 6, 1), dt.date(2025, 6, 30)) == (
        "cooperative"
    )
    assert County.objects.get(pk=county.pk).sanctuary_source == source
    with pytest.raises(ValidationError) as refused:
        policy("sanctuary", dt.date(2025, 9, 2))
    assert "effective_on" in refused.value.message_dict


def test_a_figures_scope_follows_its_place_and_a_correction_counts_the_same_thing(county):
    metric, source = detainer_metric(), SourceFactory()
    period = {"period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 12, 31)}
    first = figures.record_figure(metric=metric, county=county, value=995, source=source, **period)
    statewide = figures.record_figure(
        metric=metric, state="CA", value=5000, source=source, **period
    )
    national = figures.record_figure(metric=metric, value=90000, source=source, **period)
    assert [(f.scope, f.state) for f in (first, statewide, national)] == [
        ("county", county.state),
        ("state", "CA"),
        ("nation", ""),
    ]
    corrected = figures.record_figure(
        metric=metric, county=county, value=1095, source=SourceFactory(), corrects=first, **period
    )
    assert first.corrected_by.get() == corrected
    with pytest.raises(ValidationError) as refused:
        figures.record_figure(
            metric=metric, state="CA", value=1, source=SourceFactory(), corrects=first, **period
        )
    assert "corrects" in refused.value.message_dict
    assert ReportedFigure.objects.count() == 4
