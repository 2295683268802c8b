"""Hub staff approve or reject the suggestion they saw; a stale or repeated decision is refused with 409."""

import pytest
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.test import APIClient

from apprenticeships.models import Cohort, Employer, Provider, Vacancy
from matching.models import Suggestion, SuggestionEvent
from matching.services import suggestion_approve
from tests.market_factories import CourseOfferFactory, VacancyFactory, days_ahead, db_snapshot
from tests.review.conftest import LIVE, best, suggest

pytestmark = pytest.mark.django_db
S = Suggestion.Status


def approve(client: APIClient, suggestion: Suggestion, **body: object) -> Response:
    return client.post(f"/api/v1/suggestions/{suggestion.pk}/approve/", body, format="json")


def reject(client: APIClient, suggestion: Suggestion, **body: object) -> Response:
    return client.post(f"/api/v1/suggestions/{suggestion.pk}/reject/", body, format="json")


@pytest.fixture
def open_one(matched) -> Suggestion:
    """Alice's vacancy's best suggestion with Provider A, still under review."""
    return best(matched.alices, matched.liverpool_offer)


# --- Approve and reject -----------------------------------------------------------------------


def test_hub_staff_approve_the_version_they_saw(api, hannah, open_one):
    before = timezone.now()

    response = approve(api(hannah), open_one, version=open_one.version)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["status"], body["version"]) == (open_one.pk, "approved", open_one.version + 1)
    open_one.refresh_from_db()
    assert open_one.status == S.APPROVED and open_one.decided_at >= before


def test_hub_staff_reject_with_a_reason_from_the_list(api, hannah, open_one):
    response = reject(api(hannah), open_one, version=open_one.version, reason="too_far")

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["reject_reason"]) == ("rejected", "too_far")
    open_one.refresh_from_db()
    assert (open_one.status, open_one.reject_reason, open_one.version) == (S.REJECTED, "too_far", 2)


@pytest.mark.parametrize(
    "decide, body, field",
    [
        (approve, {}, "version"),
        (approve, {"version": "latest"}, "version"),
        (reject, {"reason": "too_far"}, "version"),
        (reject, {"version": 1}, "reason"),
        (reject, {"version": 1, "reason": "too_expensive"}, "reason"),
        (reject, {"version": 1, "reason": "other"}, "note"),
        (reject, {"version": 1, "reason": "other", "note": "   "}, "note"),
    ],
)
def test_a_decision_without_the_version_a_listed_reason_or_a_note_for_other_is_refused(
    api, hannah, open_one, decide, body, field
):
    before = db_snapshot(Suggestion), db_snapshot(SuggestionEvent)

    response = decide(api(hannah), open_one, **body)

    assert response.status_code == 400
    assert field in response.json()
    assert (db_snapshot(Suggestion), db_snapshot(SuggestionEvent)) == before


def test_other_is_accepted_with_a_note_that_the_audit_keeps(api, hannah, open_one):
    response = reject(
        api(hannah), open_one, version=open_one.version, reason="other", note=" Employer is moving to Leeds "
    )

    assert response.status_code == 200, response.content
    event = open_one.events.get()
    assert (event.reason, event.note) == ("other", "Employer is moving to Leeds")


@pytest.mark.parametrize("decide, body", [(approve, {}), (reject, {"reason": "price"})])
def test_a_stale_version_gets_409_with_the_current_state_and_changes_nothing(api, hannah, open_one, decide, body):
    Suggestion.objects.filter(pk=open_one.pk).update(version=3)  # a later run re-scored it
    before = db_snapshot(Suggestion), db_snapshot(SuggestionEvent)

    response = decide(api(hannah), open_one, version=2, **body)

    assert response.status_code == 409
    reply = response.json()
    assert (reply["status"], reply["version"]) == ("suggested", 3)
    assert "changed since you saw it" in reply["detail"]
    assert (db_snapshot(Suggestion), db_snapshot(SuggestionEvent)) == before


@pytest.mark.parametrize(
    "first, second",
    [
        (approve, approve),
        (approve, reject),
        (reject, approve),
        (reject, reject),
    ],
)
def test_a_suggestion_already_decided_gets_409_and_keeps_the_first_decision(api, hannah, open_one, first, second):
    client, seen = api(hannah), open_one.version
    reasons = {reject: {"reason": "start_dates"}, approve: {}}
    assert first(client, open_one, version=seen, **reasons[first]).status_code == 200
    decided = db_snapshot(Suggestion), db_snapshot(SuggestionEvent)

    response = second(client, open_one, version=seen, **reasons[second])

    assert response.status_code == 409
    reply = response.json()
    expected = "approved" if first is approve else "rejected"
    assert (reply["status"], reply["version"]) == (expected, seen + 1)
    assert f"already been {expected}" in reply["detail"]
    assert (db_snapshot(Suggestion), db_snapshot(SuggestionEvent)) == decided


