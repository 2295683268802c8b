"""A vacancy that leaves the market ends its introductions that are not yet agreed.

The attack as found: hub staff approve a suggestion, the employer withdraws the vacancy, then both
parties accept, and the match became "agreed" on a withdrawn vacancy, taking the cohort's places.
Now withdrawing, closing, filling, changing a live vacancy (back to hub review) or referring it
ends its open introductions with a status that says why, an audit entry naming who changed the
vacancy, an e-mail to both parties after the commit, and the places they held free again. Agreed
matches stay agreed, and the hub is told. Suggestions still under review leave the queue.
"""

import threading

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from rest_framework.test import APIClient

from apprenticeships.models import Vacancy
from matching.models import Suggestion, SuggestionEvent
from matching.services import DecisionConflict, suggestion_approve, suggestion_respond
from tests.market_factories import db_snapshot
from tests.review.conftest import best, suggest

pytestmark = pytest.mark.django_db
S = Suggestion.Status
VACANCIES = "/api/v1/vacancies/"

# How each way out of the market is taken: (who, the request), and the reason the match then gives.
WAYS_OUT = {
    "withdrawn by the employer": ("alice", "post", "withdraw/", {}, "withdrawn", "Vacancy withdrawn"),
    "closed by the employer": ("alice", "post", "close/", {}, "closed", "Vacancy closed"),
    "filled, said the hub": ("hannah", "post", "filled/", {}, "filled", "Vacancy filled"),
    "changed while live by the employer": (
        "alice",
        "patch",
        "",
        {"weekly_wage": "350.00"},
        "changed",
        "Vacancy changed, back to hub review",
    ),
}


def answer(client: APIClient, suggestion: Suggestion, verb: str, **body: object):
    return client.post(f"/api/v1/suggestions/{suggestion.pk}/{verb}/", body, format="json")


def approve(client: APIClient, suggestion: Suggestion):
    return client.post(f"/api/v1/suggestions/{suggestion.pk}/approve/", {"version": suggestion.version}, format="json")


@pytest.fixture
def introduced(api, hannah, alice, priya, matched, tasks_in_process, django_capture_on_commit_callbacks) -> Suggestion:
    """Alice's vacancy (two positions) introduced to Priya's provider by Hannah; the introduction e-mails sent."""
    suggestion = best(matched.alices, matched.liverpool_offer)
    with django_capture_on_commit_callbacks(execute=True):
        assert approve(api(hannah), suggestion).status_code == 200
    suggestion.refresh_from_db()
    mail.outbox.clear()
    return suggestion


def leave_market(api, request, vacancy: Vacancy, way: str, django_capture_on_commit_callbacks) -> None:
    persona, method, path, body, *_ = WAYS_OUT[way]
    client = api(request.getfixturevalue(persona))
    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(client, method)(f"{VACANCIES}{vacancy.pk}/{path}", body, format="json")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("way", WAYS_OUT)
def test_a_vacancy_leaving_the_market_ends_its_introduction_and_nobody_can_agree_it(
    api, request, alice, priya, hannah, introduced, way, django_capture_on_commit_callbacks
):
    persona, *_, reason, words = WAYS_OUT[way]
    cohort = introduced.cohort
    places = cohort.places

    leave_market(api, request, introduced.vacancy, way, django_capture_on_commit_callbacks)

    for party in (alice, priya):
        response = answer(api(party), introduced, "accept")
        assert response.status_code == 409
        assert response.json()["detail"] == f"This match has ended ({words.lower()}); it can't be answered now."
        assert response.json()["status"] == "ended"
    cohort.refresh_from_db()
    assert cohort.places == places  # nothing was taken from the cohort
    for party in (alice, priya):  # each party sees it ended, and why
        row = api(party).get(f"/api/v1/suggestions/{introduced.pk}/").json()
        assert (row["status"], row["end_reason"]) == ("ended", reason)
    trail = api(hannah).get(f"/api/v1/suggestions/{introduced.pk}/history/").json()
    assert [(e["action"], e["by"], e["actor_role"], e["to_status"], e["reason"]) for e in trail] == [
        ("approve", "hannah", "hub", "approved", ""),
        ("end", persona, "hub" if persona == "hannah" else "employer", "ended", reason),
    ]
    assert sorted(message.to for message in mail.outbox) == [["alice@example.org"], ["priya@example.org"]]
    for message in mail.outbox:
        assert message.subject == f"Introduction ended: {words.lower()}"
        assert "“Junior software developer” (Employer A)" in message.body
        assert "can no longer be accepted" in message.body and "free again" in message.body
        party = "employer" if message.to == ["alice@example.org"] else "provider"
        assert message.body.rstrip().endswith(f"{settings.SITE_URL}/{party}/matches/")


