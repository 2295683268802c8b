"""Signed-in sessions end after SESSION_IDLE_TIMEOUT_MINUTES unused, and SESSION_MAX_HOURS after signing in.

Time is moved by editing the stored session, never by waiting.
"""

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from lcr_skills.sessions import SIGNED_IN_AT, SessionStore
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    browser = Client()
    assert browser.post("/sign-in/", {"username": username, "password": PASSWORD}).status_code == 302
    return browser


def stored(browser: Client) -> Session:
    return Session.objects.get(session_key=browser.cookies["sessionid"].value)


def sees_own_vacancies(browser: Client) -> bool:
    return browser.get("/employer/vacancies/").status_code == 200


def test_a_session_lasts_the_idle_time_out_from_signing_in(alice, settings) -> None:
    before = timezone.now()
    browser = signed_in("alice")

    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 == 30 * 60
    assert int(browser.cookies["sessionid"]["max-age"]) == settings.SESSION_COOKIE_AGE
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert before + idle <= stored(browser).expire_date <= timezone.now() + idle


def test_a_session_left_idle_past_the_time_out_is_signed_out(alice) -> None:
    browser = signed_in("alice")
    Session.objects.filter(pk=stored(browser).pk).update(expire_date=timezone.now() - timedelta(seconds=1))

    response = browser.get("/employer/vacancies/")

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_using_the_site_moves_the_end_of_the_session_on(alice, settings) -> None:
    browser = signed_in("alice")
    # As if Alice had left it 25 minutes: 5 minutes to go.
    Session.objects.filter(pk=stored(browser).pk).update(expire_date=timezone.now() + timedelta(minutes=5))

    assert sees_own_vacancies(browser)

    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert stored(browser).expire_date >= timezone.now() + idle - timedelta(minutes=1)


def test_requests_in_quick_succession_do_not_write_the_session_each_time(alice) -> None:
    browser = signed_in("alice")
    end = stored(browser).expire_date

    for _ in range(3):
        assert sees_own_vacancies(browser)

    assert stored(browser).expire_date == end


def test_a_session_in_constant_use_still_ends_at_its_maximum_age(alice, settings) -> None:
    browser = signed_in("alice")
    session = SessionStore(session_key=browser.cookies["sessionid"].value)
    session[SIGNED_IN_AT] = time.time() - settings.SESSION_MAX_HOURS * 3600 + 60  # a minute to go
    session.save()

    assert sees_own_vacancies(browser)
    assert stored(browser).expire_date <= timezone.now() + timedelta(minutes=1)

    session = SessionStore(session_key=browser.cookies["sessionid"].value)
    session[SIGNED_IN_AT] = time.time() - settings.SESSION_MAX_HOURS * 3600 - 1
    session.save()
    assert not sees_own_vacancies(browser)


def test_signing_in_as_someone_else_starts_a_new_maximum_age(alice, bob, settings) -> None:
    browser = signed_in("alice")
    session = SessionStore(session_key=browser.cookies["sessionid"].value)
    session[SIGNED_IN_AT] = time.time() - settings.SESSION_MAX_HOURS * 3600 + 60  # Alice's: a minute to go
    session.save()
    before = time.time()

    assert browser.post("/sign-in/", {"username": "bob", "password": PASSWORD}).status_code == 302

    assert SessionStore(session_key=browser.cookies["sessionid"].value)[SIGNED_IN_AT] >= before
    assert browser.get("/api/v1/me/").json()["username"] == "bob"
