"""Rate limits for anonymous and signed-in clients, rates from settings.REST_FRAMEWORK: the API's
(DRF's throttle classes, below) and the pages that search (`refused_for`), one count for both.

DRF's own classes copy the rates when Python first imports them; these read them on every
request, so a changed setting (an operator's override, a test) takes effect at once.
"""

from __future__ import annotations

from rest_framework import throttling
from rest_framework.settings import api_settings

from requests_tracker.security.client_address import client_scope


class AnonymousRateThrottle(throttling.AnonRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str:  # noqa: ANN001
        # Trust X-Forwarded-For only as far as settings.NUM_PROXIES says (client_address.py).
        return client_scope(request)


class SignedInRateThrottle(throttling.UserRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:  # noqa: ANN001
        # Anonymous clients are counted by AnonymousRateThrottle alone.
        if not request.user or not request.user.is_authenticated:
            return True
        return super().allow_request(request, view)


def refused_for(request) -> float | None:  # noqa: ANN001
    """Count one request of a page that costs as much as an API list (search); the seconds to
    wait when the client is over its rate, else None. The same counts as the API's."""
    for throttle in (AnonymousRateThrottle(), SignedInRateThrottle()):
        if not throttle.allow_request(request, None):
            return throttle.wait() or 1.0
    return None
