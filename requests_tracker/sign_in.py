"""Guessing passwords, and flooding inboxes with reset mails, are slowed down.

Sign-in lockout is django-axes (settings AXES_*): after AXES_FAILURE_LIMIT wrong passwords in a
row for one user name from one client address (client_address.py), that pair is refused, right
password or not, until AXES_COOLOFF_TIME has passed since the last attempt; a success resets the
count. It covers every form that signs in through Django's authenticate(): /admin/login/ and
/accounts/login/. The attempts and lockouts are kept in the database (admin: Axes) and logged.

Password-reset mails (/accounts/password_reset/) are limited in the shared cache: at most
PASSWORD_RESET_LIMIT_PER_EMAIL per address and email, and PASSWORD_RESET_LIMIT_PER_ADDRESS per
address for any emails, in PASSWORD_RESET_WINDOW_SECONDS. Past that the form answers 429 and
sends nothing. The answer is the same whether or not the email belongs to an account.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import PasswordResetView
from django.core.cache import cache
from django.http import HttpResponse

from requests_tracker.client_address import client_address

logger = logging.getLogger(__name__)

RESET_REFUSED = (
    "Too many password reset requests from your address. Wait an hour and try again, or ask an "
    "editor to reset your password."
)


def _count(key: str, window: int) -> int:
    """Add one to the counter `key`, which starts at zero and lasts `window` seconds."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def password_reset_allowed(*, address: str, email: str) -> bool:
    """Count one reset request from `address` for `email`; False once either limit is passed.

    The email is kept only as a hash in the cache key.
    """
    window = settings.PASSWORD_RESET_WINDOW_SECONDS
    email_hash = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    per_email = _count(f"password-reset:{address}:{email_hash}", window)
    per_address = _count(f"password-reset:{address}", window)
    return (
        per_email <= settings.PASSWORD_RESET_LIMIT_PER_EMAIL
        and per_address <= settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
    )


class ThrottledPasswordResetView(PasswordResetView):
    """Django's password reset form, sending nothing past the limits above."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        address = client_address(self.request)
        if not password_reset_allowed(address=address, email=form.cleaned_data["email"]):
            logger.warning("Password reset refused for %s: too many requests", address)
            form.add_error("email", RESET_REFUSED)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)
