"""The vacancy page's "How to apply", the application form, and the employer's pages for answering applications."""

import pytest
from django.core import mail
from django.urls import reverse

from apprenticeships.models import Application, Vacancy
from apprenticeships.services.vacancies import vacancy_transition
from tests.factories import ApplicationFactory
from tests.market_factories import VacancyFactory, vacancy_payload

pytestmark = pytest.mark.django_db

FORM = {"name": "Jordan Lee", "email": "jordan@example.net", "age_group": "16-18", "about": "Hello", "consent": "on"}


@pytest.fixture
def live(employer_a, alice) -> Vacancy:
    return VacancyFactory(employer=employer_a, by=alice, status="live", title="Plumbing and heating technician")


def test_the_vacancy_page_has_the_application_form_and_the_privacy_notice(client, live) -> None:
    body = client.get(reverse("vacancy-public", args=[live.pk])).text

    assert "How to apply" in body
    assert f'action="{reverse("vacancy-apply", args=[live.pk])}"' in body
    assert 'name="consent"' in body
    assert reverse("privacy") in body
    assert "quote reference" not in body


def test_applying_on_the_page_sends_the_application_and_confirms_it(client, live) -> None:
    response = client.post(reverse("vacancy-apply", args=[live.pk]), FORM, follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("vacancy-applied", args=[live.pk]) + "?sent=")
    assert "Application sent" in response.text
    assert Application.objects.get().email == "jordan@example.net"
    assert [m.to for m in mail.outbox][0] == ["jordan@example.net"]


def test_the_application_sent_page_shows_only_to_whoever_just_applied(client, live, alice) -> None:
    applied = client.post(reverse("vacancy-apply", args=[live.pk]), FORM, follow=True)
    confirmation = applied.redirect_chain[-1][0]

    by_hand = client.get(reverse("vacancy-applied", args=[live.pk]), follow=True)
    forged = client.get(reverse("vacancy-applied", args=[live.pk]), {"sent": "1"}, follow=True)
    other = VacancyFactory(employer=live.employer, by=alice, status="live")
    elsewhere = client.get(confirmation.replace(f"/{live.pk}/", f"/{other.pk}/"), follow=True)

    assert "Application sent" in client.get(confirmation).text  # reloading it still confirms
    for response, vacancy in ((by_hand, live), (forged, live), (elsewhere, other)):
        assert response.redirect_chain == [(reverse("vacancy-public", args=[vacancy.pk]), 302)]
        assert "Application sent" not in response.text


def test_sending_the_form_again_after_going_back_saves_and_e_mails_nothing_more(client, live, alice) -> None:
    client.post(reverse("vacancy-apply", args=[live.pk]), FORM)
    client.get(reverse("vacancy-public", args=[live.pk]))  # Back: the page fetched again
    response = client.post(reverse("vacancy-apply", args=[live.pk]), FORM, follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("vacancy-applied", args=[live.pk]) + "?sent=")
    assert "Application sent" in response.text
    assert Application.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["jordan@example.net"], [alice.email]]  # the first time only


def test_a_form_without_consent_shows_the_error_and_keeps_what_was_typed(client, live) -> None:
    response = client.post(reverse("vacancy-apply", args=[live.pk]), {**FORM, "consent": ""})

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Agree to your details being sent to the employer to apply" in response.text
    assert 'value="Jordan Lee"' in response.text
    assert not Application.objects.exists()


def test_a_phone_number_or_postcode_that_is_not_one_is_refused_on_the_page(client, live) -> None:
    response = client.post(reverse("vacancy-apply", args=[live.pk]), {**FORM, "phone": "abc", "postcode": "nope"})

    assert response.status_code == 200
    assert "Enter a telephone number, like 0151 496 0000" in response.text
    assert "is not a valid UK postcode" in response.text
    assert not Application.objects.exists()


def test_a_closed_vacancy_says_it_is_closed_and_takes_no_application(client, live, alice) -> None:
    vacancy_transition(live, action="close", by=alice)

    page = client.get(reverse("vacancy-apply", args=[live.pk]))
    sent = client.post(reverse("vacancy-apply", args=[live.pk]), FORM)

    assert "This vacancy is closed to applications" in page.text
    assert sent.status_code == 409
    assert "This vacancy is closed to applications" in sent.text
    assert not Application.objects.exists()


def test_a_vacancy_with_its_own_application_page_links_to_it(client, live) -> None:
    Vacancy.objects.filter(pk=live.pk).update(apply_url="https://jobs.example.com/plumber")

    body = client.get(reverse("vacancy-public", args=[live.pk])).text

    assert 'href="https://jobs.example.com/plumber"' in body
    assert 'name="consent"' not in body


