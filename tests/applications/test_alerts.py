"""E-mail alerts without an account: double opt-in, a daily e-mail of new matches, one-click unsubscribe."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from apprenticeships.models import LocalAuthority, Vacancy, VacancyAlert
from apprenticeships.tasks import alerts_send_daily
from tests.factories import VacancyAlertFactory
from tests.market_factories import NETWORK_ENGINEER, VacancyFactory, standard

pytestmark = pytest.mark.django_db

URL = "/api/v1/public/alerts/"


def link_in(body: str, path: str) -> str:
    (found,) = re.findall(rf"https?://[^\s]*{path}[^\s]*", body)
    return found.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def subscribe(api, **search: str):
    return api().post(URL, {"email": "reader@example.net", **search}, format="json")


def test_asking_for_an_alert_sends_a_link_that_confirms_it(api, client) -> None:
    response = subscribe(api, search="plumber", postcode="L36 9GD", within_miles="5")

    assert response.status_code == 202
    alert = VacancyAlert.objects.get()
    assert alert.search == {"postcode": "L36 9GD", "search": "plumber", "within_miles": "5"}
    assert alert.confirmed_at is None
    (message,) = mail.outbox
    assert message.to == ["reader@example.net"]

    page = client.get(link_in(message.body, "/alerts/confirm/"))

    assert page.status_code == 200
    assert "Alerts confirmed" in page.content.decode()
    alert.refresh_from_db()
    assert alert.confirmed_at is not None


def test_a_second_signup_for_the_same_unconfirmed_address_and_search_sends_nothing(api) -> None:
    subscribe(api, search="plumber")
    subscribe(api, search="plumber")
    api().post(URL, {"email": "Reader@Example.net", "search": " plumber "}, format="json")

    assert VacancyAlert.objects.count() == 1
    assert len(mail.outbox) == 1


def test_nothing_is_sent_to_an_unconfirmed_address_by_the_daily_run(api, employer_a, alice) -> None:
    subscribe(api, search="developer")
    mail.outbox.clear()
    VacancyFactory(employer=employer_a, by=alice, status="live")

    alerts_send_daily()

    assert mail.outbox == []


def test_a_confirmation_link_expires_after_seven_days(api, client) -> None:
    subscribe(api, search="plumber")
    link = link_in(mail.outbox[0].body, "/alerts/confirm/")

    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        page = client.get(link)

    assert "This link does not work" in page.content.decode()
    assert VacancyAlert.objects.get().confirmed_at is None


def test_a_tampered_confirmation_link_confirms_nothing(api, client) -> None:
    subscribe(api, search="plumber")
    link = link_in(mail.outbox[0].body, "/alerts/confirm/")

    assert "This link does not work" in client.get(link[:-3] + "AAA/").content.decode()
    assert VacancyAlert.objects.get().confirmed_at is None


@pytest.mark.parametrize(
    ("search", "field"),
    [
        ({"within_miles": "1"}, "within_miles"),
        ({"within_miles": "101", "postcode": "L1 8JQ"}, "within_miles"),
        ({"postcode": "ZZ99 9ZZ"}, "postcode"),
        ({"level": "9"}, "level"),
        ({"within_km": "10"}, "within_km"),  # a distance without a postcode
    ],
)
def test_a_search_the_public_search_would_refuse_is_refused(api, search, field) -> None:
    response = subscribe(api, **search)

    assert response.status_code == 400
    assert field in response.json()
    assert not VacancyAlert.objects.exists()
    assert mail.outbox == []


def test_a_bad_address_is_refused(api) -> None:
    response = api().post(URL, {"email": "nope", "search": "plumber"}, format="json")

    assert response.status_code == 400
    assert "email" in response.json()


def test_the_daily_email_lists_new_matching_vacancies_once(employer_a, alice) -> None:
    alert = VacancyAlertFactory(
        email="reader@example.net",
        search={"search": "plumbing", "postcode": "L1 8JQ", "within_km": "20"},
        confirmed_at=timezone.now() - timedelta(days=1),
    )
    match = VacancyFactory(employer=employer_a, by=alice, status="live", title="Plumbing and heating technician")
    VacancyFactory(employer=employer_a, by=alice, status="live", title="Software developer")  # other words
    VacancyFactory(  # too far
        employer=employer_a, by=alice, status="live", title="Plumbing technician", postcode="PR9 0AA"
    )
    VacancyFactory(employer=employer_a, by=alice, status="submitted", title="Plumbing assistant")  # not live

    alerts_send_daily()

    (message,) = mail.outbox
    assert message.to == ["reader@example.net"]
    assert "Plumbing and heating technician" in message.body
    assert f"/vacancies/{match.pk}/" in message.body
    assert "Software developer" not in message.body
    assert "Plumbing technician" not in message.body
    assert "Plumbing assistant" not in message.body
    alert.refresh_from_db()
    assert alert.last_sent_at is not None

    mail.outbox.clear()
    alerts_send_daily()
    assert mail.outbox == []  # nothing new since the last e-mail


def test_the_daily_email_finds_what_the_public_search_finds(api, employer_a, alice) -> None:
    VacancyAlertFactory(search={"level": "4"}, confirmed_at=timezone.now() - timedelta(days=1))
    VacancyFactory(employer=employer_a, by=alice, status="live", title="Level 4 developer")
    VacancyFactory(
        employer=employer_a, by=alice, status="live", title="Level 3 role", standard=standard(NETWORK_ENGINEER)
    )
    on_the_page = {row["title"] for row in api().get("/api/v1/public/vacancies/", {"level": 4}).json()["results"]}

    alerts_send_daily()

    (message,) = mail.outbox
    for title in on_the_page:
        assert title in message.body


def test_each_alert_email_has_one_click_unsubscribe_headers(employer_a, alice, client) -> None:
    VacancyAlertFactory(email="reader@example.net", confirmed_at=timezone.now() - timedelta(days=1))
    VacancyFactory(employer=employer_a, by=alice, status="live")

    alerts_send_daily()

    (message,) = mail.outbox
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http") and header.endswith(">")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert header[1:-1] in message.body


def test_opening_the_unsubscribe_link_asks_and_the_button_unsubscribes(employer_a, alice, client) -> None:
    VacancyAlertFactory(confirmed_at=timezone.now() - timedelta(days=1))
    VacancyFactory(employer=employer_a, by=alice, status="live")
    alerts_send_daily()
    link = link_in(mail.outbox[0].body, "/alerts/unsubscribe/")

    page = client.get(link)
    assert page.status_code == 200
    assert "Unsubscribe" in page.content.decode()
    assert VacancyAlert.objects.count() == 1  # a link scanner opening it unsubscribes nobody

    done = client.post(link)
    assert done.status_code == 200
    assert "You have unsubscribed" in done.content.decode()
    assert not VacancyAlert.objects.exists()


def test_a_mail_client_unsubscribes_with_one_post_and_no_form_token(employer_a, alice) -> None:
    VacancyAlertFactory(confirmed_at=timezone.now() - timedelta(days=1))
    VacancyFactory(employer=employer_a, by=alice, status="live")
    alerts_send_daily()
    link = mail.outbox[0].extra_headers["List-Unsubscribe"][1:-1]
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]

    form = "application/x-www-form-urlencoded"  # RFC 8058 section 3.1
    response = Client(enforce_csrf_checks=True).post(path, "List-Unsubscribe=One-Click", content_type=form)

    assert response.status_code == 200
    assert not VacancyAlert.objects.exists()
    # Again (a retry): still fine, still nothing.
    again = Client(enforce_csrf_checks=True).post(path, "List-Unsubscribe=One-Click", content_type=form)
    assert again.status_code == 200


def test_a_forged_unsubscribe_link_unsubscribes_nobody(client) -> None:
    VacancyAlertFactory()

    assert "This link does not work" in client.post("/alerts/unsubscribe/not-a-token/").content.decode()
    assert VacancyAlert.objects.count() == 1


def test_unconfirmed_alerts_are_deleted_after_seven_days() -> None:
    old = VacancyAlertFactory(confirmed_at=None)
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        recent = VacancyAlertFactory(confirmed_at=None)
        confirmed = VacancyAlertFactory()

    with time_machine.travel(timezone.now() + timedelta(days=7, hours=1)):
        alerts_send_daily()

    remaining = set(VacancyAlert.objects.values_list("pk", flat=True))
    assert old.pk not in remaining
    assert {recent.pk, confirmed.pk} <= remaining


def test_the_search_page_offers_alerts_for_the_search_and_the_form_sends_the_confirmation(client) -> None:
    page = client.get("/vacancies/", {"q": "plumber", "postcode": "L36 9GD"})
    html = page.content.decode()
    assert "Get e-mail alerts for this search" in html
    assert 'name="q" value="plumber"' in html

    response = client.post("/vacancies/alerts/", {"email": "reader@example.net", "q": "plumber", "postcode": "L36 9GD"})

    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    assert VacancyAlert.objects.get().search == {"postcode": "L36 9GD", "search": "plumber"}
    assert len(mail.outbox) == 1


def test_the_check_your_email_address_opened_again_goes_to_the_search_not_a_blank_page(client) -> None:
    response = client.get("/vacancies/alerts/", follow=True)  # a new tab, a bookmark, Back after a while

    assert response.redirect_chain == [("/vacancies/", 302)]
    assert "Find an apprenticeship" in response.content.decode()
    assert not VacancyAlert.objects.exists()


def test_the_alert_form_shows_an_error_for_a_bad_address(client) -> None:
    response = client.post("/vacancies/alerts/", {"email": "nope", "q": "plumber"})

    assert response.status_code == 400
    assert "Enter an email address in the correct format" in response.content.decode()
    assert not VacancyAlert.objects.exists()


def test_vacancies_already_live_before_confirmation_are_not_sent(employer_a, alice) -> None:
    VacancyFactory(employer=employer_a, by=alice, status="live")
    VacancyAlertFactory(confirmed_at=timezone.now() + timedelta(seconds=1))
    Vacancy.objects.update(live_at=timezone.now() - timedelta(days=1))

    alerts_send_daily()

    assert mail.outbox == []


def test_the_page_keeps_every_level_the_distance_and_the_journey_of_its_search_in_the_alert(client) -> None:
    search = {"level": ["3", "4"], "postcode": "L1", "within_miles": "all", "reachable_within_minutes": "60"}
    page = client.get("/vacancies/", search).content.decode()
    assert 'name="level" value="3"' in page and 'name="level" value="4"' in page  # both ticked levels go along

    response = client.post("/vacancies/alerts/", {"email": "reader@example.net", **search})

    assert response.status_code == 200, response.content.decode()
    assert VacancyAlert.objects.get().search == search
    said = " ".join(response.content.decode().split())
    assert (
        "level: 3 or 4" in said and "distance: any" in said and "journey by public transport: up to 60 minutes" in said
    )


def test_an_alerts_search_is_described_in_words_with_areas_by_name(client) -> None:
    knowsley = LocalAuthority.objects.get_or_create(code="E08000011", defaults={"name": "Knowsley"})[0]
    search = {"q": "plumber", "local_authority": knowsley.code, "postcode": "L36 9GD", "within_miles": "5"}

    said = " ".join(client.post("/vacancies/alerts/", {"email": "reader@example.net", **search}).text.split())

    assert f"area: {knowsley.name}" in said and knowsley.code not in said
    assert "words: plumber" in said and "near: L36 9GD" in said and "distance: up to 5 miles" in said


def test_an_alert_for_two_levels_finds_what_the_search_finds(api, employer_a, alice) -> None:
    VacancyAlertFactory(search={"level": ["2", "4"]}, confirmed_at=timezone.now() - timedelta(days=1))
    VacancyFactory(employer=employer_a, by=alice, status="live", title="Level 4 developer")
    on_the_page = api().get("/api/v1/public/vacancies/", {"level": [2, 4]}).json()["results"]

    alerts_send_daily()

    (message,) = mail.outbox
    assert on_the_page and all(row["title"] in message.body for row in on_the_page)


def test_a_search_the_page_refuses_offers_no_alert_and_a_refused_alert_names_the_field_in_words(client) -> None:
    refused = " ".join(client.get("/vacancies/", {"q": "chef", "within_miles": "5"}).content.decode().split())
    assert "There is a problem" in refused and "Get e-mail alerts" not in refused

    response = client.post("/vacancies/alerts/", {"email": "reader@example.net", "q": "chef", "within_miles": "5"})

    assert response.status_code == 400
    assert "Distance: Give a postcode" in response.content.decode()
