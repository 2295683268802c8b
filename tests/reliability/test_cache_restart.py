"""The shared cache (lcr_skills/cache.py) keeps one redis client per connection pool: while Redis is down a read
is a miss and a write is dropped, and once Redis is back the same cache reads and writes again."""

import os
import shutil

import pytest

from lcr_skills.cache import ResilientRedisCache
from tests.reliability.private_services import PrivateRedis

pytestmark = pytest.mark.services


@pytest.fixture
def redis_server(tmp_path):
    executable = shutil.which("redis-server")
    if executable is None:
        message = "redis-server is not installed: this test needs one of its own"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    server = PrivateRedis(executable, tmp_path)
    server.start()
    yield server
    server.stop()


def test_the_cache_reads_and_writes_again_once_redis_is_back(redis_server):
    cache = ResilientRedisCache(redis_server.url, {})
    cache.set("place:L18JQ", "before", 60)
    assert cache.get("place:L18JQ") == "before"

    redis_server.stop()
    missed = cache.get_many(["place:L18JQ", "places:version"])
    cache.set("place:L18JQ", "while down", 60)  # dropped, not raised
    redis_server.start()  # on the same port, empty: it keeps nothing
    after_restart = cache.get("place:L18JQ", "nothing kept")
    cache.set("place:L18JQ", "after", 60)

    assert missed == {}
    assert after_restart == "nothing kept"
    assert cache.get("place:L18JQ") == "after"
