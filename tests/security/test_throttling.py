"""Limits on guessing passwords that a client can't dodge by naming another address or another username.

The attack this answers: 40 failed token requests, each with a different X-Forwarded-For, were
never throttled (the same header was, after 10). The tests put back the real rates (the test
settings raise them) and start from an empty cache.
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from rest_framework.test import APIClient

import lcr_skills.settings as production
from lcr_skills.env import SHARED_CACHE, envcache
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"
RATES = production.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
PER_ADDRESS = int(RATES["token"].split("/")[0])
PER_USERNAME = int(RATES["token-username"].split("/")[0])


@pytest.fixture(autouse=True)
def real_rates() -> Iterator[None]:
    cache.clear()
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": RATES}):
        yield
    cache.clear()


def ask_for_token(username: str, password: str = WRONG, **headers: str):
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": password}, **headers)


def assert_throttled(response) -> None:
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Request was throttled.")
    assert int(response["Retry-After"]) > 0


def test_the_real_rates_are_ten_a_minute() -> None:
    assert (RATES["token"], RATES["token-username"]) == ("10/minute", "10/minute")


def test_forty_token_requests_each_naming_another_forwarded_address_are_throttled_after_ten() -> None:
    answers = [ask_for_token(f"mallory{n}", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(40)]

    assert answers[:PER_ADDRESS] == [400] * PER_ADDRESS
    assert answers[PER_ADDRESS:] == [429] * (40 - PER_ADDRESS)
    assert_throttled(ask_for_token("mallory99", HTTP_X_FORWARDED_FOR="203.0.113.99"))


def test_another_address_is_not_held_back_by_one_that_is_throttled() -> None:
    for n in range(PER_ADDRESS + 1):
        ask_for_token(f"mallory{n}", REMOTE_ADDR="192.0.2.1")
    assert_throttled(ask_for_token("mallory", REMOTE_ADDR="192.0.2.1"))

    assert ask_for_token("mallory", REMOTE_ADDR="192.0.2.2").status_code == 400


def test_one_username_from_many_addresses_is_throttled_after_ten(alice, bob) -> None:
    answers = [ask_for_token("alice", REMOTE_ADDR=f"192.0.2.{n}").status_code for n in range(PER_USERNAME)]
    assert answers == [400] * PER_USERNAME

    assert_throttled(ask_for_token("alice", PASSWORD, REMOTE_ADDR="192.0.2.200"))
    assert_throttled(ask_for_token("ALICE", PASSWORD, REMOTE_ADDR="192.0.2.201"))  # case makes no new username
    assert ask_for_token("bob", PASSWORD, REMOTE_ADDR="192.0.2.202").status_code == 200


def test_a_forged_forwarded_address_is_not_what_the_lockout_records(alice) -> None:
    Client().post("/sign-in/", {"username": "alice", "password": WRONG}, HTTP_X_FORWARDED_FOR="203.0.113.9")
    ask_for_token("alice", HTTP_X_FORWARDED_FOR="203.0.113.10")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_forging_forwarded_addresses_does_not_escape_the_lockout(alice) -> None:
    browser = Client()
    answers = [
        browser.post(
            "/sign-in/", {"username": "alice", "password": WRONG}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert answers[-1] == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_trusted_proxy_the_address_it_saw_is_used_not_what_the_client_wrote(alice) -> None:
    # The client writes 198.51.100.1; the proxy appends the address it really saw.
    Client().post(
        "/sign-in/", {"username": "alice", "password": WRONG}, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7"
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.7"]

    for n in range(PER_ADDRESS):
        ask_for_token(f"mallory{n}", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7")
    assert_throttled(ask_for_token("mallory", HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.7"))
    assert ask_for_token("mallory", HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.8").status_code == 400


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_forwarded_value_that_is_not_an_address_falls_back_to_the_connection(alice) -> None:
    Client().post("/sign-in/", {"username": "alice", "password": WRONG}, HTTP_X_FORWARDED_FOR="not-an-address")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["127.0.0.1"]


def test_the_sign_in_page_locks_a_username_out_from_every_address_after_more_failures(alice) -> None:
    limit = settings.SIGN_IN_USERNAME_FAILURE_LIMIT
    assert limit > settings.AXES_FAILURE_LIMIT
    answers = [
        Client().post("/sign-in/", {"username": "alice", "password": WRONG}, REMOTE_ADDR=f"192.0.2.{n}").status_code
        for n in range(limit)
    ]
    assert answers == [200] * (limit - 1) + [429]

    # The right password from an address never used before: still locked.
    locked = Client().post("/sign-in/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="192.0.2.250")
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()


def test_failures_for_a_username_spread_over_fewer_than_its_limit_do_not_lock_it(alice) -> None:
    for n in range(settings.SIGN_IN_USERNAME_FAILURE_LIMIT - 1):
        Client().post("/sign-in/", {"username": "alice", "password": WRONG}, REMOTE_ADDR=f"192.0.2.{n % 4}")

    allowed = Client().post("/sign-in/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="192.0.2.250")
    assert allowed.status_code == 302


# What a second web process decides for a client, from a fresh process with the same CACHE_URL.
ANOTHER_PROCESS = """
import os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "lcr_skills.settings"
django.setup()
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from apprenticeships.api.throttles import AddressRateThrottle
from apprenticeships.api.views import TokenView
request = Request(APIRequestFactory().post("/api/v1/auth/token/", REMOTE_ADDR="192.0.2.7"))
print("allowed" if AddressRateThrottle().allow_request(request, TokenView()) else "throttled")
"""


@pytest.mark.services
def test_with_a_shared_cache_another_web_process_throttles_a_client_this_one_counted() -> None:
    broker = urlsplit(settings.CELERY_BROKER_URL)
    cache_url = urlunsplit(broker._replace(path="/12"))  # CI's Redis, a database of its own
    with override_settings(CACHES={"default": envcache_for(cache_url)}):
        cache.clear()
        answers = [ask_for_token(f"mallory{n}", REMOTE_ADDR="192.0.2.7").status_code for n in range(PER_ADDRESS)]
        environment = {**os.environ, "CACHE_URL": cache_url, "DEBUG": "1"}
        environment.pop("DJANGO_SETTINGS_MODULE", None)
        other = subprocess.run(
            [sys.executable, "-c", ANOTHER_PROCESS], env=environment, capture_output=True, text=True, timeout=60
        )
        cache.clear()

    assert answers == [400] * PER_ADDRESS
    assert other.returncode == 0, other.stderr
    assert other.stdout.strip() == "throttled"


def envcache_for(url: str) -> dict:
    """The CACHES entry settings.py makes of CACHE_URL=url."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CACHE_URL", url)
        return envcache("CACHE_URL")


# A loopback port nothing listens on: Redis "down" (connection refused at once).
REDIS_DOWN = {"default": {"BACKEND": SHARED_CACHE, "LOCATION": "redis://127.0.0.1:1/0"}}


def test_while_the_shared_cache_is_down_token_requests_are_answered_not_failed(bob) -> None:
    with override_settings(CACHES=REDIS_DOWN):
        answers = [ask_for_token(f"mallory{n}", REMOTE_ADDR="192.0.2.8").status_code for n in range(PER_ADDRESS + 2)]
        right = ask_for_token("bob", PASSWORD, REMOTE_ADDR="192.0.2.8")

    # Nothing is counted while it is down, so nothing is throttled (the lockout, in the database, still counts).
    assert answers == [400] * (PER_ADDRESS + 2)
    assert right.status_code == 200
