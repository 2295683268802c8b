"""Applying to a vacancy without an account, and employers answering applications, through the API."""

import pytest
from django.core import mail

from apprenticeships.models import Application, Vacancy
from apprenticeships.services.vacancies import vacancy_transition
from tests.factories import ApplicationFactory
from tests.market_factories import VacancyFactory

pytestmark = pytest.mark.django_db


def apply_url(vacancy: Vacancy) -> str:
    return f"/api/v1/public/vacancies/{vacancy.pk}/applications/"


def application(**overrides: object) -> dict:
    body = {
        "name": "Jordan Lee",
        "email": "jordan@example.net",
        "phone": "07700 900123",
        "postcode": "L36 9GD",
        "age_group": "16-18",
        "about": "I took design and technology at school.",
        "consent": True,
    }
    body.update(overrides)
    return body


@pytest.fixture
def live(employer_a, alice) -> Vacancy:
    return VacancyFactory(employer=employer_a, by=alice, status="live", title="Plumbing and heating technician")


@pytest.fixture
def bobs_live(employer_b, bob) -> Vacancy:
    return VacancyFactory(employer=employer_b, by=bob, status="live", postcode="CH41 1AA", title="Bob's technician")


def test_anyone_can_apply_and_is_sent_a_confirmation_and_the_employer_a_link(api, live, alice) -> None:
    response = api().post(apply_url(live), application(), format="json")

    assert response.status_code == 201, response.json()
    saved = Application.objects.get(pk=response.json()["id"])
    assert (saved.vacancy, saved.name, saved.email, saved.status) == (live, "Jordan Lee", "jordan@example.net", "new")
    assert saved.consented_at is not None
    to_applicant, to_employer = mail.outbox
    assert to_applicant.to == ["jordan@example.net"]
    assert "Plumbing and heating technician" in to_applicant.subject
    assert "/privacy/" in to_applicant.body
    assert to_employer.to == [alice.email]
    assert f"/employer/applications/{saved.pk}/" in to_employer.body
    assert "jordan@example.net" not in to_employer.body  # the details are behind sign-in, not in the e-mail


def test_the_same_application_sent_again_is_the_one_saved_and_nobody_is_e_mailed_twice(api, live) -> None:
    first = api().post(apply_url(live), application(), format="json")
    again = api().post(apply_url(live), application(), format="json")

    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()  # answered as the first: the answer tells nobody that it was sent before
    assert Application.objects.count() == 1 and len(mail.outbox) == 2  # the first's two e-mails only


def test_an_application_with_any_detail_changed_is_a_new_one(api, live) -> None:
    api().post(apply_url(live), application(), format="json")
    api().post(apply_url(live), application(phone="07700 900456"), format="json")

    assert sorted(Application.objects.values_list("phone", flat=True)) == ["07700 900123", "07700 900456"]
    assert len(mail.outbox) == 4


