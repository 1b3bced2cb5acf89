"""The address CourtListener posts docket alerts to: /hooks/courtlistener/<secret>/.

A delivery is accepted only when all of these hold, and nothing is written otherwise:
- the address's last segment is COURTLISTENER_WEBHOOK_SECRET (compared in constant time; with
  no secret configured the address does not exist: 404);
- it comes from one of COURTLISTENER_WEBHOOK_SENDERS (default: CourtListener's documented sender
  addresses), as security/client_address.py reads the client's address (403);
- it is a POST of JSON no larger than COURTLISTENER_MAX_BODY_BYTES (413) with an
  Idempotency-Key header (400), and its body is a docket alert (400 naming the field).
The delivery is kept once per Idempotency-Key and its entries are recorded by the worker, so the
answer is quick (202 when new, 200 when the key was seen before) and a retried delivery writes
nothing twice.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging

from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from requests_tracker.api.errors import error_body
from requests_tracker.courts import courtlistener
from requests_tracker.security.client_address import client_address
from requests_tracker.services import courts

logger = logging.getLogger(__name__)

IDEMPOTENCY_KEY_MAX = 128


def _error(status: int, field: str, reason: str) -> JsonResponse:
    """The API's error shape (api/errors.py), naming the field and the reason."""
    code = {403: "forbidden", 413: "too_large", 415: "unsupported_media_type"}.get(
        status, "invalid"
    )
    return JsonResponse(
        error_body(status, code, f"{field}: {reason}", {field: [reason]}), status=status
    )


def sender_allowed(address: str) -> bool:
    """Whether a delivery from `address` is one of the configured (or documented) senders."""
    networks = settings.COURTLISTENER_WEBHOOK_SENDERS or courtlistener.SENDER_ADDRESSES
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in networks)


@csrf_exempt
@require_POST
def courtlistener_webhook(request: HttpRequest, secret: str) -> JsonResponse:
    expected = settings.COURTLISTENER_WEBHOOK_SECRET
    if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
        raise Http404
    address = client_address(request)
    if not sender_allowed(address):
        logger.warning("CourtListener webhook refused: %s is not a documented sender", address)
        return _error(403, "sender", f"{address} is not an address CourtListener sends from.")
    if request.content_type != "application/json":
        return _error(415, "content_type", "Deliveries are JSON (application/json).")
    length = request.META.get("CONTENT_LENGTH") or "0"
    limit = settings.COURTLISTENER_MAX_BODY_BYTES
    if not length.isdigit() or int(length) > limit:
        return _error(413, "body", f"A delivery may be at most {limit} bytes.")
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
        return _error(
            400,
            "Idempotency-Key",
            f"Required: the delivery's key, 1 to {IDEMPOTENCY_KEY_MAX} printable characters.",
        )
    body = request.read(limit + 1)
    if len(body) > limit:
        return _error(413, "body", f"A delivery may be at most {limit} bytes.")
    try:
        delivery, created = courts.receive_delivery(idempotency_key=key, body=body)
    except courtlistener.InvalidPayload as error:
        return _error(400, error.field, error.reason)
    return JsonResponse(
        {"received": created, "docket": delivery.docket_id}, status=202 if created else 200
    )
