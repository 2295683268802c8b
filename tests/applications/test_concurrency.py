"""Applying and signing up at the same moment, through PostgreSQL: each thread its own connection, released together."""

import threading
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection

from apprenticeships.models import Application, Vacancy, VacancyAlert, VacancyTransition
from apprenticeships.services.alerts import alert_subscribe
from apprenticeships.services.applications import application_create
from apprenticeships.services.vacancies import vacancy_transition
from lcr_skills.errors import Conflict
from tests.market_factories import VacancyFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="needs PostgreSQL's row locks"
    ),
]


def at_once(calls: list[Callable[[], object]]) -> list[object]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the test reads what each got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_the_same_signup_sent_many_times_at_once_makes_one_alert_and_one_email() -> None:
    results = at_once([lambda: alert_subscribe(email="reader@example.net", search={"search": "plumber"})] * 8)

    assert not [r for r in results if isinstance(r, Exception)]
    assert VacancyAlert.objects.count() == 1
    assert sum(1 for _, sent in results if sent) == 1
    assert len(mail.outbox) == 1


def test_no_application_lands_after_the_vacancy_closed(employer_a, alice) -> None:
    vacancy = VacancyFactory(employer=employer_a, by=alice, status="live")

    def apply(n: int) -> Callable[[], object]:
        return lambda: application_create(vacancy_id=vacancy.pk, name=f"Applicant {n}", email=f"a{n}@example.net")

    calls = [apply(n) for n in range(6)]
    calls.insert(3, lambda: vacancy_transition(Vacancy.objects.get(pk=vacancy.pk), action="close", by=None))
    results = at_once(calls)

    refused = [r for r in results if isinstance(r, Conflict)]
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, Conflict)]
    closed_at = VacancyTransition.objects.get(vacancy=vacancy, to_status="closed").created_at
    assert Application.objects.count() + len(refused) == 6
    assert not Application.objects.filter(created_at__gt=closed_at).exists()


def test_the_same_application_sent_many_times_at_once_is_saved_and_e_mailed_once(employer_a, alice) -> None:
    vacancy = VacancyFactory(employer=employer_a, by=alice, status="live")
    send = lambda: application_create(vacancy_id=vacancy.pk, name="Jordan Lee", email="jordan@example.net")  # noqa: E731
    mail.outbox.clear()  # what making the vacancy live sent

    results = at_once([send] * 6)

    assert not [r for r in results if isinstance(r, Exception)]
    assert Application.objects.count() == 1 and {r.pk for r in results} == {Application.objects.get().pk}
    assert sorted(m.to for m in mail.outbox) == [[alice.email], ["jordan@example.net"]]
