"""The levy-transfer pages in a real browser: axe-core finds no serious WCAG 2.2 AA problem, and the
applicant accepts approved funding with the page's button."""

from datetime import date
from decimal import Decimal

import pytest

from apprenticeships.models import PledgeApplication, Role, Vacancy
from apprenticeships.services import pledges
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, EmployerFactory, make_user
from tests.market_factories import VacancyFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_pledge_pages_are_accessible_and_the_applicant_accepts(
    open_page, alice, employer_a, hannah, tasks_in_process
):
    pledger = EmployerFactory(
        name="Mersey Docks Ltd", is_levy_payer=True, annual_pay_bill=20_000_000, declared_on=date(2024, 1, 1)
    )
    lena = make_user("lena", Role.EMPLOYER, pledger)
    pledge = pledges.pledge_create(employer=pledger, by=lena, amount=Decimal(20000), levels=[4])
    approved, waiting = (
        VacancyFactory(employer=employer_a, by=alice, status=Vacancy.Status.LIVE, title=title)
        for title in ("Approved developer", "Waiting developer")
    )
    first = pledges.application_create(pledge=pledge, applicant=employer_a, vacancy=approved, by=alice)
    pledges.application_approve(first.pk, by=lena)
    pledges.application_create(pledge=pledge, applicant=employer_a, vacancy=waiting, by=alice)

    page = open_page()
    page.goto("/pledges/")
    assert_accessible(page, context="(public pledges)")

    sign_in(page, "lena", PASSWORD)
    page.goto("/employer/pledges/")
    assert page.get_by_role("img", name="Your pledges").is_visible()
    assert_accessible(page, context="(the pledger's pledges)")

    hub = open_page()
    sign_in(hub, "hannah", PASSWORD)
    hub.goto("/hub/pledges/")
    assert_accessible(hub, context="(the hub's pledges)")

    applicant = open_page()
    sign_in(applicant, "alice", PASSWORD)
    applicant.goto("/employer/pledge-applications/")
    assert_accessible(applicant, context="(the applicant's applications)")
    applicant.get_by_role("button", name="Accept funding for Approved developer").click()
    applicant.wait_for_load_state()
    assert "You accepted £7,200" in applicant.content()
    assert PledgeApplication.objects.get(pk=first.pk).status == "accepted"
