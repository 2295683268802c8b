"""Applications are deleted after the retention period; hub staff export and erase a person's data by e-mail."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from apprenticeships.models import Application, Vacancy, VacancyAlert
from apprenticeships.services.vacancies import vacancy_transition
from apprenticeships.tasks import applications_delete_expired
from tests.factories import ApplicationFactory, VacancyAlertFactory
from tests.market_factories import VacancyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(employer_a, alice) -> Vacancy:
    return VacancyFactory(employer=employer_a, by=alice, status="live")


def test_applications_are_kept_for_twelve_months_after_the_closing_date_then_deleted(live) -> None:
    applied = ApplicationFactory(vacancy=live)
    closing = live.closing_date

    with time_machine.travel(timezone.make_aware(timezone.datetime(closing.year + 1, closing.month, closing.day, 12))):
        applications_delete_expired()
    assert Application.objects.filter(pk=applied.pk).exists()  # exactly 12 months: kept

    with time_machine.travel(timezone.now() + timedelta(days=365 + 31)):
        applications_delete_expired()
    assert not Application.objects.filter(pk=applied.pk).exists()


def test_a_vacancy_closed_early_starts_the_clock_when_it_closed(live, alice) -> None:
    applied = ApplicationFactory(vacancy=live)
    Vacancy.objects.filter(pk=live.pk).update(closing_date=live.closing_date + timedelta(days=300))
    vacancy_transition(live, action="filled", by=alice)

    with time_machine.travel(timezone.now() + timedelta(days=366 + 31)):
        applications_delete_expired()

    assert not Application.objects.filter(pk=applied.pk).exists()


def test_applications_to_an_open_vacancy_are_kept(live, employer_a, alice) -> None:
    applied = ApplicationFactory(vacancy=live)
    other = VacancyFactory(employer=employer_a, by=alice, status="live")
    old = ApplicationFactory(vacancy=other)
    Vacancy.objects.filter(pk=other.pk).update(closing_date=timezone.localdate() - timedelta(days=400))

    applications_delete_expired()

    assert Application.objects.filter(pk=applied.pk).exists()
    assert not Application.objects.filter(pk=old.pk).exists()


@override_settings(APPLICATION_RETENTION_MONTHS=1)
def test_the_retention_period_is_a_setting(live) -> None:
    applied = ApplicationFactory(vacancy=live)

    with time_machine.travel(timezone.now() + timedelta(days=14 + 32)):
        applications_delete_expired()

    assert not Application.objects.filter(pk=applied.pk).exists()


def test_hub_staff_export_everything_held_under_an_email_address(api, hannah, live) -> None:
    ApplicationFactory(vacancy=live, email="jordan@example.net", about="Keen on plumbing")
    VacancyAlertFactory(email="jordan@example.net", search={"search": "plumber"})
    ApplicationFactory(vacancy=live, email="someone.else@example.net")

    response = api(hannah).post("/api/v1/applicant-data/export/", {"email": "Jordan@Example.net"}, format="json")

    assert response.status_code == 200
    data = response.json()
    assert [a["about"] for a in data["applications"]] == ["Keen on plumbing"]
    assert [a["search"] for a in data["alerts"]] == [{"search": "plumber"}]


def test_hub_staff_erase_everything_held_under_an_email_address(api, hannah, live) -> None:
    ApplicationFactory(vacancy=live, email="jordan@example.net")
    VacancyAlertFactory(email="jordan@example.net")
    kept = ApplicationFactory(vacancy=live, email="someone.else@example.net")

    response = api(hannah).post("/api/v1/applicant-data/erase/", {"email": "jordan@example.net"}, format="json")

    assert response.status_code == 200
    assert response.json() == {"applications": 1, "alerts": 1}
    assert list(Application.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not VacancyAlert.objects.exists()


@pytest.mark.parametrize("persona", ["anonymous", "alice"])
def test_only_hub_staff_may_export_or_erase(api, alice, live, persona) -> None:
    ApplicationFactory(vacancy=live, email="jordan@example.net")
    client = api(alice) if persona == "alice" else api()

    for action in ("export", "erase"):
        response = client.post(f"/api/v1/applicant-data/{action}/", {"email": "jordan@example.net"}, format="json")
        assert response.status_code in (401, 403)
    assert Application.objects.count() == 1


def test_a_user_accounts_export_and_erasure_take_in_applications_under_its_address(api, hannah, alice, live) -> None:
    ApplicationFactory(vacancy=live, email=alice.email)
    mail.outbox.clear()

    export = api(hannah).get(f"/api/v1/users/{alice.pk}/export/").json()
    assert len(export["applications_and_alerts"]["applications"]) == 1

    assert api(hannah).post(f"/api/v1/users/{alice.pk}/erase/").status_code == 200
    assert not Application.objects.exists()
