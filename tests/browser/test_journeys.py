"""The six journeys of issue 6, end to end in a real browser, each person in their own browser.

1. Alice (employer A) creates a vacancy with a wage below the minimum, corrects it and submits it.
2. Hannah (hub) approves it; Priya (provider A) uploads a CSV of two offers with one bad row,
   reads the report (nothing saved), fixes the row and uploads again.
3. Hannah starts a full matching run and waits for it to succeed, reads why one suggestion was
   made, approves it and rejects the other with a reason.
4. Alice and Priya each see the introduction with the other's contact details and accept it.
5. A resident with no account searches near a postcode and opens the vacancy.
6. Hannah sees the agreed match on the dashboard.

Background: Bob's network engineer vacancy in Southport is live too, out of the search's reach.
"""

import pytest

from apprenticeships.models import Vacancy
from tests.browser import journeys
from tests.browser.journeys import Story
from tests.market_factories import NETWORK_ENGINEER, VacancyFactory, standard

pytestmark = pytest.mark.django_db(transaction=True)

FAR_TITLE = "Network engineer apprentice, Southport"


@pytest.fixture
def far_vacancy(bob) -> Vacancy:
    return VacancyFactory(
        employer=bob.membership.employer,
        status=Vacancy.Status.LIVE,
        title=FAR_TITLE,
        standard=standard(NETWORK_ENGINEER),
        postcode="PR9 0AA",
    )


def test_the_six_journeys_end_to_end(open_page, alice, priya, hannah, far_vacancy):
    story = Story()
    employer = journeys.signed_in(open_page, "alice", check_sign_in_page=True)
    hub = journeys.signed_in(open_page, "hannah")
    provider = journeys.signed_in(open_page, "priya")

    journeys.employer_creates_and_submits_a_vacancy(employer, story)

    journeys.hub_approves_the_vacancy(hub, story)
    journeys.provider_uploads_offers(provider, story)
    journeys.wait_for_rematch(story, suggestions=2)  # see its docstring: a known race with full runs

    journeys.hub_runs_matching(hub)
    journeys.hub_reviews_suggestions(hub, story)

    journeys.parties_accept(employer, provider, story)

    journeys.resident_finds_the_vacancy(open_page(), story, far_title=FAR_TITLE)

    journeys.hub_sees_the_match_on_the_dashboard(hub, story)