def test_a_draft_has_no_application_page(client, employer_a, alice) -> None:
    draft = VacancyFactory(employer=employer_a, by=alice)

    assert client.get(reverse("vacancy-apply", args=[draft.pk])).status_code == 404


def test_the_employer_lists_and_answers_applications_and_the_applicant_hears(client, live, alice) -> None:
    applied = ApplicationFactory(vacancy=live, name="Jordan Lee", email="jordan@example.net")
    mail.outbox.clear()
    client.force_login(alice)

    assert (
        reverse("employer-applications", args=[live.pk]) in client.get(reverse("employer-vacancy", args=[live.pk])).text
    )
    listing = client.get(reverse("employer-applications", args=[live.pk]))
    assert "Jordan Lee" in listing.text
    detail = client.get(reverse("employer-application", args=[applied.pk]))
    assert "jordan@example.net" in detail.text

    response = client.post(reverse("employer-application", args=[applied.pk]), {"status": "offered"}, follow=True)

    assert "is now “Offered the job”. We have e-mailed them" in response.text
    applied.refresh_from_db()
    assert applied.status == "offered"
    (message,) = mail.outbox
    again = client.post(reverse("employer-application", args=[applied.pk]), {"status": "offered"}, follow=True)
    assert "is still “Offered the job”: nothing was e-mailed" in again.text  # saved unchanged: no e-mail
    assert len(mail.outbox) == 1
    assert message.to == ["jordan@example.net"]
    assert "offering you the apprenticeship" in message.body
    # Put back to New (a mis-click undone): saved, but no "waiting for the employer to read it" after an offer.
    back = client.post(reverse("employer-application", args=[applied.pk]), {"status": "new"}, follow=True)
    assert "is back to “New”. We have not e-mailed them" in back.text
    applied.refresh_from_db()
    assert applied.status == "new" and len(mail.outbox) == 1


def test_an_empty_list_says_so(client, live, alice) -> None:
    client.force_login(alice)

    assert "No one has applied yet" in client.get(reverse("employer-applications", args=[live.pk])).text


def test_an_empty_list_of_a_vacancy_no_longer_open_does_not_promise_an_email(client, live, alice) -> None:
    live.status = "withdrawn"
    live.save(update_fields=["status"])
    client.force_login(alice)

    body = client.get(reverse("employer-applications", args=[live.pk])).text

    assert "No one applied for this vacancy through this service. It is withdrawn, so it takes no more" in body
    assert "we e-mail you when one arrives" not in body


def test_bob_cannot_see_alices_applications_on_the_pages(client, live, bob) -> None:
    applied = ApplicationFactory(vacancy=live)
    client.force_login(bob)

    assert client.get(reverse("employer-applications", args=[live.pk])).status_code == 404
    assert client.get(reverse("employer-application", args=[applied.pk])).status_code == 404
    assert client.post(reverse("employer-application", args=[applied.pk]), {"status": "offered"}).status_code == 404
    applied.refresh_from_db()
    assert applied.status == "new"


def test_hub_staff_see_any_application(client, live, hannah) -> None:
    applied = ApplicationFactory(vacancy=live, name="Jordan Lee")
    client.force_login(hannah)

    assert "Jordan Lee" in client.get(reverse("employer-applications", args=[live.pk])).text
    assert client.get(reverse("employer-application", args=[applied.pk])).status_code == 200


def test_the_employer_sets_its_own_application_page_in_the_vacancy_form(client, alice, employer_a, vacancy_form):
    client.force_login(alice)

    refused = client.post(reverse("employer-vacancy-new"), {**vacancy_form, "apply_url": "http://jobs.example.com/"})
    assert "Enter the address of your application page, starting https://" in refused.text
    assert not Vacancy.objects.exists()

    client.post(reverse("employer-vacancy-new"), {**vacancy_form, "apply_url": "https://jobs.example.com/apply"})
    assert Vacancy.objects.get().apply_url == "https://jobs.example.com/apply"


def test_the_api_takes_only_an_https_application_page(api, alice, employer_a) -> None:
    refused = api(alice).post(
        "/api/v1/vacancies/", vacancy_payload(apply_url="http://jobs.example.com/"), format="json"
    )
    assert refused.status_code == 400
    assert "apply_url" in refused.json()

    made = api(alice).post("/api/v1/vacancies/", vacancy_payload(apply_url="https://jobs.example.com/"), format="json")
    assert made.status_code == 201
    changed = api(alice).patch(f"/api/v1/vacancies/{made.json()['id']}/", {"apply_url": ""}, format="json")
    assert changed.json()["apply_url"] == ""
