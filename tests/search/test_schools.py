"""For schools and colleges: per local authority, the live vacancies open to 16 to 18 year olds as an
Atom feed, a spreadsheet-safe CSV and a printable list."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from apprenticeships.models import Vacancy
from tests.market_factories import VacancyFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
KNOWSLEY, LIVERPOOL = "E08000011", "E08000012"


@pytest.fixture
def knowsley_vacancies(search_market, employer_b) -> dict[str, Vacancy]:
    """In Knowsley: the plumbing vacancy (16 to 21), one for 19 and over, one closed, one with a formula title."""
    return {
        "plumbing": search_market["plumbing"],
        "older": VacancyFactory(
            employer=employer_b, status="live", title="Team leader", postcode="L36 1AA", age_groups=["25+"]
        ),
        "closed": VacancyFactory(employer=employer_b, status="closed", title="Closed role", postcode="L36 1AA"),
        "formula": VacancyFactory(
            employer=employer_b, status="live", title='=HYPERLINK("http://evil.example","Apply")', postcode="L34 1AA"
        ),
    }


def test_the_page_lists_every_area_of_the_city_region_with_its_feed_csv_and_list(client, knowsley_vacancies):
    body = client.get(reverse("schools")).text

    for name in ("Halton", "Knowsley", "Liverpool", "Sefton", "St. Helens", "Wirral"):
        assert f'<th scope="row" class="govuk-table__header">{name}</th>' in body
    assert reverse("schools-feed", args=[KNOWSLEY]) in body
    assert reverse("schools-csv", args=[KNOWSLEY]) in body
    assert reverse("schools-list", args=[KNOWSLEY]) in body


def test_the_search_and_home_pages_link_to_it(client):
    assert reverse("schools") in client.get(reverse("vacancy-search")).text
    assert reverse("schools") in client.get(reverse("home")).text


def test_the_atom_feed_holds_the_areas_live_vacancies_open_to_16_to_18(client, knowsley_vacancies):
    response = client.get(reverse("schools-feed", args=[KNOWSLEY]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.findtext(f"{ATOM}title") == "Apprenticeships for 16 to 18 year olds in Knowsley"
    entries = {entry.findtext(f"{ATOM}title"): entry for entry in feed.iter(f"{ATOM}entry")}
    plumbing = knowsley_vacancies["plumbing"]
    assert set(entries) == {
        "Plumbing and heating technician – Employer B",
        '=HYPERLINK("http://evil.example","Apply") – Employer B',
    }
    link = entries["Plumbing and heating technician – Employer B"].find(f"{ATOM}link").get("href")
    assert link == f"http://testserver/vacancies/{plumbing.pk}/"
    summary = entries["Plumbing and heating technician – Employer B"].findtext(f"{ATOM}summary")
    assert "£320 a week for 37.5 hours, in L35" in summary


def test_an_area_with_none_has_an_empty_feed_not_an_error(client, knowsley_vacancies):
    feed = ET.fromstring(client.get(reverse("schools-feed", args=["E06000006"])).content)  # Halton

    assert list(feed.iter(f"{ATOM}entry")) == []


def test_the_csv_holds_the_same_vacancies_and_no_formula(client, knowsley_vacancies):
    response = client.get(reverse("schools-csv", args=[KNOWSLEY]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="apprenticeships-16-18-knowsley.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Vacancy", "Employer", "Apprenticeship"]
    by_title = {row[0]: row for row in rows[1:]}
    assert set(by_title) == {"Plumbing and heating technician", '\'=HYPERLINK("http://evil.example","Apply")'}
    plumbing = by_title["Plumbing and heating technician"]
    assert plumbing[1:9] == [
        "Employer B",
        "Building services engineering installer",
        "2",
        "320.00",
        "37.5",
        "L35",
        knowsley_vacancies["plumbing"].start_date.isoformat(),
        knowsley_vacancies["plumbing"].closing_date.isoformat(),
    ]
    assert plumbing[9] == f"http://testserver/vacancies/{knowsley_vacancies['plumbing'].pk}/"


def test_another_areas_csv_has_only_its_own(client, knowsley_vacancies):
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("schools-csv", args=[LIVERPOOL])).content.decode("utf-8-sig")))
    )

    assert [row[0] for row in rows[1:]] == ["Junior software developer"]


def test_the_printable_list_has_the_vacancies_and_print_styles(client, knowsley_vacancies):
    body = client.get(reverse("schools-list", args=[KNOWSLEY])).text

    assert "Apprenticeships for 16 to 18 year olds in Knowsley" in body
    assert "2 apprenticeships" in body
    assert "Plumbing and heating technician" in body and "Team leader" not in body and "Closed role" not in body
    assert "css/print-list.css" in body


@pytest.mark.parametrize("code", ["E09000001", "NOPE", "E08000011x"])  # the City of London is not in the region
def test_an_area_outside_the_city_region_is_not_found(client, code):
    for name in ("schools-feed", "schools-csv", "schools-list"):
        assert client.get(reverse(name, args=[code])).status_code == 404