def test_the_places_an_ended_introduction_held_can_be_given_to_another_vacancy(
    api, request, alice, hannah, introduced, matched, django_capture_on_commit_callbacks
):
    cohort = introduced.cohort
    cohort.places = introduced.vacancy.positions  # Alice's introduction holds every place
    cohort.save(update_fields=["places"])
    bobs = Suggestion.objects.filter(vacancy=matched.bobs, cohort=cohort).first() or suggest(matched.bobs, cohort)
    refused = approve(api(hannah), bobs)
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("Approving would overfill the cohort: 0 of its places are left")

    leave_market(api, request, introduced.vacancy, "withdrawn by the employer", django_capture_on_commit_callbacks)

    assert approve(api(hannah), bobs).status_code == 200


def test_one_party_having_accepted_the_introduction_still_ends(
    api, request, alice, priya, introduced, django_capture_on_commit_callbacks
):
    assert answer(api(priya), introduced, "accept").json()["status"] == "accepted"

    leave_market(api, request, introduced.vacancy, "withdrawn by the employer", django_capture_on_commit_callbacks)

    response = answer(api(alice), introduced, "accept")
    assert response.status_code == 409
    introduced.refresh_from_db()
    assert (introduced.status, introduced.end_reason, introduced.provider_response) == (
        "ended",
        "withdrawn",
        "accepted",
    )
    assert introduced.events.last().from_status == "accepted"


def test_an_introduction_left_open_on_a_vacancy_in_review_ends_when_the_hub_refers_it(
    api, request, hannah, introduced, django_capture_on_commit_callbacks
):
    # A live vacancy changed before this rule existed went back to review with its introduction open.
    Vacancy.objects.filter(pk=introduced.vacancy_id).update(status=Vacancy.Status.SUBMITTED)

    with django_capture_on_commit_callbacks(execute=True):
        response = api(hannah).post(
            f"{VACANCIES}{introduced.vacancy_id}/refer/", {"comment": "Say what the wage covers."}, format="json"
        )

    assert response.status_code == 200, response.content
    introduced.refresh_from_db()
    assert (introduced.status, introduced.end_reason) == ("ended", "referred")
    assert introduced.events.last().actor.username == "hannah"
    # Both parties hear the introduction ended; the employer also gets the hub's comments.
    assert len(mail.outbox) == 3
    assert [m.subject for m in mail.outbox].count("Your vacancy needs changes: " + introduced.vacancy.title) == 1


def test_an_agreed_match_stays_agreed_with_its_places_and_the_hub_is_told(
    api, request, alice, priya, hannah, introduced, django_capture_on_commit_callbacks
):
    answer(api(alice), introduced, "accept")
    assert answer(api(priya), introduced, "accept").json()["status"] == "agreed"
    cohort = introduced.cohort
    cohort.refresh_from_db()
    places = cohort.places

    leave_market(api, request, introduced.vacancy, "withdrawn by the employer", django_capture_on_commit_callbacks)

    introduced.refresh_from_db()
    cohort.refresh_from_db()
    assert (introduced.status, introduced.end_reason, cohort.places) == ("agreed", "", places)
    event = introduced.events.last()
    assert (event.action, event.actor.username, event.from_status, event.to_status, event.reason) == (
        "keep",
        "alice",
        "agreed",
        "agreed",
        "withdrawn",
    )
    [told] = mail.outbox
    assert told.to == ["hannah@example.org"]
    assert told.subject == "Agreed match: vacancy withdrawn"
    assert "stays agreed" in told.body and f"Suggestion {introduced.pk}" in told.body
    assert f"{settings.SITE_URL}/hub/suggestions/{introduced.pk}/" in told.body
    page = _page(hannah, f"/hub/suggestions/{introduced.pk}/")
    assert "The vacancy is withdrawn, but both parties had agreed this match" in page


def test_suggestions_still_under_review_leave_the_review_queue(
    api, request, hannah, matched, tasks_in_process, django_capture_on_commit_callbacks
):
    waiting = set(Suggestion.objects.filter(vacancy=matched.alices).values_list("pk", flat=True))
    assert waiting

    leave_market(api, request, matched.alices, "withdrawn by the employer", django_capture_on_commit_callbacks)

    queue = api(hannah).get("/api/v1/suggestions/", {"status": "suggested", "page_size": 100}).json()
    assert waiting.isdisjoint(row["id"] for row in queue["results"])
    assert not Suggestion.objects.filter(pk__in=waiting).exists()
    assert mail.outbox == []  # nobody had been introduced


