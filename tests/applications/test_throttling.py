"""Applying and asking for alerts are limited per client address and per e-mail address, in the API and on the pages."""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings

import lcr_skills.settings as production
from apprenticeships.models import Application, Vacancy, VacancyAlert
from tests.market_factories import VacancyFactory

pytestmark = pytest.mark.django_db

RATES = production.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]


def limit(scope: str) -> int:
    return int(RATES[scope].split("/")[0])


@pytest.fixture(autouse=True)
def real_rates() -> Iterator[None]:
    cache.clear()
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": RATES}):
        yield
    cache.clear()


@pytest.fixture
def live(employer_a, alice) -> Vacancy:
    return VacancyFactory(employer=employer_a, by=alice, status="live")


def apply(api, vacancy: Vacancy, email: str, address: str):
    body = {"name": "Jordan", "email": email, "consent": True}
    return api().post(f"/api/v1/public/vacancies/{vacancy.pk}/applications/", body, format="json", REMOTE_ADDR=address)


def test_one_address_applying_as_many_people_is_throttled(api, live) -> None:
    answers = [apply(api, live, f"person{n}@example.net", "192.0.2.1").status_code for n in range(limit("apply") + 2)]

    assert answers == [201] * limit("apply") + [429, 429]
    assert Application.objects.count() == limit("apply")
    assert apply(api, live, "someone@example.net", "192.0.2.2").status_code == 201  # another address is not held back


def test_one_email_applying_from_many_addresses_is_throttled(api, live) -> None:
    count = limit("apply-email")
    answers = [apply(api, live, "Jordan@example.net", f"198.51.100.{n}").status_code for n in range(count + 1)]

    assert answers == [201] * count + [429]
    assert apply(api, live, "jordan@EXAMPLE.net ", "203.0.113.9").status_code == 429  # the same address, written so
    assert apply(api, live, "casey@example.net", "203.0.113.9").status_code == 201


def test_alert_signups_are_throttled_per_address_and_per_email(api) -> None:
    count = limit("alert-email")
    by_email = [
        api().post(
            "/api/v1/public/alerts/", {"email": "reader@example.net", "search": f"w{n}"}, REMOTE_ADDR=f"192.0.2.{n}"
        )
        for n in range(count + 1)
    ]
    assert [r.status_code for r in by_email] == [202] * count + [429]
    assert len(mail.outbox) == count

    by_address = [
        api().post("/api/v1/public/alerts/", {"email": f"r{n}@example.net", "search": "x"}, REMOTE_ADDR="198.51.100.7")
        for n in range(limit("alert") + 1)
    ]
    assert by_address[-1].status_code == 429
    assert VacancyAlert.objects.count() == count + limit("alert")


def test_the_application_form_is_throttled_per_address_too(live) -> None:
    client = Client(REMOTE_ADDR="192.0.2.50")
    answers = []
    for n in range(limit("apply") + 1):
        body = {"name": "Jordan", "email": f"p{n}@example.net", "consent": "on"}
        answers.append(client.post(f"/vacancies/{live.pk}/apply/", body).status_code)

    assert answers == [302] * limit("apply") + [429]
    assert Application.objects.count() == limit("apply")


def test_the_application_form_is_throttled_per_email_too(live) -> None:
    answers = []
    for n in range(limit("apply-email") + 1):
        body = {"name": "Jordan", "email": "jordan@example.net", "about": f"Try {n}", "consent": "on"}
        answers.append(Client(REMOTE_ADDR=f"192.0.2.{n}").post(f"/vacancies/{live.pk}/apply/", body).status_code)

    assert answers[-1] == 429
    assert Application.objects.count() == limit("apply-email")


def test_the_alert_form_is_throttled_per_email(client) -> None:
    answers = [
        Client(REMOTE_ADDR=f"192.0.2.{n}").post("/vacancies/alerts/", {"email": "r@example.net", "q": f"w{n}"})
        for n in range(limit("alert-email") + 1)
    ]

    assert answers[-1].status_code == 429
    assert "too many times" in answers[-1].content.decode()
    assert VacancyAlert.objects.count() == limit("alert-email")
