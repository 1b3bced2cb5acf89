"""A request's status and overdue flag, re-derived after every write that can change them."""

from __future__ import annotations

import datetime as dt

from requests_tracker import workflow
from requests_tracker.choices import ActivityVerb, RequestStatus
from requests_tracker.models import DataRequest
from requests_tracker.services.activity import User, record_activity, sentence

STATUS_LABELS = dict(RequestStatus.choices)


def refresh_request_status(
    data_request: DataRequest,
    *,
    today: dt.date,
    actor: User | None,
    occurred_on: dt.date | None = None,
) -> DataRequest:
    """Re-derive status, overdue, the first answer dates and whether a refusal or an escalation
    is on file (DataRequest.DERIVED_FIELDS) from the request's responses and escalations
    (workflow.py) and save them; each real transition is recorded on the timeline
    (`status_changed`, `became_overdue`, `overdue_cleared`). The caller holds the request's lock
    (lock_request).

    A transition happened on `occurred_on`, the date of the event that caused it (an answer's
    received date, an escalation's issue date; default today); becoming overdue happens on the
    first overdue day.

    Only published responses and escalations count: one under embargo is not in effect until it
    lifts (services/embargo.py), so what readers see of the request never moves before then."""
    occurred_on = occurred_on or today
    responses = [
        workflow.ResponseFact(kind, received_on, pk)
        for pk, kind, received_on in data_request.responses.filter(embargoed=False).values_list(
            "pk", "kind", "received_on"
        )
    ]
    escalations = [
        workflow.EscalationFact(status, issued_on, pk)
        for pk, status, issued_on in data_request.escalations.filter(embargoed=False).values_list(
            "pk", "status", "issued_on"
        )
    ]
    status = workflow.derive_status(responses, escalations)
    overdue_since = workflow.request_overdue_since(status, data_request.due_on, today)
    county = data_request.county
    if status != data_request.status:
        record_activity(
            ActivityVerb.STATUS_CHANGED,
            sentence(
                ActivityVerb.STATUS_CHANGED,
                county=county,
                was=STATUS_LABELS[data_request.status].lower(),
                now=STATUS_LABELS[status].lower(),
            ),
            data_request=data_request,
            actor=actor,
            data={"from": data_request.status, "to": status},
            occurred_on=occurred_on,
        )
    if overdue_since and not data_request.overdue_since:
        record_activity(
            ActivityVerb.BECAME_OVERDUE,
            became_overdue_sentence(county, overdue_since),
            data_request=data_request,
            data={"overdue_since": overdue_since.isoformat()},
            occurred_on=overdue_since,
        )
    elif data_request.overdue_since and not overdue_since:
        record_activity(
            ActivityVerb.OVERDUE_CLEARED,
            sentence(ActivityVerb.OVERDUE_CLEARED, county=county, what="response"),
            data_request=data_request,
            actor=actor,
            data={"was_overdue_since": data_request.overdue_since.isoformat()},
            occurred_on=occurred_on,
        )
    data_request.status = status
    data_request.overdue_since = overdue_since
    data_request.first_response_on = workflow.first_response_on(responses)
    data_request.first_answer_on = workflow.first_answer_on(responses)
    data_request.declined_on_file = workflow.declined_on_file(responses)
    data_request.escalation_filed = workflow.escalation_filed(escalations)
    data_request.save(update_fields=[*DataRequest.DERIVED_FIELDS, "updated_at"])
    return data_request


def became_overdue_sentence(county: object, overdue_since: dt.date) -> str:
    """A request's "overdue since" sentence (the same one flag_overdue writes in SQL)."""
    return sentence(
        ActivityVerb.BECAME_OVERDUE, county=county, what="response", since=overdue_since
    )
