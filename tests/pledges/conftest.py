"""Pledge personas: Lena's firm (a large levy payer) pledges; Alice (employer A, small) and Bob apply."""

from datetime import date
from decimal import Decimal

import pytest

from apprenticeships.models import Pledge, Role, Vacancy
from apprenticeships.services import pledges
from tests.factories import EmployerFactory, make_user
from tests.market_factories import VacancyFactory

LIVE = Vacancy.Status.LIVE


@pytest.fixture
def levy_payer(db):
    # £10m pay bill declared in 2024: £35,000 of levy a year, so a transfer allowance of some £18,000.
    return EmployerFactory(
        name="Mersey Docks Ltd", is_levy_payer=True, annual_pay_bill=10_000_000, declared_on=date(2024, 1, 1)
    )


@pytest.fixture
def lena(levy_payer):
    return make_user("lena", Role.EMPLOYER, levy_payer)


@pytest.fixture
def make_pledge(levy_payer, lena):
    def make(amount: str = "10000", **criteria: object) -> Pledge:
        criteria.setdefault("levels", [2, 3, 4, 5, 6, 7])
        return pledges.pledge_create(employer=levy_payer, by=lena, amount=Decimal(amount), **criteria)

    return make


@pytest.fixture
def live_vacancy(employer_a, alice, tasks_in_process):
    def make(**fields: object) -> Vacancy:
        fields.setdefault("employer", employer_a)
        fields.setdefault("by", alice)
        return VacancyFactory(status=LIVE, **fields)

    return make
