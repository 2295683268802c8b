"""The shared cache (CACHE_URL): Django's RedisCache, but Redis being down (or full) is a miss, not an error.

What the cache holds can be lost: the throttles' counts (while Redis is down they count nothing, so
requests are allowed; the sign-in lockout, in the database, still holds) and the search's close words
(read from the vocabulary instead). A page or an API call must not fail, nor wait long, because of it:
a connection that fails or hangs for CACHE_TIMEOUT_SECONDS counts as a miss, and is logged, as does a write
that a full Redis refuses (`maxmemory` with the `noeviction` policy answers "OOM command not allowed").
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import OutOfMemoryError as RedisFull
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

CACHE_TIMEOUT_SECONDS = 0.5  # to connect, and for each answer: a cache read must never hold a page up for long
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, RedisFull)


class _Client(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[object, object] = {}  # by connection pool

    def get_client(self, key: str | None = None, *, write: bool = False) -> object:
        """Django's makes a new redis-py client for every call (a few hundred entries of its own to set up, about
        a quarter of a millisecond); one for each connection pool does: redis-py's clients may be shared, the
        pool holds the connections ("Redis client instances can safely be shared between threads",
        https://redis.readthedocs.io/en/stable/advanced_features.html)."""
        pool = self._get_connection_pool(write)
        if (client := self._clients.get(pool)) is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client

    def _missed(self, operation: str, error: Exception) -> None:
        logger.warning("cache %s failed, treated as a miss: %s", operation, error)

    def get(self, key: str, default: object) -> object:
        try:
            return super().get(key, default)
        except REDIS_DOWN as error:
            self._missed("get", error)
            return default

    def get_many(self, keys: list[str]) -> dict:
        try:
            return super().get_many(keys)
        except REDIS_DOWN as error:
            self._missed("get_many", error)
            return {}

    def add(self, key: str, value: object, timeout: int | None) -> bool:
        try:
            return super().add(key, value, timeout)
        except REDIS_DOWN as error:
            self._missed("add", error)
            return False

    def set(self, key: str, value: object, timeout: int | None) -> None:
        try:
            super().set(key, value, timeout)
        except REDIS_DOWN as error:
            self._missed("set", error)

    def set_many(self, data: dict, timeout: int | None) -> list:
        try:
            return super().set_many(data, timeout)
        except REDIS_DOWN as error:
            self._missed("set_many", error)
            return list(data)


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict) -> None:
        options = {"socket_connect_timeout": CACHE_TIMEOUT_SECONDS, "socket_timeout": CACHE_TIMEOUT_SECONDS}
        super().__init__(server, {**params, "OPTIONS": {**options, **params.get("OPTIONS", {})}})
        self._class = _Client
