"""The shared cache (lcr_skills/cache.py) keeps one redis client per connection pool: while Redis is down a read
is a miss and a write is dropped, and once Redis is back the same cache reads and writes again; a write that a
full Redis refuses is dropped too. Each test has a redis-server of its own (only that: no database)."""

import pytest
import redis

from lcr_skills.cache import ResilientRedisCache
from tests.reliability.private_services import PrivateRedis, redis_server_executable


@pytest.fixture
def redis_server(tmp_path):
    server = PrivateRedis(redis_server_executable(), tmp_path)
    server.start()
    yield server
    server.stop()


def test_the_cache_reads_and_writes_again_once_redis_is_back(redis_server):
    cache = ResilientRedisCache(redis_server.url, {})
    cache.set("place:L18JQ", "before", 60)
    assert cache.get("place:L18JQ") == "before"
    assert cache._cache.get_client() is cache._cache.get_client()  # one client, kept

    redis_server.stop()
    missed = cache.get_many(["place:L18JQ", "places:version"])
    cache.set("place:L18JQ", "while down", 60)  # dropped, not raised
    redis_server.start()  # on the same port, empty: it keeps nothing
    after_restart = cache.get("place:L18JQ", "nothing kept")
    cache.set("place:L18JQ", "after", 60)

    assert missed == {}
    assert after_restart == "nothing kept"
    assert cache.get("place:L18JQ") == "after"


def test_a_write_that_a_full_redis_refuses_is_dropped_not_raised(redis_server):
    admin = redis.Redis(port=redis_server.port)
    admin.config_set("maxmemory-policy", "noeviction")
    admin.config_set("maxmemory", 1)  # full already: every write is refused ("OOM command not allowed")
    cache = ResilientRedisCache(redis_server.url, {})

    cache.set("search-close-words:plumber", ["plumbing"], 60)
    added = cache.add("throttle:1.2.3.4", 1, 60)

    assert added is False
    assert cache.get("search-close-words:plumber") is None