@pytest.mark.parametrize("persona", ["alice", "priya", "bob", "quentin"])
@pytest.mark.parametrize("decide, body", [(approve, {}), (reject, {"reason": "price"})])
def test_employers_and_providers_can_never_approve_or_reject(api, request, open_one, persona, decide, body):
    before = db_snapshot(Suggestion), db_snapshot(SuggestionEvent)

    response = decide(api(request.getfixturevalue(persona)), open_one, version=open_one.version, **body)

    assert response.status_code == 403
    assert (db_snapshot(Suggestion), db_snapshot(SuggestionEvent)) == before


def test_a_party_cannot_decide_even_the_introduction_it_is_part_of(api, hannah, alice, open_one):
    suggestion_approve(open_one.pk, by=hannah, version=open_one.version)
    before = db_snapshot(Suggestion), db_snapshot(SuggestionEvent)

    assert reject(api(alice), open_one, version=2, reason="price").status_code == 403
    assert approve(api(alice), open_one, version=2).status_code == 403
    assert (db_snapshot(Suggestion), db_snapshot(SuggestionEvent)) == before


def test_anonymous_people_cannot_decide(api, open_one):
    assert approve(api(), open_one, version=1).status_code == 401
    assert not SuggestionEvent.objects.exists()


# --- One approved match per vacancy, and cohort capacity --------------------------------------


def test_a_vacancy_with_an_approved_match_cannot_get_a_second_approval(api, hannah, matched):
    first, second = Suggestion.objects.filter(vacancy=matched.alices).order_by("rank")[:2]
    assert approve(api(hannah), first, version=first.version).status_code == 200

    response = approve(api(hannah), second, version=second.version)

    assert response.status_code == 409
    assert response.json()["detail"] == "This vacancy already has an approved match."
    second.refresh_from_db()
    assert second.status == S.SUGGESTED and not second.events.exists()


@pytest.fixture
def two_places(provider_a: Provider) -> Cohort:
    """A cohort with two places left."""
    return CourseOfferFactory(provider=provider_a, cohorts=[{"start_date": days_ahead(50), "places": 2}]).cohorts.get()


def vacancy_for(employer: Employer, positions: int, title: str = "Developer") -> Vacancy:
    return VacancyFactory(employer=employer, status=LIVE, positions=positions, title=title)


def test_an_approval_that_would_overfill_the_cohort_gets_409_saying_so(api, hannah, employer_a, employer_b, two_places):
    one = suggest(vacancy_for(employer_a, 1), two_places)
    pair = suggest(vacancy_for(employer_b, 2), two_places)
    assert approve(api(hannah), one, version=1).status_code == 200

    response = approve(api(hannah), pair, version=1)

    assert response.status_code == 409
    reply = response.json()
    assert reply["detail"] == "Approving would overfill the cohort: 1 of its places are left and the vacancy needs 2."
    assert (reply["status"], reply["version"]) == ("suggested", 1)
    assert not pair.events.exists()


def test_an_accepted_introduction_still_holds_its_places(api, hannah, alice, employer_a, employer_b, two_places):
    pair = suggest(vacancy_for(employer_a, 2), two_places)
    one = suggest(vacancy_for(employer_b, 1), two_places)
    assert approve(api(hannah), pair, version=1).status_code == 200
    assert api(alice).post(f"/api/v1/suggestions/{pair.pk}/accept/").json()["status"] == "accepted"

    assert approve(api(hannah), one, version=1).status_code == 409


def test_an_approval_that_fits_exactly_is_allowed(api, hannah, employer_a, employer_b, two_places):
    one = suggest(vacancy_for(employer_a, 1), two_places)
    other = suggest(vacancy_for(employer_b, 1), two_places)

    assert approve(api(hannah), one, version=1).status_code == 200
    assert approve(api(hannah), other, version=1).status_code == 200
    assert Suggestion.objects.filter(cohort=two_places, status=S.APPROVED).count() == 2


def test_a_rejected_or_declined_suggestion_holds_no_places(api, hannah, alice, employer_a, employer_b, two_places):
    pair = suggest(vacancy_for(employer_a, 2), two_places)
    latecomer = suggest(vacancy_for(employer_b, 2), two_places)
    assert approve(api(hannah), pair, version=1).status_code == 200
    declined = api(alice).post(f"/api/v1/suggestions/{pair.pk}/decline/", {"reason": "Hired directly"})
    assert declined.json()["status"] == "declined"

    assert approve(api(hannah), latecomer, version=1).status_code == 200


def test_an_agreed_match_takes_its_places_once_not_twice(api, hannah, alice, priya, employer_a, employer_b, two_places):
    one = suggest(vacancy_for(employer_a, 1), two_places)
    other = suggest(vacancy_for(employer_b, 1), two_places)
    assert approve(api(hannah), one, version=1).status_code == 200
    for person in (alice, priya):
        assert api(person).post(f"/api/v1/suggestions/{one.pk}/accept/").status_code == 200
    two_places.refresh_from_db()
    assert two_places.places == 1  # the agreed match left the cohort; it holds nothing more

    assert approve(api(hannah), other, version=1).status_code == 200
