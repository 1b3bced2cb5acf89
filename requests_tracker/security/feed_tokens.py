"""Private feed addresses: `<user id>.<signature>`, signed with SECRET_KEY over the user's id,
their current feed secret (FeedToken.key; "" until they first revoke an address) and their
password hash.

A page can show a user's private feed address without writing anything. Replacing the user's
feed secret revokes every address made before; so does a new password (the hash changes), and
deactivating the user (services.watches.forget_feeds_of_deactivated_users replaces the secret,
so the old addresses stay dead if the user is made active again). Changing SECRET_KEY revokes
them all.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

SIGNATURE_LENGTH = 40
TOKEN_PATTERN = r"[0-9]{1,19}\.[0-9a-f]{40}"
"""What the URL conf accepts as a token (the id and the hex signature)."""


def feed_token(user_id: int, secret: str, password: str) -> str:
    """The address token of `user_id` while their feed secret is `secret` and their password
    hash `password`."""
    message = f"private-feed:{user_id}:{secret}:{password}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return f"{user_id}.{digest[:SIGNATURE_LENGTH]}"


def token_user_id(token: str) -> int | None:
    """The user id a token names (unverified), or None when it is not a token at all."""
    user_id, _, signature = token.partition(".")
    if not user_id.isdigit() or len(signature) != SIGNATURE_LENGTH:
        return None
    return int(user_id)


def token_matches(token: str, user_id: int, secret: str, password: str) -> bool:
    """Whether `token` is the current one of `user_id` (constant-time comparison)."""
    return hmac.compare_digest(token, feed_token(user_id, secret, password))
