"""Sending a "create" form twice creates one thing (issue 12).

The finding: a double-submitted new-vacancy form made two drafts. Each form page now carries a
one-time token; the first submission claims it, and a second submission of the same page is taken
to what the first one saved, with a message, and creates nothing.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from apprenticeships.models import CourseOffer, FormSubmission, Role, Vacancy
from tests.factories import make_user
from tests.market_factories import SOFTWARE_DEVELOPER, days_ahead
from tests.web.conftest import date_fields, formset_management

pytestmark = pytest.mark.django_db

ALREADY_SENT = "You had already sent this form, so nothing new was saved."


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_token(page) -> str:
    """The one-time token of the form on a page, as a browser would send it back."""
    found = re.search(r'<input type="hidden" name="once" value="([^"]+)">', page.content.decode())
    assert found, "the form carries no one-time token"
    return found[1]


@pytest.fixture
def vacancy_form() -> dict[str, object]:
    """What an employer types into the new-vacancy form, all of it valid."""
    return {
        "title": "Trainee web developer",
        "description": "Help build the booking system for our hotels.",
        "standard": str(SOFTWARE_DEVELOPER),
        "positions": "1",
        "weekly_wage": "£320.50",
        "hours_per_week": "35",
        "postcode": "L3 5TR",
        **date_fields("start_date", days_ahead(75)),
        **date_fields("closing_date", days_ahead(21)),
        "delivery_modes": ["day_release"],
        "notes": "",
    }


@pytest.fixture
def offer_form() -> dict[str, object]:
    """What a provider types into the new-offer form: one location, one cohort."""
    return {
        "standard": str(SOFTWARE_DEVELOPER),
        "title": "Software developer with block release",
        "description": "Two-week blocks at our Liverpool campus.",
        "price": "16,500",
        "delivery_modes": ["block_release"],
        "status": "open",
        **formset_management("locations", 1),
        "locations-0-postcode": "L3 5TR",
        "locations-0-radius_km": "30",
        **formset_management("cohorts", 1),
        **date_fields("cohorts-0-start_date", days_ahead(100)),
        "cohorts-0-places": "10",
    }


def test_a_double_submitted_vacancy_form_saves_one_draft_and_the_second_answer_says_so(alice, vacancy_form) -> None:
    client = browser(alice)
    sent = vacancy_form | {"once": form_token(client.get(reverse("employer-vacancy-new")))}

    first = client.post(reverse("employer-vacancy-new"), sent)
    second = client.post(reverse("employer-vacancy-new"), sent, follow=True)

    (draft,) = Vacancy.objects.all()
    assert first.status_code == 302 and first["Location"] == reverse("employer-vacancy", args=[draft.pk])
    assert second.redirect_chain == [(reverse("employer-vacancy", args=[draft.pk]), 302)]
    assert ALREADY_SENT in second.content.decode()
    assert draft.status == Vacancy.Status.DRAFT


def test_a_new_page_gets_a_new_token_so_a_second_vacancy_can_still_be_made(alice, vacancy_form) -> None:
    client = browser(alice)

    for title in ("Junior software developer", "Trainee tester"):
        token = form_token(client.get(reverse("employer-vacancy-new")))
        client.post(reverse("employer-vacancy-new"), vacancy_form | {"title": title, "once": token})

    assert sorted(Vacancy.objects.values_list("title", flat=True)) == ["Junior software developer", "Trainee tester"]


def test_a_form_sent_back_with_errors_keeps_its_token_and_is_saved_once_corrected(alice, vacancy_form) -> None:
    client = browser(alice)
    token = form_token(client.get(reverse("employer-vacancy-new")))

    refused = client.post(reverse("employer-vacancy-new"), vacancy_form | {"title": "", "once": token})
    client.post(reverse("employer-vacancy-new"), vacancy_form | {"once": form_token(refused)})
    client.post(reverse("employer-vacancy-new"), vacancy_form | {"once": token})

    assert refused.status_code == 200 and form_token(refused) == token
    assert Vacancy.objects.count() == 1


def test_another_users_token_neither_stops_his_form_nor_shows_him_her_draft(alice, employer_a, vacancy_form) -> None:
    amir = make_user("amir", Role.EMPLOYER, employer_a)
    client = browser(alice)
    token = form_token(client.get(reverse("employer-vacancy-new")))
    client.post(reverse("employer-vacancy-new"), vacancy_form | {"once": token})

    response = browser(amir).post(reverse("employer-vacancy-new"), vacancy_form | {"once": token})

    # Not his token: his form is handled as any other, and Alice's draft is not shown to him.
    assert Vacancy.objects.count() == 2
    assert response.status_code == 302
    assert response["Location"] == reverse("employer-vacancy", args=[Vacancy.objects.latest("pk").pk])


def test_a_double_submitted_offer_form_adds_one_offer(priya, offer_form) -> None:
    client = browser(priya)
    sent = offer_form | {"once": form_token(client.get(reverse("provider-offer-new")))}

    client.post(reverse("provider-offer-new"), sent)
    second = client.post(reverse("provider-offer-new"), sent, follow=True)

    assert CourseOffer.objects.count() == 1
    assert second.redirect_chain == [(reverse("provider-offers"), 302)]
    assert ALREADY_SENT in second.content.decode()


def test_a_used_token_is_claimed_in_the_database_with_where_its_result_is(alice, vacancy_form) -> None:
    client = browser(alice)
    token = form_token(client.get(reverse("employer-vacancy-new")))

    client.post(reverse("employer-vacancy-new"), vacancy_form | {"once": token})

    claim = FormSubmission.objects.get(token=token)
    assert (claim.user, claim.form) == (alice, "vacancy-new")
    assert claim.done_url == reverse("employer-vacancy", args=[Vacancy.objects.get().pk])
