"""Histories name hub staff only to hub staff (issue 12).

The attack: Alice, an employer, read her vacancy's history and saw the login names of the hub
staff who had reviewed it, while a suggestion's history hid who acted from everyone but the hub.
Now both say the same: everyone reads the actor's role ("Hub staff", "Employer", "Training
provider"); the person's name only hub staff, and the people of the actor's own organisation.
"""

import pytest
from django.test import Client
from django.urls import reverse

from apprenticeships.models import Role, Vacancy
from apprenticeships.services.vacancies import vacancy_transition
from matching.services import suggestion_approve, suggestion_respond
from tests.factories import make_user
from tests.market_factories import VacancyFactory
from tests.review.conftest import best

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(alice, hannah) -> Vacancy:
    """Alice's vacancy, submitted by her and sent back by Hannah Hughes of the hub with a comment."""
    hannah.first_name, hannah.last_name = "Hannah", "Hughes"
    hannah.save()
    vacancy = VacancyFactory(employer=alice.membership.employer, by=alice, status=Vacancy.Status.SUBMITTED)
    return vacancy_transition(vacancy, action="refer", by=hannah, comment="Say what the apprentice will learn.")


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_employer_reading_its_vacancys_history_sees_hub_staff_not_a_login_name(api, alice, reviewed):
    response = api(alice).get(f"/api/v1/vacancies/{reviewed.pk}/")

    steps = [(s["to_status"], s["by"], s["by_role"]) for s in response.json()["history"]]
    assert steps == [
        ("draft", "alice", "Employer"),
        ("submitted", "alice", "Employer"),
        ("draft", None, "Hub staff"),
    ]
    assert "hannah" not in response.content.decode()


def test_an_employer_sees_a_colleagues_name_in_the_history(api, alice, employer_a, reviewed):
    amir = make_user("amir", Role.EMPLOYER, employer_a)

    history = api(amir).get(f"/api/v1/vacancies/{reviewed.pk}/").json()["history"]

    assert [s["by"] for s in history] == ["alice", "alice", None]


def test_hub_staff_see_who_did_each_step(api, hannah, reviewed):
    history = api(hannah).get(f"/api/v1/vacancies/{reviewed.pk}/").json()["history"]

    assert [(s["by"], s["by_role"]) for s in history][-1] == ("hannah", "Hub staff")


def test_the_employers_vacancy_page_says_hub_staff_and_no_name(alice, reviewed):
    page = browser(alice).get(reverse("employer-vacancy", args=[reviewed.pk])).content.decode()

    history = page[page.index(">History<") :]
    assert "Hub staff" in history and "Say what the apprentice will learn." in history
    assert "hannah" not in page and "Hannah" not in page and "Hughes" not in page


def test_the_hubs_review_page_names_the_reviewer(hannah, reviewed):
    vacancy_transition(reviewed, action="submit", by=reviewed.transitions.first().by)

    page = browser(hannah).get(reverse("hub-qa-review", args=[reviewed.pk])).content.decode()

    assert "Hannah Hughes" in page[page.index(">History<") :]


def test_a_suggestions_history_follows_the_same_rule_for_every_party(api, hannah, alice, priya, matched):
    suggestion = best(matched.alices, matched.liverpool_offer)
    suggestion = suggestion_approve(suggestion.pk, by=hannah, version=suggestion.version)
    suggestion_respond(suggestion.pk, by=priya, accept=True)
    suggestion_respond(suggestion.pk, by=alice, accept=True)
    url = f"/api/v1/suggestions/{suggestion.pk}/history/"

    def trail(user) -> list[tuple]:
        return [(e["action"], e["by"], e["by_role"]) for e in api(user).get(url).json()]

    assert trail(alice) == [
        ("approve", None, "Hub staff"),
        ("accept", None, "Training provider"),
        ("agree", "alice", "Employer"),
    ]
    assert trail(priya) == [
        ("approve", None, "Hub staff"),
        ("accept", "priya", "Training provider"),
        ("agree", None, "Employer"),
    ]
    assert trail(hannah) == [
        ("approve", "hannah", "Hub staff"),
        ("accept", "priya", "Training provider"),
        ("agree", "alice", "Employer"),
    ]
