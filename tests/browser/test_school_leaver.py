"""A school leaver with no account searches "plumber" near L36 (Huyton) within 5 miles, open to 16 to 18
year olds, opens the one result and reads what it pays, when and for whom, goes back to the search, opens
it again and applies; the employer (Bob) signs in and finds the application.

Around it: a plumber's vacancy 5.8 miles away in L1, one for apprentices of 25 and over in L36, and an
electrician's in L35: each out of the search for one reason.
"""

from decimal import Decimal

import pytest

from apprenticeships.models import Application, Vacancy
from tests.browser import journeys
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.market_factories import VacancyFactory, standard

pytestmark = pytest.mark.django_db(transaction=True)

BUILDING_SERVICES = 164  # LARS: Building services engineering installer, level 2
TITLE = "Plumbing and heating technician"
TOO_FAR = "Plumber's mate, Liverpool city centre"
TOO_OLD = "Plumbing supervisor"


@pytest.fixture
def vacancies(employer_a, employer_b) -> list[Vacancy]:
    live = {"status": Vacancy.Status.LIVE, "standard": standard(BUILDING_SERVICES)}
    return [
        VacancyFactory(
            employer=employer_b,
            title=TITLE,
            description="Fit and service boilers and bathrooms across Knowsley.",
            postcode="L35 1AA",
            age_groups=["16-18", "19-21"],
            weekly_wage=Decimal("320.00"),
            hours_per_week=Decimal("37.5"),
            **live,
        ),
        VacancyFactory(employer=employer_a, title=TOO_FAR, postcode="L1 8JQ", **live),
        VacancyFactory(employer=employer_b, title=TOO_OLD, postcode="L36 1AA", age_groups=["25+"], **live),
        VacancyFactory(employer=employer_b, title="Electrician", postcode="L35 2AA", **live),
    ]


def test_a_school_leaver_finds_a_plumbing_apprenticeship_near_home_and_applies(open_page, vacancies, bob):
    resident = open_page()
    journeys.school_leaver_finds_a_vacancy(resident, title=TITLE, left_out=[TOO_FAR, TOO_OLD, "Electrician"])

    resident.get_by_role("link", name=TITLE).click()
    resident.get_by_label("Your full name").fill("Jordan Lee")
    resident.get_by_label("Email address").fill("jordan@example.net")
    resident.get_by_label("Your age (optional)").select_option(label="16 to 18")
    resident.get_by_label("I agree to my details being sent").check()
    resident.get_by_role("button", name="Send application").click()
    journeys.expect(resident.get_by_role("heading", name="Application sent")).to_be_visible()
    journeys.assert_accessible(resident, context="(school leaver: application sent)")

    employer = open_page()
    sign_in(employer, "bob", PASSWORD)
    employer.goto(f"/employer/vacancies/{vacancies[0].pk}/")
    employer.get_by_role("link", name="Applications for this vacancy").click()
    journeys.expect(employer.get_by_role("link", name="Jordan Lee")).to_be_visible()
    assert Application.objects.get().vacancy == vacancies[0]


def test_a_careers_adviser_prints_the_list_for_knowsley(open_page, vacancies):
    page = open_page()
    page.goto("/")
    page.get_by_role("link", name="For schools and colleges").first.click()
    journeys.expect(page.get_by_role("heading", level=1)).to_have_text("For schools and colleges")
    journeys.assert_accessible(page, context="(schools page)")
    page.get_by_role("link", name="Printable list for Knowsley").click()

    journeys.expect(page.get_by_role("heading", level=1)).to_have_text(
        "Apprenticeships for 16 to 18 year olds in Knowsley"
    )
    main = page.get_by_role("main")
    journeys.expect(main).to_contain_text(TITLE)
    journeys.expect(main).not_to_contain_text(TOO_OLD)  # 25 and over only
    journeys.assert_accessible(page, context="(schools: printable list)")

    page.emulate_media(media="print")
    journeys.expect(page.locator(".govuk-header")).to_be_hidden()
    journeys.expect(page.get_by_role("link", name="Download as a spreadsheet (CSV)")).to_be_hidden()
    journeys.expect(main).to_contain_text(f"/vacancies/{vacancies[0].pk}/")  # the address, written out on paper
    journeys.screenshot(page, "journey-schools-printable-list")
