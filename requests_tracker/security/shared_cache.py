"""The shared cache (Redis) that holds rate-limit counts, failing open while Redis is away.

Rate limits and password-reset limits count in the cache so that every web process shares one
count (settings.CACHES, from CACHE_URL). They guard the site; they must not take it down: when
Redis does not answer, reads return nothing (the count starts again) and writes are dropped, and
for BREAK_SECONDS the cache is not asked again, so a dead Redis costs each process one short
timeout now and then instead of one per request. Sign-in lockout is kept in the database
(django-axes), so it holds while Redis is down; sessions are in the database too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

BREAK_SECONDS = 5.0
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
T = TypeVar("T")


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache, answering "nothing cached" instead of raising while Redis is down.

    Django makes one instance per thread, so the pause after a failure needs no lock.
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._down_until = 0.0  # monotonic time until which Redis is not asked

    def _call(self, fallback: T, operation: Callable[[], T]) -> T:
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return operation()
        except UNAVAILABLE as error:
            logger.warning(
                "Cache unavailable (%s); rate limits count from zero for %.0f s",
                error.__class__.__name__,
                BREAK_SECONDS,
            )
            self._down_until = time.monotonic() + BREAK_SECONDS
            return fallback

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._call(False, partial(super().add, key, value, timeout, version))

    def get(self, key: str, default: Any = None, version: Any = None) -> Any:
        return self._call(default, partial(super().get, key, default, version))

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._call(None, partial(super().set, key, value, timeout, version))

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._call(False, partial(super().touch, key, timeout, version))

    def delete(self, key: str, version: Any = None) -> bool:
        return self._call(False, partial(super().delete, key, version))

    def get_many(self, keys: Any, version: Any = None) -> dict[str, Any]:
        return self._call({}, partial(super().get_many, keys, version))

    def has_key(self, key: str, version: Any = None) -> bool:
        return self._call(False, partial(super().has_key, key, version))

    def incr(self, key: str, delta: int = 1, version: Any = None) -> int:
        return self._call(delta, partial(super().incr, key, delta, version))

    def set_many(
        self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list:
        return self._call([], partial(super().set_many, data, timeout, version))

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._call(None, partial(super().delete_many, keys, version))

    def clear(self) -> None:
        self._call(None, super().clear)
