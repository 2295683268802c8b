"""Employers' and providers' "Your matches": introductions by state, the other side's contacts, and answering.

Alice (Employer A) and Priya (Provider A) are introduced over the Liverpool vacancy; Bob and
Quentin over the Wirral one. Nobody sees an introduction that is not theirs, or one the hub has
not approved.
"""

import pytest
from django.urls import reverse

from apprenticeships.models import Cohort
from matching import services
from matching.models import Suggestion
from tests.web.review_market import banner, review_market

pytestmark = pytest.mark.django_db

ALICES, PRIYAS = reverse("employer-matches"), reverse("provider-matches")


@pytest.fixture
def market(alice, bob, priya, quentin, hannah):
    market = review_market(alice, bob, priya, quentin)
    services.suggestion_approve(market.liverpool.pk, by=hannah, version=1)
    services.suggestion_approve(market.wirral.pk, by=hannah, version=1)
    return market


def answer(client, persona, suggestion, verb, **fields):
    return client.post(reverse(f"{persona}-match-{verb}", args=[suggestion.pk]), fields, follow=True)


def section(body: str, heading: str) -> str:
    """The part of the page under one state's heading, up to the next."""
    start = body.index(heading)
    end = body.find('<h2 class="govuk-heading-m"', start + 1)
    return body[start : end if end != -1 else None]


def test_an_employer_sees_its_introductions_with_the_providers_contacts(client, alice, market):
    client.force_login(alice)

    body = client.get(ALICES).text

    waiting = section(body, "Introduced and waiting for your answer (1)")
    assert "Liverpool developer" in waiting and "with Provider A" in waiting
    assert "priya@example.org" in waiting and 'href="mailto:priya@example.org"' in waiting
    assert "12 km away · Ofsted Good · starts on your start date" in waiting
    assert "Starts on your start date" in waiting  # the "Why" table too
    assert "Accept<span" in waiting and "Decline<span" in waiting
    # Still under review, or someone else's: not here.
    assert "Knowsley developer" not in body and "Wirral developer" not in body
    assert "quentin@example.org" not in body and "bob@example.org" not in body


def test_a_provider_sees_its_introductions_with_the_employers_contacts(client, priya, market):
    client.force_login(priya)

    body = client.get(PRIYAS).text

    waiting = section(body, "Introduced and waiting for your answer (1)")
    assert "Liverpool developer" in waiting and "Employer A" in waiting and "alice@example.org" in waiting
    assert "12 km away · Ofsted Good · starts on the employer&#x27;s start date" in waiting
    assert "Starts on the employer&#x27;s start date" in waiting and "your start date" not in waiting
    assert "Wirral developer" not in body and "Knowsley developer" not in body


def test_someone_with_no_introductions_is_told_so(client, alice):
    client.force_login(alice)

    body = client.get(ALICES).text

    assert "You have no matches yet" in body


@pytest.mark.parametrize(("persona", "their"), [("alice", "employer"), ("priya", "provider")])
def test_nobody_can_answer_an_introduction_that_is_not_theirs(client, request, market, persona, their):
    client.force_login(request.getfixturevalue(persona))

    others = client.post(reverse(f"{their}-match-accept", args=[market.wirral.pk]))
    not_introduced = client.post(reverse(f"{their}-match-accept", args=[market.knowsley.pk]))
    decline = client.post(reverse(f"{their}-match-decline", args=[market.wirral.pk]), {"reason": "No thanks"})

    assert (others.status_code, not_introduced.status_code, decline.status_code) == (404, 404, 404)
    assert Suggestion.objects.get(pk=market.wirral.pk).status == Suggestion.Status.APPROVED
    assert Suggestion.objects.get(pk=market.knowsley.pk).status == Suggestion.Status.SUGGESTED


@pytest.mark.parametrize(
    ("persona", "url"),
    [("priya", ALICES), ("alice", PRIYAS), ("hannah", ALICES), ("hannah", PRIYAS)],
)
def test_each_role_has_its_own_matches_page(client, request, market, persona, url):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(url).status_code == 403


def test_both_accepting_agrees_the_match_and_takes_the_places(client, alice, priya, market):
    cohort = Cohort.objects.get(pk=market.liverpool.cohort_id)
    assert cohort.places == 12

    client.force_login(alice)
    response = answer(client, "employer", market.liverpool, "accept")

    assert "You have accepted the introduction to Provider A. They have not answered yet." in banner(response)
    assert "Liverpool developer" in section(response.text, "Waiting for the other organisation (1)")
    client.force_login(priya)
    assert "Liverpool developer" in section(client.get(PRIYAS).text, "Introduced and waiting for your answer (1)")

    response = answer(client, "provider", market.liverpool, "accept")

    assert "You and Employer A have both accepted: “Liverpool developer” is agreed." in banner(response)
    assert "Liverpool developer" in section(response.text, "Agreed (1)")
    market.liverpool.refresh_from_db()
    cohort.refresh_from_db()
    assert market.liverpool.status == Suggestion.Status.AGREED
    assert cohort.places == 10  # the vacancy's two positions
    assert [e.action for e in market.liverpool.events.all()] == ["approve", "accept", "agree"]


def test_answering_twice_is_refused(client, alice, market):
    client.force_login(alice)
    answer(client, "employer", market.liverpool, "accept")

    response = answer(client, "employer", market.liverpool, "accept")

    assert "Nothing was changed. Your organisation has already accepted this match." in banner(response)
    assert market.liverpool.events.count() == 2


def test_declining_needs_a_reason(client, priya, market):
    client.force_login(priya)

    response = answer(client, "provider", market.liverpool, "decline", reason="  ")

    body = response.text
    assert "<title>Error: " in body and "Enter why you are declining the introduction" in body
    assert f'<a href="#decline-{market.liverpool.pk}-reason">' in body
    assert f'id="decline-{market.liverpool.pk}-reason"' in body
    market.liverpool.refresh_from_db()
    assert market.liverpool.status == Suggestion.Status.APPROVED and market.liverpool.events.count() == 1


def test_declining_says_why_and_reopens_the_vacancy(client, alice, priya, hannah, market):
    client.force_login(priya)

    response = answer(client, "provider", market.liverpool, "decline", reason="Our cohort is for day release only.")

    assert "You have declined the introduction for “Liverpool developer”" in banner(response)
    declined = section(response.text, "Declined (1)")
    assert "Your organisation" in declined and "“Our cohort is for day release only.”" in declined
    market.liverpool.refresh_from_db()
    assert (market.liverpool.status, market.liverpool.provider_response) == ("declined", "declined")
    client.force_login(alice)
    declined = section(client.get(ALICES).text, "Declined (1)")
    assert "Provider A" in declined and "Our cohort is for day release only." in declined
    # The vacancy is open again: the hub may now introduce it to Provider B instead.
    client.force_login(hannah)
    response = client.post(
        reverse("matching-suggestion-approve", args=[market.liverpool_alternative.pk]), {"version": 1}, follow=True
    )
    assert f"Suggestion {market.liverpool_alternative.pk} approved" in banner(response)


def test_employers_and_providers_find_their_matches_from_home_and_navigation(client, alice, priya):
    for user, url in ((alice, ALICES), (priya, PRIYAS)):
        client.force_login(user)

        body = client.get(reverse("home")).text

        assert body.count(f'href="{url}"') == 2  # the navigation and the home page
        assert "Your matches" in body
