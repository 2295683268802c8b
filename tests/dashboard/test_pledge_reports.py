"""The dashboard's levy-transfer panel: pledged, held, used, expired, and the pounds reaching each area and decile."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from apprenticeships.models import PledgeApplication, Role, Vacancy
from apprenticeships.services import pledges
from matching.dashboard.reports import pledge_totals, pledges_by_authority, pledges_by_decile
from tests.factories import EmployerFactory, make_user
from tests.market_factories import VacancyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def transfers(tasks_in_process, hannah):
    pledger = EmployerFactory(
        name="Mersey Docks Ltd", is_levy_payer=True, annual_pay_bill=20_000_000, declared_on=date(2024, 1, 1)
    )
    small = EmployerFactory(name="Small Firm Ltd", postcode="L36 9YU")
    sam = make_user("sam-small", Role.EMPLOYER, small)
    pledge = pledges.pledge_create(employer=pledger, by=None, amount=Decimal(30000), levels=[4])

    def funded(postcode: str) -> int:
        vacancy = VacancyFactory(employer=small, by=sam, status=Vacancy.Status.LIVE, postcode=postcode)
        application = pledges.application_create(pledge=pledge, applicant=small, vacancy=vacancy, by=None)
        pledges.application_approve(application.pk, by=hannah)
        return application.pk

    knowsley = funded("L36 9YU")  # held: £7,200
    used = funded("CH41 1AA")
    pledges.application_accept(used, by=sam)
    pledges.application_funds_used(used, by=hannah)  # used: £7,200 in Wirral
    expired = funded("CH41 1AA")
    pledges.application_accept(expired, by=sam)

    PledgeApplication.objects.filter(pk=expired).update(accepted_at=timezone.now() - timedelta(days=100))
    pledges.pledges_tick()
    return pledge, knowsley


def test_the_totals_say_what_was_pledged_held_used_expired_and_left(transfers):
    totals = {row["measure"]: row["amount"] for row in pledge_totals()}

    assert totals == {
        "Pledged": Decimal(30000),
        "Held for approved and accepted applications": Decimal(7200),
        "Used": Decimal(7200),
        "Expired unused": Decimal(7200),
        "Still available in open pledges": Decimal(30000 - 2 * 7200),
    }


def test_the_money_reaches_the_workplaces_authority_and_its_decile(transfers):
    areas = {row["area"]: row for row in pledges_by_authority()}
    assert areas["Knowsley"]["held"] == 7200 and areas["Knowsley"]["reaching"] == 7200
    assert areas["Wirral"]["used"] == 7200 and areas["Wirral"]["expired"] == 7200
    assert areas["Wirral"]["reaching"] == 7200 and areas["Wirral"]["applications"] == 1
    assert areas["Halton"]["reaching"] == 0  # every authority of the region is listed
    deciles = {row["decile"]: row["reaching"] for row in pledges_by_decile()}
    assert deciles[1] == 7200  # Knowsley: among the most deprived 10% of authorities
    assert sum(deciles.values()) == 14400


def test_the_dashboard_shows_the_panel_and_its_charts(transfers, hannah):
    client = Client()
    client.force_login(hannah)

    page = client.get("/dashboard/").content.decode()

    assert 'id="pledges-heading"' in page and "chart-pledges-area-title" in page
    assert "Levy transfers reaching each local authority" in page and "£7,200" in page
    csv = client.get("/dashboard/export/pledges-by-authority.csv")
    assert csv.status_code == 200 and "Knowsley" in csv.content.decode()
