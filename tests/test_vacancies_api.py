"""Employers' vacancies through the API: the rules a vacancy must meet, and editing one.

Each rule has a case just inside (saved) and just outside (400 naming the field, nothing saved).
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apprenticeships.funding.rules import minimum_hourly_wage
from apprenticeships.models import Standard, Vacancy, VacancyTransition
from lcr_skills.formats import money
from tests.factories import EmployerFactory
from tests.market_factories import (
    NETWORK_ENGINEER,
    SOFTWARE_DEVELOPER,
    VacancyFactory,
    days_ahead,
    db_snapshot,
    vacancy_payload,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/vacancies/"


def detail(vacancy: Vacancy) -> str:
    return f"{URL}{vacancy.id}/"


def minimum_wage(hours: int) -> Decimal:
    """The apprentice minimum wage on the payload's start date (60 days ahead) × the hours."""
    return (minimum_hourly_wage(days_ahead(60)) * hours).quantize(Decimal("0.01"))


def post_refused(client, field: str, **overrides: object) -> str:
    """POST a vacancy that breaks one rule; check 400 names `field` and nothing was saved. Returns the message."""
    vacancies, transitions = db_snapshot(Vacancy), db_snapshot(VacancyTransition)
    response = client.post(URL, vacancy_payload(**overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert db_snapshot(Vacancy) == vacancies
    assert db_snapshot(VacancyTransition) == transitions
    return " ".join(response.json()[field])


def post_accepted(client, **overrides: object) -> Vacancy:
    response = client.post(URL, vacancy_payload(**overrides), format="json")
    assert response.status_code == 201, response.content
    return Vacancy.objects.get(pk=response.json()["id"])


def test_an_employer_creates_a_draft_vacancy_for_its_own_organisation(api, alice, employer_a):
    response = api(alice).post(URL, vacancy_payload(postcode="l18jq"), format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["employer"] == employer_a.id
    assert body["status"] == "draft"
    assert body["standard"] == SOFTWARE_DEVELOPER
    assert body["postcode"] == "L1 8JQ"
    assert body["local_authority"] == {"code": "E08000012", "name": "Liverpool"}
    assert body["weekly_wage"] == 300.0
    assert sorted(body["delivery_modes"]) == ["day_release", "online"]
    assert body["history"] == [
        {
            "from_status": "",
            "to_status": "draft",
            "by": "alice",
            "by_role": "Employer",
            "at": body["history"][0]["at"],
            "comment": "Created",
        }
    ]
    vacancy = Vacancy.objects.get(pk=body["id"])
    assert (vacancy.employer, vacancy.status, vacancy.outcode) == (employer_a, "draft", "L1")


def test_it_ignores_an_employer_and_status_sent_by_the_client(api, alice, employer_a, employer_b):
    vacancy = post_accepted(api(alice), employer=employer_b.id, status="live")

    assert (vacancy.employer, vacancy.status) == (employer_a, "draft")


def test_it_refuses_a_retired_standard_but_accepts_a_current_one(api, alice):
    Standard.objects.filter(lars_code=NETWORK_ENGINEER).update(status=Standard.Status.RETIRED)

    message = post_refused(api(alice), "standard", standard=NETWORK_ENGINEER)

    assert "retired" in message
    assert post_accepted(api(alice), standard=SOFTWARE_DEVELOPER).standard.lars_code == SOFTWARE_DEVELOPER


def test_it_refuses_an_unknown_standard(api, alice):
    post_refused(api(alice), "standard", standard=999999)


def test_it_accepts_one_position_and_refuses_none(api, alice):
    assert post_accepted(api(alice), positions=1).positions == 1
    post_refused(api(alice), "positions", positions=0)


@pytest.mark.parametrize("hours", ["16", "48"])
def test_it_accepts_the_shortest_and_longest_working_weeks(api, alice, hours):
    vacancy = post_accepted(api(alice), hours_per_week=hours, weekly_wage=str(minimum_wage(int(hours))))

    assert vacancy.hours_per_week == Decimal(hours)


@pytest.mark.parametrize("hours", ["15.5", "48.5"])
def test_it_refuses_hours_outside_16_to_48(api, alice, hours):
    message = post_refused(api(alice), "hours_per_week", hours_per_week=hours, weekly_wage="500.00")

    assert "16" in message and "48" in message


def test_it_accepts_exactly_the_apprentice_minimum_wage(api, alice):
    vacancy = post_accepted(api(alice), hours_per_week="30", weekly_wage=str(minimum_wage(30)))

    assert vacancy.weekly_wage == minimum_wage(30)


def test_it_refuses_a_penny_below_the_minimum_wage_and_names_the_minimum(api, alice):
    message = post_refused(
        api(alice), "weekly_wage", hours_per_week="30", weekly_wage=str(minimum_wage(30) - Decimal("0.01"))
    )

    assert f"at least {money(minimum_wage(30))} (" in message
    assert f"{money(minimum_hourly_wage(days_ahead(60)))} an hour on the start date × 30 hours)" in message


@pytest.mark.parametrize(
    ("postcode", "rule"),
    [
        ("L1 8JQQ", "not a valid UK postcode"),
        ("12345", "not a valid UK postcode"),
        ("ZZ9 9ZZ", "could not find"),
        ("EH1 1AA", "outside England"),
        ("CF10 1AA", "outside England"),
        ("", ""),
    ],
)
def test_it_refuses_a_workplace_postcode_it_cannot_place_in_england(api, alice, postcode, rule):
    message = post_refused(api(alice), "postcode", postcode=postcode)

    assert rule in message


def test_it_accepts_a_start_date_the_day_after_the_closing_date(api, alice):
    vacancy = post_accepted(api(alice), closing_date=days_ahead(14).isoformat(), start_date=days_ahead(15).isoformat())

    assert vacancy.start_date == days_ahead(15)


def test_it_refuses_a_start_date_on_the_closing_date(api, alice):
    message = post_refused(
        api(alice), "start_date", closing_date=days_ahead(14).isoformat(), start_date=days_ahead(14).isoformat()
    )

    assert "after the closing date" in message


def test_it_refuses_a_closing_date_in_the_past(api, alice):
    post_refused(api(alice), "closing_date", closing_date=days_ahead(-1).isoformat())


@pytest.mark.parametrize("modes", [[], ["teleport"], ["day_release", "carrier_pigeon"], "online"])
def test_it_refuses_delivery_modes_missing_or_off_the_list(api, alice, modes):
    post_refused(api(alice), "delivery_modes", delivery_modes=modes)


def test_it_accepts_each_delivery_mode_on_the_list(api, alice):
    modes = ["day_release", "block_release", "workplace", "online"]

    assert sorted(post_accepted(api(alice), delivery_modes=modes).delivery_modes) == sorted(modes)


@pytest.mark.parametrize(
    ("field", "value"),
    [("weekly_wage", "lots"), ("hours_per_week", None), ("start_date", "next week"), ("title", ""), ("positions", -1)],
)
def test_it_refuses_junk_without_a_server_error(api, alice, field, value):
    post_refused(api(alice), field, **{field: value})


# --- Submitting: the closing date must be a week ahead --------------------------------------


def test_a_draft_closing_in_seven_days_can_be_submitted(api, alice):
    vacancy = VacancyFactory(employer=alice.membership.employer, closing_date=days_ahead(7))

    response = api(alice).post(f"{detail(vacancy)}submit/")

    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    vacancy.refresh_from_db()
    assert vacancy.status == "submitted" and vacancy.submitted_at is not None


def test_a_draft_closing_in_six_days_stays_a_draft(api, alice):
    vacancy = VacancyFactory(employer=alice.membership.employer, closing_date=days_ahead(6))

    response = api(alice).post(f"{detail(vacancy)}submit/")

    assert response.status_code == 400
    assert "at least 7 days" in " ".join(response.json()["closing_date"])
    vacancy.refresh_from_db()
    assert vacancy.status == "draft" and vacancy.submitted_at is None
    assert list(vacancy.transitions.values_list("to_status", flat=True)) == ["draft"]


def test_a_draft_whose_standard_retired_since_cannot_be_submitted(api, alice):
    vacancy = VacancyFactory(employer=alice.membership.employer)
    Standard.objects.filter(lars_code=SOFTWARE_DEVELOPER).update(status=Standard.Status.RETIRED)

    response = api(alice).post(f"{detail(vacancy)}submit/")

    assert response.status_code == 400
    assert "retired" in " ".join(response.json()["standard"])
    vacancy.refresh_from_db()
    assert vacancy.status == "draft"


# --- Editing ---------------------------------------------------------------------------------


def test_the_owner_edits_a_draft(api, alice):
    vacancy = VacancyFactory(employer=alice.membership.employer)

    response = api(alice).patch(detail(vacancy), {"title": "Trainee developer", "postcode": "PR9 0AA"}, format="json")

    assert response.status_code == 200
    assert response.json()["title"] == "Trainee developer"
    assert response.json()["local_authority"]["name"] == "Sefton"
    vacancy.refresh_from_db()
    assert (vacancy.title, vacancy.postcode, vacancy.outcode, vacancy.status) == (
        "Trainee developer",
        "PR9 0AA",
        "PR9",
        "draft",
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hours_per_week": "40"}, "weekly_wage"),  # the old wage falls below the minimum for 40 hours
        ({"hours_per_week": "49"}, "hours_per_week"),
        ({"postcode": "EH1 1AA"}, "postcode"),
        ({"start_date": days_ahead(10).isoformat()}, "start_date"),  # before the closing date
        ({"positions": 0}, "positions"),
        ({"delivery_modes": []}, "delivery_modes"),
    ],
)
def test_an_edit_breaking_a_rule_changes_nothing(api, alice, changes, field):
    VacancyFactory(employer=alice.membership.employer)
    before = db_snapshot(Vacancy)
    vacancy = Vacancy.objects.get()

    response = api(alice).patch(detail(vacancy), changes, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert db_snapshot(Vacancy) == before


def test_a_submitted_vacancy_cannot_be_edited(api, alice):
    vacancy = VacancyFactory(employer=alice.membership.employer, status="submitted")
    before = db_snapshot(Vacancy)

    response = api(alice).patch(detail(vacancy), {"notes": "Changed my mind"}, format="json")

    assert response.status_code == 409
    assert response.json()["status"] == "submitted"
    assert db_snapshot(Vacancy) == before


@pytest.mark.parametrize("status", ["closed", "filled", "withdrawn"])
def test_a_finished_vacancy_cannot_be_edited(api, alice, status):
    vacancy = VacancyFactory(employer=alice.membership.employer, status=status)
    before = db_snapshot(Vacancy)

    response = api(alice).patch(detail(vacancy), {"positions": 3}, format="json")

    assert response.status_code == 409
    assert response.json()["status"] == status
    assert db_snapshot(Vacancy) == before


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "Senior developer"},
        {"weekly_wage": "350.00"},
        {"hours_per_week": "35"},
        {"postcode": "L3 5TR"},
        {"standard": 5},
        {"start_date": days_ahead(90).isoformat()},
        {"delivery_modes": ["workplace"]},
        {"description": "Now with more meetings."},
    ],
)
def test_a_material_change_to_a_live_vacancy_sends_it_back_to_review(api, alice, changes):
    vacancy = VacancyFactory(employer=alice.membership.employer, status="live")

    response = api(alice).patch(detail(vacancy), changes, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    last = response.json()["history"][-1]
    assert (last["from_status"], last["to_status"], last["by"]) == ("live", "submitted", "alice")
    assert "back to hub review" in last["comment"]
    vacancy.refresh_from_db()
    assert vacancy.status == "submitted"
    public_ids = [item["id"] for item in api().get("/api/v1/public/vacancies/").json()["results"]]
    assert vacancy.id not in public_ids


@pytest.mark.parametrize(
    "changes", [{"notes": "Parking on site."}, {"positions": 3}, {"closing_date": days_ahead(20).isoformat()}]
)
def test_a_non_material_change_keeps_a_live_vacancy_live(api, alice, changes):
    vacancy = VacancyFactory(employer=alice.membership.employer, status="live")

    response = api(alice).patch(detail(vacancy), changes, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "live"
    field, value = next(iter(changes.items()))
    assert response.json()[field] == value
    vacancy.refresh_from_db()
    assert vacancy.status == "live"
    public_ids = [item["id"] for item in api().get("/api/v1/public/vacancies/").json()["results"]]
    assert vacancy.id in public_ids


def test_resending_a_live_vacancys_unchanged_title_keeps_it_live(api, alice):
    vacancy = VacancyFactory(employer=alice.membership.employer, status="live")

    response = api(alice).patch(detail(vacancy), {"title": vacancy.title, "postcode": "l1 8jq"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "live"


# --- Filters ---------------------------------------------------------------------------------


def test_the_list_filters_by_status_standard_level_local_authority_and_text(api, alice):
    employer = alice.membership.employer
    draft = VacancyFactory(employer=employer, title="Electrician", standard=Standard.objects.get(lars_code=5))
    live = VacancyFactory(employer=employer, status="live", postcode="PR9 0AA")
    client = api(alice)

    def ids(query: str) -> set[int]:
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200
        return {item["id"] for item in response.json()["results"]}

    assert ids("status=draft") == {draft.id}
    assert ids("status=draft&status=live") == {draft.id, live.id}
    assert ids("standard=5") == {draft.id}
    assert ids("level=4") == {live.id}
    assert ids("local_authority=E08000014") == {live.id}
    assert ids("search=electric") == {draft.id}
    assert client.get(f"{URL}?status=sold").status_code == 400


# --- Query counts ----------------------------------------------------------------------------


def list_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("status", ["draft", "live"])
def test_the_vacancy_list_costs_the_same_queries_for_3_or_20_vacancies(api, alice, hannah, status):
    for _ in range(20):
        VacancyFactory(employer=alice.membership.employer, status=status, by=alice)
    for employer in (EmployerFactory(), EmployerFactory(is_levy_payer=True, annual_pay_bill=9_000_000)):
        VacancyFactory.create_batch(3, employer=employer, status=status)
    for user in (alice, hannah):
        client = api(user)
        list_queries(client, URL)  # warm the user's cached role and organisation

        assert list_queries(client, f"{URL}?page_size=3") == list_queries(client, f"{URL}?page_size=20")