def test_nothing_is_e_mailed_before_the_vacancy_change_commits(
    api, alice, introduced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        api(alice).post(f"{VACANCIES}{introduced.vacancy_id}/withdraw/")

    assert mail.outbox == []
    for callback in callbacks:  # the commit
        callback()
    assert sorted(message.to for message in mail.outbox) == [["alice@example.org"], ["priya@example.org"]]


def test_the_hub_cannot_introduce_a_vacancy_that_is_not_live(api, hannah, matched):
    suggestion = best(matched.alices, matched.liverpool_offer)
    Vacancy.objects.filter(pk=matched.alices.pk).update(status=Vacancy.Status.WITHDRAWN)  # the re-match not run yet
    before = db_snapshot(Suggestion), db_snapshot(SuggestionEvent)

    response = approve(api(hannah), suggestion)

    assert response.status_code == 409
    assert response.json()["detail"] == "The vacancy is withdrawn: only a live vacancy can be introduced."
    assert (db_snapshot(Suggestion), db_snapshot(SuggestionEvent)) == before


def test_answering_refuses_to_agree_a_match_whose_vacancy_is_no_longer_live(alice, priya, introduced):
    """Belt and braces: even an introduction somehow still open on a withdrawn vacancy can't be agreed."""
    suggestion_respond(introduced.pk, by=alice, accept=True)
    Vacancy.objects.filter(pk=introduced.vacancy_id).update(status=Vacancy.Status.WITHDRAWN)

    with pytest.raises(DecisionConflict, match="The vacancy is withdrawn; this match can't be agreed."):
        suggestion_respond(introduced.pk, by=priya, accept=True)

    introduced.refresh_from_db()
    assert introduced.status == S.ACCEPTED


def test_a_draft_with_a_history_of_matches_is_kept_not_deleted(
    api, request, alice, hannah, introduced, django_capture_on_commit_callbacks
):
    leave_market(
        api, request, introduced.vacancy, "changed while live by the employer", django_capture_on_commit_callbacks
    )
    api(hannah).post(f"{VACANCIES}{introduced.vacancy_id}/refer/", {"comment": "Check the wage."}, format="json")

    response = api(alice).delete(f"{VACANCIES}{introduced.vacancy_id}/")

    assert response.status_code == 409
    assert "history of matches" in response.json()["detail"]
    assert Suggestion.objects.filter(pk=introduced.pk, status=S.ENDED).exists()


# --- What the pages show -------------------------------------------------------------------------


def _page(user: User, url: str) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("persona, url", [("alice", "/employer/matches/"), ("priya", "/provider/matches/")])
def test_each_partys_matches_page_lists_the_ended_match_and_why(
    api, request, introduced, persona, url, django_capture_on_commit_callbacks
):
    leave_market(api, request, introduced.vacancy, "withdrawn by the employer", django_capture_on_commit_callbacks)

    page = _page(request.getfixturevalue(persona), url)

    assert "Ended: the vacancy was withdrawn, closed, filled or changed (1)" in page
    assert "Ended: vacancy withdrawn" in page
    assert "the places it held on the course are free again" in page
    assert "Introduced and waiting for your answer (0)" in page


def test_the_hubs_suggestion_page_shows_why_it_ended_and_who_ended_it(
    api, request, hannah, introduced, django_capture_on_commit_callbacks
):
    leave_market(api, request, introduced.vacancy, "closed by the employer", django_capture_on_commit_callbacks)

    page = _page(hannah, f"/hub/suggestions/{introduced.pk}/")

    assert "Ended: vacancy closed" in page
    assert "Ended: the vacancy left the market" in page  # the history's entry
    assert "Vacancy closed" in page  # its reason


# --- Under real concurrency ---------------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(6))
def test_an_acceptance_racing_a_withdrawal_never_agrees_a_withdrawn_vacancy(
    alice, priya, hannah, employer_a, provider_a, tasks_in_process, round_
):
    """The last acceptance and the withdrawal, at once from two connections: either the match was agreed
    first (and is kept, places taken) or it ended (places untouched), never both, never a deadlock."""
    from tests.market_factories import CourseOfferFactory, VacancyFactory, days_ahead

    vacancy = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE)
    offer = CourseOfferFactory(provider=provider_a, cohorts=[{"start_date": days_ahead(50), "places": 6}])
    cohort = offer.cohorts.get()
    Suggestion.objects.all().delete()  # only this test's suggestion
    match = suggest(vacancy, cohort)
    suggestion_approve(match.pk, by=hannah, version=1)
    suggestion_respond(match.pk, by=alice, accept=True)
    barrier, errors, outcome = threading.Barrier(2), [], {}

    def accept() -> None:
        try:
            barrier.wait(timeout=30)
            outcome["accept"] = answer(_client(priya), match, "accept").status_code
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    def withdraw() -> None:
        try:
            barrier.wait(timeout=30)
            outcome["withdraw"] = _client(alice).post(f"{VACANCIES}{vacancy.pk}/withdraw/").status_code
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept), threading.Thread(target=withdraw)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    match.refresh_from_db()
    cohort.refresh_from_db()
    vacancy.refresh_from_db()
    print(f"\nround {round_}: {outcome} -> {match.status}")
    assert outcome["withdraw"] == 200 and vacancy.status == Vacancy.Status.WITHDRAWN
    actions = list(match.events.values_list("action", flat=True))
    if match.status == S.AGREED:  # the acceptance got in first
        assert outcome["accept"] == 200 and cohort.places == 6 - vacancy.positions
        assert actions == ["approve", "accept", "agree", "keep"]
    else:
        assert (match.status, outcome["accept"], cohort.places) == (S.ENDED, 409, 6)
        assert actions == ["approve", "accept", "end"]


def _client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client
