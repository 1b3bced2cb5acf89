"""Every write the tracker makes. Admin, API, web forms, tasks and commands all call these.

Each service does one business action completely, inside one transaction: lock the rows it
changes, validate (full_clean plus the business rules), write, re-derive the request's status and
overdue flag through workflow.py, record Activity, and on commit wake the worker that fans new
Activity out to webhooks. Validation errors are django.core.exceptions.ValidationError keyed by
field, so every entry point can show "which field, and why".

The package is split by the record each service writes; import from here:
`from requests_tracker import services; services.log_response(...)`.
"""

from requests_tracker.services.activity import local_today
from requests_tracker.services.digests import DigestResult, send_digests
from requests_tracker.services.escalations import (
    delete_escalation,
    file_escalation,
    update_escalation,
    validate_escalation_for,
)
from requests_tracker.services.figures import record_figure, unwatch, watch
from requests_tracker.services.overdue import OverdueResult, flag_overdue
from requests_tracker.services.requests import (
    delete_request,
    issue_campaign,
    issue_request,
    register_agency,
    resolve_deadline,
    update_campaign,
    update_request,
)
from requests_tracker.services.responses import (
    delete_response,
    log_response,
    update_response,
    validate_response_for,
)
from requests_tracker.services.sources import (
    add_source,
    cite_source,
    uncite_source,
    update_source,
)
from requests_tracker.services.subscriptions import (
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
    "DeliveryOutcome",
    "DigestResult",
    "OverdueResult",
    "add_source",
    "cite_source",
    "deliver_webhook",
    "due_deliveries",
    "enable_subscription",
    "fan_out_activity",
    "delete_escalation",
    "delete_request",
    "delete_response",
    "delete_webhook_subscription",
    "file_escalation",
    "flag_overdue",
    "issue_campaign",
    "issue_request",
    "local_today",
    "log_response",
    "record_figure",
    "register_agency",
    "resolve_deadline",
    "send_digests",
    "subscribe_webhook",
    "uncite_source",
    "unwatch",
    "update_campaign",
    "update_escalation",
    "update_request",
    "update_response",
    "update_source",
    "update_webhook_subscription",
    "validate_escalation_for",
    "validate_response_for",
    "watch",
]