def test_only_name_email_and_consent_are_needed(api, live) -> None:
    body = {"name": "Sam", "email": "sam@example.net", "consent": True}

    assert api().post(apply_url(live), body, format="json").status_code == 201


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consent": False}, "consent"),
        ({"consent": None}, "consent"),
        ({"email": "not-an-address"}, "email"),
        ({"name": ""}, "name"),
        ({"about": "x" * 2001}, "about"),
        ({"age_group": "12-15"}, "age_group"),
        ({"name": "Jordan\r\nBcc: everyone@example.org"}, "name"),
        ({"phone": "abc"}, "phone"),
        ({"postcode": "nope"}, "postcode"),
    ],
)
def test_a_bad_application_is_refused_with_the_field_named_and_nothing_saved(api, live, overrides, field) -> None:
    response = api().post(apply_url(live), application(**overrides), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Application.objects.exists()
    assert mail.outbox == []


def test_about_may_be_exactly_2000_characters(api, live) -> None:
    assert api().post(apply_url(live), application(about="x" * 2000), format="json").status_code == 201


@pytest.mark.parametrize("action", ["close", "filled", "withdraw"])
def test_a_vacancy_no_longer_live_refuses_applications_with_a_clear_message(api, live, alice, action) -> None:
    vacancy_transition(live, action=action, by=alice)

    response = api().post(apply_url(live), application(), format="json")

    assert response.status_code == 409
    assert "closed to applications" in response.json()["detail"]
    assert not Application.objects.exists()
    assert mail.outbox == []


def test_a_vacancy_past_its_closing_date_refuses_applications(api, live) -> None:
    Vacancy.objects.filter(pk=live.pk).update(closing_date=live.closing_date.replace(year=2020))

    assert api().post(apply_url(live), application(), format="json").status_code == 409


@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_a_vacancy_never_published_is_not_found(api, employer_a, alice, status) -> None:
    hidden = VacancyFactory(employer=employer_a, by=alice, status=status)

    assert api().post(apply_url(hidden), application(), format="json").status_code == 404


def test_a_vacancy_with_its_own_application_page_sends_applicants_there(api, live, alice) -> None:
    Vacancy.objects.filter(pk=live.pk).update(apply_url="https://jobs.example.com/plumber")

    response = api().post(apply_url(live), application(), format="json")

    assert response.status_code == 409
    assert response.json()["apply_url"] == "https://jobs.example.com/plumber"


def test_the_employer_sees_the_applications_to_its_vacancy(api, live, alice) -> None:
    ApplicationFactory(vacancy=live, name="Jordan Lee")
    ApplicationFactory(vacancy=live, name="Casey Jones")

    response = api(alice).get(f"/api/v1/vacancies/{live.pk}/applications/")

    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["Casey Jones", "Jordan Lee"]


def test_bob_cannot_see_or_answer_alices_applications(api, live, bob, bobs_live) -> None:
    alices = ApplicationFactory(vacancy=live)
    ApplicationFactory(vacancy=bobs_live, name="For Bob")
    mail.outbox.clear()

    assert api(bob).get(f"/api/v1/vacancies/{live.pk}/applications/").status_code == 404
    assert api(bob).get(f"/api/v1/applications/{alices.pk}/").status_code == 404
    assert api(bob).patch(f"/api/v1/applications/{alices.pk}/", {"status": "offered"}, format="json").status_code == 404
    assert [row["name"] for row in api(bob).get("/api/v1/applications/").json()["results"]] == ["For Bob"]
    alices.refresh_from_db()
    assert alices.status == "new"
    assert mail.outbox == []


def test_hub_staff_see_every_application(api, live, bobs_live, hannah) -> None:
    ApplicationFactory(vacancy=live)
    ApplicationFactory(vacancy=bobs_live)

    assert api(hannah).get("/api/v1/applications/").json()["count"] == 2
    assert api(hannah).get(f"/api/v1/vacancies/{bobs_live.pk}/applications/").json()["count"] == 1


@pytest.mark.parametrize("user", ["anonymous", "priya"])
def test_residents_and_providers_cannot_list_applications(api, live, priya, user) -> None:
    ApplicationFactory(vacancy=live)
    client = api(priya) if user == "priya" else api()

    assert client.get("/api/v1/applications/").status_code in (401, 403)
    assert client.get(f"/api/v1/vacancies/{live.pk}/applications/").status_code in (401, 403)


def test_a_status_change_is_emailed_to_the_applicant(api, live, alice) -> None:
    applied = ApplicationFactory(vacancy=live, email="jordan@example.net", name="Jordan Lee")
    mail.outbox.clear()

    response = api(alice).patch(f"/api/v1/applications/{applied.pk}/", {"status": "interviewing"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "interviewing"
    (message,) = mail.outbox
    assert message.to == ["jordan@example.net"]
    assert "interview" in message.body
    assert "Dear Jordan Lee" in message.body


def test_giving_the_same_status_again_sends_nothing(api, live, alice) -> None:
    applied = ApplicationFactory(vacancy=live)
    api(alice).patch(f"/api/v1/applications/{applied.pk}/", {"status": "contacted"}, format="json")
    mail.outbox.clear()

    api(alice).patch(f"/api/v1/applications/{applied.pk}/", {"status": "contacted"}, format="json")

    assert mail.outbox == []


def test_an_unknown_status_is_refused(api, live, alice) -> None:
    applied = ApplicationFactory(vacancy=live)

    response = api(alice).patch(f"/api/v1/applications/{applied.pk}/", {"status": "hired"}, format="json")

    assert response.status_code == 400
    assert "status" in response.json()


def test_the_public_vacancy_says_where_to_apply(api, live) -> None:
    Vacancy.objects.filter(pk=live.pk).update(apply_url="https://jobs.example.com/plumber")

    assert api().get(f"/api/v1/public/vacancies/{live.pk}/").json()["apply_url"] == "https://jobs.example.com/plumber"


def test_a_postcode_is_kept_as_the_employer_reads_it(api, live) -> None:
    response = api().post(apply_url(live), application(postcode="l369gd", phone="+44 151 496 0000"), format="json")

    assert response.status_code == 201, response.json()
    assert Application.objects.values_list("postcode", "phone").get() == ("L36 9GD", "+44 151 496 0000")
