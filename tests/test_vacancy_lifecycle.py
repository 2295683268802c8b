"""A vacancy's lifecycle: draft → submitted → live (or referred back) → filled / closed / withdrawn.

Every step is recorded with who took it and why; a step the current status doesn't allow is a 409
that says what the status is, and changes nothing.
"""

import pytest

from apprenticeships.models import Vacancy, VacancyTransition
from tests.market_factories import VacancyFactory, db_snapshot, vacancy_payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/vacancies/"


def act(vacancy: Vacancy, action: str) -> str:
    return f"{URL}{vacancy.id}/{action}/"


def steps(body: dict) -> list[tuple[str, str, str | None, str]]:
    return [(h["from_status"], h["to_status"], h["by"], h["comment"]) for h in body["history"]]


def test_a_vacancy_goes_from_draft_to_live_with_every_step_recorded(api, alice, hannah):
    created = api(alice).post(URL, vacancy_payload(), format="json").json()
    vacancy = Vacancy.objects.get(pk=created["id"])

    submitted = api(alice).post(act(vacancy, "submit"), {"comment": "Ready"}, format="json")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["submitted_at"] is not None
    assert submitted.json()["live_at"] is None

    approved = api(hannah).post(act(vacancy, "approve"))
    assert approved.status_code == 200
    assert approved.json()["status"] == "live"
    assert approved.json()["live_at"] is not None
    assert steps(approved.json()) == [
        ("", "draft", "alice", "Created"),
        ("draft", "submitted", "alice", "Ready"),
        ("submitted", "live", "hannah", ""),
    ]
    vacancy.refresh_from_db()
    assert vacancy.status == "live" and vacancy.live_at is not None
    assert vacancy.transitions.count() == 3


def test_referring_a_vacancy_needs_a_comment(api, alice, hannah):
    vacancy = VacancyFactory(employer=alice.membership.employer, status="submitted")

    for body in ({}, {"comment": ""}, {"comment": "   "}):
        response = api(hannah).post(act(vacancy, "refer"), body, format="json")

        assert response.status_code == 400
        assert "comment" in response.json()
    vacancy.refresh_from_db()
    assert vacancy.status == "submitted"
    assert not vacancy.transitions.filter(to_status="draft", from_status="submitted").exists()


def test_a_referred_vacancy_goes_back_to_draft_with_the_reviewers_comment(api, alice, hannah):
    vacancy = VacancyFactory(employer=alice.membership.employer, status="submitted")

    response = api(hannah).post(act(vacancy, "refer"), {"comment": "Say what the wage covers."}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "draft"
    assert steps(response.json())[-1] == ("submitted", "draft", "hannah", "Say what the wage covers.")
    vacancy.refresh_from_db()
    assert vacancy.status == "draft"
    # ...and the employer can fix it and submit again.
    assert api(alice).patch(f"{URL}{vacancy.id}/", {"description": "Wage covers..."}, format="json").status_code == 200
    assert api(alice).post(act(vacancy, "submit")).json()["status"] == "submitted"


@pytest.mark.parametrize(
    ("start", "action", "end"),
    [
        ("live", "close", "closed"),
        ("live", "filled", "filled"),
        ("draft", "withdraw", "withdrawn"),
        ("submitted", "withdraw", "withdrawn"),
        ("live", "withdraw", "withdrawn"),
    ],
)
@pytest.mark.parametrize("who", ["alice", "hannah"])
def test_the_employer_or_the_hub_ends_a_vacancy(api, alice, hannah, start, action, end, who):
    user = {"alice": alice, "hannah": hannah}[who]
    vacancy = VacancyFactory(employer=alice.membership.employer, status=start)

    response = api(user).post(act(vacancy, action), {"comment": "Recruited elsewhere"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == end
    assert steps(response.json())[-1] == (start, end, who, "Recruited elsewhere")
    vacancy.refresh_from_db()
    assert vacancy.status == end


@pytest.mark.parametrize(
    ("start", "action"),
    [
        ("draft", "approve"),
        ("draft", "refer"),
        ("draft", "close"),
        ("draft", "filled"),
        ("submitted", "submit"),
        ("submitted", "close"),
        ("submitted", "filled"),
        ("live", "submit"),
        ("live", "approve"),
        ("live", "refer"),
        ("closed", "withdraw"),
        ("closed", "close"),
        ("filled", "close"),
        ("withdrawn", "withdraw"),
    ],
)
def test_a_step_the_status_does_not_allow_is_a_conflict_naming_the_status(api, alice, hannah, start, action):
    vacancy = VacancyFactory(employer=alice.membership.employer, status=start)
    user = alice if action == "submit" else hannah
    before, history = db_snapshot(Vacancy), db_snapshot(VacancyTransition)

    response = api(user).post(act(vacancy, action), {"comment": "Trying anyway"}, format="json")

    assert response.status_code == 409
    assert response.json()["status"] == start
    assert Vacancy.Status(start).label.lower() in response.json()["detail"]
    assert db_snapshot(Vacancy) == before
    assert db_snapshot(VacancyTransition) == history


def test_approving_an_already_approved_vacancy_is_a_conflict_and_records_one_approval(api, alice, hannah):
    vacancy = VacancyFactory(employer=alice.membership.employer, status="submitted")
    first = api(hannah).post(act(vacancy, "approve"))
    live_at = Vacancy.objects.get(pk=vacancy.pk).live_at

    second = api(hannah).post(act(vacancy, "approve"))

    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["status"] == "live"
    vacancy.refresh_from_db()
    assert vacancy.live_at == live_at
    assert vacancy.transitions.filter(to_status="live").count() == 1


def test_a_draft_can_be_deleted(api, alice):
    vacancy = VacancyFactory(employer=alice.membership.employer)

    response = api(alice).delete(f"{URL}{vacancy.id}/")

    assert response.status_code == 204
    assert not Vacancy.objects.filter(pk=vacancy.pk).exists()
    assert not VacancyTransition.objects.filter(vacancy_id=vacancy.pk).exists()


@pytest.mark.parametrize(("start", "deleted"), [("draft", True), ("submitted", False), ("live", False)])
def test_a_draft_withdrawn_can_still_be_deleted_but_not_one_withdrawn_after_it_was_sent(api, alice, start, deleted):
    vacancy = VacancyFactory(employer=alice.membership.employer, status=start)
    assert api(alice).post(act(vacancy, "withdraw"), {}, format="json").json()["status"] == "withdrawn"

    response = api(alice).delete(f"{URL}{vacancy.id}/")

    assert response.status_code == (204 if deleted else 409)
    assert Vacancy.objects.filter(pk=vacancy.pk).exists() is not deleted
    if not deleted:
        assert "sent to the hub, so it is kept for the record" in response.json()["detail"]


# Withdrawn: test_a_draft_withdrawn_can_still_be_deleted_but_not_one_withdrawn_after_it_was_sent.
@pytest.mark.parametrize("status", ["submitted", "live", "filled", "closed"])
def test_anything_but_a_draft_is_kept_when_deleted(api, alice, status):
    vacancy = VacancyFactory(employer=alice.membership.employer, status=status)
    before = db_snapshot(Vacancy)

    response = api(alice).delete(f"{URL}{vacancy.id}/")

    assert response.status_code == 409
    assert response.json()["status"] == status
    # Still open: withdraw it; ended: it is kept.
    assert ("withdraw" if status in ("submitted", "live") else "kept for the record") in response.json()["detail"]
    assert db_snapshot(Vacancy) == before
