"""A school leaver applies for a plumbing apprenticeship in a real browser, and Alice reads and answers it.

Each page on the way is checked with axe-core (WCAG 2.2 AA): the vacancy page with its form, the
form with errors, the confirmation, Alice's list and the application with its status choices.
"""

import pytest
from django.core import mail
from playwright.sync_api import expect

from apprenticeships.models import Application, Vacancy
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD
from tests.market_factories import VacancyFactory

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Plumbing and heating technician"


@pytest.fixture
def plumbing(alice) -> Vacancy:
    return VacancyFactory(employer=alice.membership.employer, by=alice, status="live", title=TITLE, postcode="L36 9GD")


def test_a_school_leaver_applies_and_the_employer_answers(open_page, plumbing, alice) -> None:
    resident = open_page()
    resident.goto("/vacancies/?q=plumbing&postcode=L36+9GD&within_km=10")
    expect(resident.get_by_role("heading", name="Get e-mail alerts for this search")).to_be_visible()
    resident.get_by_role("link", name=TITLE).click()

    expect(resident.get_by_role("heading", name="How to apply")).to_be_visible()
    assert_accessible(resident, context="(the vacancy page with its application form)")
    resident.get_by_label("Your full name").fill("Jordan Lee")
    resident.get_by_label("Email address").fill("jordan@example.net")
    resident.get_by_role("button", name="Send application").click()  # consent not ticked

    expect(resident.get_by_role("alert")).to_contain_text("Agree to your details being sent to the employer")
    expect(resident.locator(".govuk-error-summary")).to_be_focused()  # read out first, then its links lead on
    assert_accessible(resident, context="(the application form with an error)")
    expect(resident.get_by_label("Your full name")).to_have_value("Jordan Lee")
    resident.get_by_label("Your age (optional)").select_option(label="16 to 18")
    resident.get_by_label("I agree to my details being sent").check()
    resident.get_by_role("button", name="Send application").click()

    expect(resident.get_by_role("heading", name="Application sent")).to_be_visible()
    assert_accessible(resident, context="(application sent)")
    assert Application.objects.get().email == "jordan@example.net"
    assert ["jordan@example.net"] in [message.to for message in mail.outbox]  # and the employer is told

    employer = open_page()
    sign_in(employer, "alice", PASSWORD)
    employer.goto(f"/employer/vacancies/{plumbing.pk}/")
    employer.get_by_role("link", name="Applications for this vacancy").click()
    expect(employer.get_by_role("heading", name=f"Applications for {TITLE}")).to_be_visible()
    assert_accessible(employer, context="(the employer's list of applications)")
    employer.get_by_role("link", name="Jordan Lee").click()
    expect(employer.get_by_role("main")).to_contain_text("jordan@example.net")
    assert_accessible(employer, context="(one application)")
    employer.get_by_label("Interviewing").check()
    employer.get_by_role("button", name="Save and tell the applicant").click()

    expect(employer.locator(".govuk-notification-banner")).to_contain_text("We have e-mailed them")
    assert Application.objects.get().status == "interviewing"


def test_a_resident_searches_with_the_form_as_it_comes(open_page, plumbing, alice) -> None:
    """Nothing chosen but words, then nothing but a postcode: the distance left as the page offers it."""
    far = VacancyFactory(
        employer=alice.membership.employer, by=alice, status="live", title="Plumber in Southport", postcode="PR8 1AA"
    )
    resident = open_page()
    resident.goto("/vacancies/")
    expect(resident.get_by_label("Distance")).to_have_value("")  # "Default: 10 miles"
    resident.get_by_label("Job, skill or keyword").fill("plumbing")
    resident.get_by_role("button", name="Search").click()

    expect(resident.get_by_role("heading", name="2 apprenticeships found")).to_be_visible()  # no postcode needed
    resident.goto("/vacancies/")
    resident.get_by_label("Your postcode").fill("L36 9GD")
    resident.get_by_role("button", name="Search").click()

    expect(resident.get_by_role("link", name=TITLE)).to_be_visible()  # Huyton, within the 10 miles promised
    expect(resident.get_by_role("link", name=far.title)).to_have_count(0)  # Southport, about 20 miles away
    assert_accessible(resident, context="(search results from a postcode alone)")
