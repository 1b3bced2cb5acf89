"""Every write the tracker makes. Admin, API, web forms, tasks and commands all call these.

Each service does one business action completely, inside one transaction: lock the rows it
changes, validate (full_clean plus the business rules), write, re-derive the request's status and
overdue flag through workflow.py, record Activity, and on commit wake the worker that fans new
Activity out to webhooks. Validation errors are django.core.exceptions.ValidationError keyed by
field, so every entry point can show "which field, and why".

Modules, by the record each one writes: requests (requests and campaigns), responses, escalations,
sources, figures, embargo (holding records back and lifting them), watches, webhook_subscriptions,
webhooks (delivery), digests, overdue, imports (spreadsheet rows, through the services above),
releases (open data); and the helpers they share: activity (Activity and its sentences), locks (the
request lock), clock (the newsroom's day), validation (errors per field), work_queue (tasks queued
on commit), status (refresh_request_status), editing (model_update), corrections (the public note
an edit may carry). Each write module declares the fields its services accept (RESPONSE_FIELDS,
...); forms and serializers are built from those lists.
Import services from here: `from requests_tracker import services; services.log_response(...)`.
"""

from requests_tracker.services.clock import local_today
from requests_tracker.services.corrections import record_correction
from requests_tracker.services.digests import DigestResult, send_digests
from requests_tracker.services.editing import in_model_order
from requests_tracker.services.embargo import (
    lift_due_embargoes,
    lift_embargo,
    remind_of_ending_embargoes,
    set_embargo,
)
from requests_tracker.services.embargo_terms import EmbargoTerms
from requests_tracker.services.escalations import (
    ESCALATION_FIELDS,
    delete_escalation,
    file_escalation,
    update_escalation,
    validate_escalation_for,
)
from requests_tracker.services.figures import FIGURE_FIELDS, record_figure, update_figure
from requests_tracker.services.imports import ImportResult, import_sheet
from requests_tracker.services.overdue import OverdueResult, flag_overdue
from requests_tracker.services.releases import record_dataset_release
from requests_tracker.services.requests import (
    AGENCY_FIELDS,
    CAMPAIGN_EDITABLE_FIELDS,
    CAMPAIGN_FIELDS,
    REQUEST_EDITABLE_FIELDS,
    REQUEST_FIELDS,
    delete_request,
    issue_campaign,
    issue_request,
    register_agency,
    resolve_deadline,
    update_campaign,
    update_request,
)
from requests_tracker.services.responses import (
    RESPONSE_FIELDS,
    delete_response,
    log_response,
    update_response,
    validate_response_for,
)
from requests_tracker.services.sources import (
    NEW_SOURCE_ERROR_PREFIX,
    SOURCE_EDITABLE_FIELDS,
    SOURCE_FIELDS,
    add_source,
    cite_source,
    uncite_source,
    update_source,
)
from requests_tracker.services.watches import (
    rotate_feed_token,
    unwatch,
    update_watch,
    watch,
)
from requests_tracker.services.webhook_subscriptions import (
    SUBSCRIPTION_EDITABLE_FIELDS,
    delete_webhook_subscription,
    subscribe_webhook,
    update_webhook_subscription,
)
from requests_tracker.services.webhooks import (
    DeliveryOutcome,
    deliver_webhook,
    due_deliveries,
    enable_subscription,
    fan_out_activity,
)

__all__ = [
    "EmbargoTerms",
    "lift_due_embargoes",
    "lift_embargo",
    "set_embargo",
    "remind_of_ending_embargoes",
    "AGENCY_FIELDS",
    "CAMPAIGN_EDITABLE_FIELDS",
    "CAMPAIGN_FIELDS",
    "ESCALATION_FIELDS",
    "FIGURE_FIELDS",
    "NEW_SOURCE_ERROR_PREFIX",
    "REQUEST_EDITABLE_FIELDS",
    "REQUEST_FIELDS",
    "RESPONSE_FIELDS",
    "SOURCE_EDITABLE_FIELDS",
    "SOURCE_FIELDS",
    "SUBSCRIPTION_EDITABLE_FIELDS",
    "DeliveryOutcome",
    "DigestResult",
    "ImportResult",
    "OverdueResult",
    "add_source",
    "cite_source",
    "delete_escalation",
    "delete_request",
    "delete_response",
    "delete_webhook_subscription",
    "deliver_webhook",
    "due_deliveries",
    "enable_subscription",
    "fan_out_activity",
    "file_escalation",
    "flag_overdue",
    "import_sheet",
    "in_model_order",
    "issue_campaign",
    "issue_request",
    "local_today",
    "log_response",
    "record_correction",
    "record_dataset_release",
    "record_figure",
    "register_agency",
    "resolve_deadline",
    "rotate_feed_token",
    "send_digests",
    "subscribe_webhook",
    "uncite_source",
    "unwatch",
    "update_campaign",
    "update_escalation",
    "update_figure",
    "update_request",
    "update_response",
    "update_source",
    "update_watch",
    "update_webhook_subscription",
    "validate_escalation_for",
    "validate_response_for",
    "watch",
]
