"""Guessing passwords, and flooding inboxes with reset mails, are slowed down.

Sign-in lockout is django-axes (settings AXES_*): after AXES_FAILURE_LIMIT wrong passwords in a
row for one user name from one client address (client_address.client_scope: an IPv6 client by
its /64), that pair is refused, right password or not, until AXES_COOLOFF_TIME has passed since
the last attempt; a success resets the count. Across addresses, `AccountGuardBackend` refuses an
account once SIGN_IN_ACCOUNT_FAILURE_LIMIT wrong passwords (from anywhere) were counted for it
in the shared cache within AXES_COOLOFF_TIME, so guessing from many addresses is bounded too;
the limit is higher than the per-address one, so a stranger cannot lock a journalist out by
trying a few times. Both cover every form that signs in through Django's authenticate():
/admin/login/ and /accounts/login/, and answer with the same lockout page (429).

Password-reset mails (/accounts/password_reset/) are limited in the shared cache: at most
PASSWORD_RESET_LIMIT_PER_EMAIL per client address and email, PASSWORD_RESET_LIMIT_PER_ADDRESS per
client address for any emails, and PASSWORD_RESET_LIMIT_PER_ACCOUNT per email from any
addresses, in PASSWORD_RESET_WINDOW_SECONDS. Past that the form answers 429 and sends nothing.
The answer is the same whether or not the email belongs to an account.
"""

from __future__ import annotations

import functools
import hashlib
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.contrib.auth.views import PasswordResetView
from django.contrib.postgres.expressions import ArraySubquery
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import OuterRef
from django.http import HttpResponse

from requests_tracker import permissions
from requests_tracker.security.client_address import client_address, limit_scope

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
    """Count one reset request from `address` for `email`; False once any limit is passed (per
    address and email, per address for any emails, per email from any addresses).

    The email is kept only as a hash in the cache key.
    """
    window = settings.PASSWORD_RESET_WINDOW_SECONDS
    scope, account = limit_scope(address), _hashed(email)
    per_email = _count(f"password-reset:{scope}:{account}", window)
    per_address = _count(f"password-reset:{scope}", window)
    if (
        per_email > settings.PASSWORD_RESET_LIMIT_PER_EMAIL
        or per_address > settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
    ):
        return False
    # Counted only for mails the other limits let through: one address's refused requests do
    # not use up what the account's owner may still ask for from elsewhere.
    per_account = _count(f"password-reset:account:{account}", window)
    return per_account <= settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT


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


def _hashed(name: str) -> str:
    return hashlib.sha256(name.strip().lower().encode()).hexdigest()[:32]


def _account_key(username: str) -> str:
    return f"sign-in-failures:{_hashed(username)}"


@functools.cache
def _user_statement() -> str:
    """One user by id with the names of their groups (`tracker_groups`): compiled by the ORM
    once per process, since every signed-in request reads its user (building and compiling the
    query each time cost more than running it)."""
    users = get_user_model()._default_manager.annotate(
        tracker_groups=ArraySubquery(
            Group.objects.filter(user=OuterRef("pk")).order_by().values("name")
        )
    )
    statement, parameters = users.filter(pk=0).query.sql_with_params()
    if list(parameters) != [0]:
        raise ImproperlyConfigured(f"The user statement takes {parameters}, not the id alone.")
    return statement


class TrackerModelBackend(ModelBackend):
    """Django's model backend, but a signed-in user is read with their group names in one
    statement, so the role every page and API call checks (permissions.role_of) costs no second
    one."""

    def get_user(self, user_id):  # noqa: ANN001, ANN201
        users = get_user_model()._default_manager.raw(_user_statement(), [user_id])
        user = next(iter(users), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        permissions.remember_role(user, user.tracker_groups)
        return user


class AccountGuardBackend(TrackerModelBackend):
    """Refuses to check a password for an account that had SIGN_IN_ACCOUNT_FAILURE_LIMIT wrong
    passwords, from any addresses, within AXES_COOLOFF_TIME; the lockout page says so. (Never
    signs anyone in itself; a ModelBackend so that a session it is named in finds its user.)"""

    def authenticate(self, request, username=None, **kwargs):  # noqa: ANN001, ANN201
        if request is None or not username:
            return None
        failures = cache.get(_account_key(username)) or 0
        if failures >= settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT:
            logger.warning("Sign-in refused: too many failed attempts for one account")
            request.axes_locked_out = True  # AxesMiddleware answers with the lockout page
            raise PermissionDenied
        return None


def count_account_failure(sender: object, credentials: dict, **_: object) -> None:
    """user_login_failed: one more wrong password for the account, from wherever it came."""
    username = credentials.get("username")
    if username:
        _count(_account_key(username), int(settings.AXES_COOLOFF_TIME.total_seconds()))


def forget_account_failures(sender: object, user: object, **_: object) -> None:
    """user_logged_in: the account's count starts again (as axes does per address)."""
    cache.delete(_account_key(user.get_username()))


user_login_failed.connect(count_account_failure, dispatch_uid="sign-in-account-failures")
user_logged_in.connect(forget_account_failures, dispatch_uid="sign-in-account-success")
