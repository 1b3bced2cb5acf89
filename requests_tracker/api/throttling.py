"""Rate limits for anonymous and signed-in clients, rates from settings.REST_FRAMEWORK.

DRF's own classes copy the rates when Python first imports them; these read them on every
request, so a changed setting (an operator's override, a test) takes effect at once.
"""

from __future__ import annotations

from rest_framework import throttling
from rest_framework.settings import api_settings

from requests_tracker.client_address import client_scope


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
