"""Hannah's review of suggestions: the queue in review order with filters, deciding one or several, the detail page.

Every refused decision (a form error, a stale version, a full cohort) leaves the suggestion and its
audit trail exactly as they were.
"""

import re

import pytest
from django.core import mail
from django.db.models import F
from django.urls import reverse
from django.utils.html import escape

from apprenticeships.models import Cohort, Vacancy
from matching.models import Suggestion, SuggestionEvent
from matching.selectors import REVIEW_ORDER
from matching.services import run_full_now
from tests.market_factories import CourseOfferFactory, VacancyFactory, db_snapshot
from tests.web.review_market import banner, review_market

pytestmark = pytest.mark.django_db

QUEUE = reverse("matching-suggestions")
KNOWSLEY, WIRRAL = "E08000011", "E08000015"


@pytest.fixture
def market(alice, bob, priya, quentin):
    return review_market(alice, bob, priya, quentin)


@pytest.fixture
def reviewer(client, hannah):
    client.force_login(hannah)
    return client


def approve(client, suggestion, *, version=1, next_url=QUEUE):
    url = reverse("matching-suggestion-approve", args=[suggestion.pk])
    return client.post(url, {"version": version, "next": next_url}, follow=True)


def reject(client, suggestion, *, version=1, **fields):
    url = reverse("matching-suggestion-reject", args=[suggestion.pk])
    return client.post(url, {"version": version, "next": QUEUE, **fields}, follow=True)


def unchanged(suggestion, *, status=Suggestion.Status.SUGGESTED, version=1) -> bool:
    suggestion.refresh_from_db()
    return (suggestion.status, suggestion.version, suggestion.events.count()) == (status, version, 0)


def titles(body: str) -> list[str]:
    return re.findall(r'<h3 class="govuk-summary-card__title">\s*<a [^>]+>([^<]+)<', body)


def test_the_queue_lists_waiting_suggestions_most_deprived_area_first_and_says_why(reviewer, market, hannah):
    approve(reviewer, market.wirral)

    body = reviewer.get(QUEUE).text

    assert escape(REVIEW_ORDER) in body
    assert titles(body) == ["Knowsley developer", "Liverpool developer", "Liverpool developer"]
    assert "3 suggestions waiting for review" in body and "Wirral developer" not in body
    assert "Knowsley" in body and "IMD 2019 rank 2 of 317" in body and "IMD 2019 rank 3 of 317" in body
    assert "Provider A" in body and "Software developer, Liverpool day release" in body
    assert "12 km away · Ofsted Good · starts on the employer&#x27;s start date" in body
    assert "How well the descriptions match" in body and "Course description closely matches the vacancy" in body
    assert body.count('<span class="govuk-details__summary-text">Why<span') == 3  # a "Why" on each row
    assert f'name="selected" type="checkbox" value="{market.knowsley.pk}:1" form="bulk-decision"' in body


def test_the_queue_shows_what_a_real_matching_run_suggested(reviewer, employer_a, provider_a):
    CourseOfferFactory(provider=provider_a, title="Developer course from the run")
    VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, title="Vacancy the run matched")
    run_full_now()

    body = reviewer.get(QUEUE).text

    assert "Vacancy the run matched" in body and "Developer course from the run" in body
    assert "km away" in body and "Approve" in body and "Reject" in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"local_authority": WIRRAL}, ["Wirral developer"]),
        ({"local_authority": KNOWSLEY}, ["Knowsley developer"]),
        ({"provider": "provider b"}, ["Liverpool developer", "Wirral developer"]),
        ({"min_score": "0.7"}, ["Liverpool developer", "Wirral developer"]),
        (
            {"standard": "software", "route": "Digital", "level": "4"},
            ["Knowsley developer", "Liverpool developer", "Wirral developer"],
        ),
        ({"standard": "2", "local_authority": KNOWSLEY}, ["Knowsley developer"]),
        ({"level": "3"}, []),
    ],
)
def test_the_queue_filters(reviewer, market, query, expected):
    body = reviewer.get(QUEUE, {**query}).text

    assert sorted(set(titles(body))) == expected
    if not expected:
        assert "No suggestions match your filters" in body


def test_pages_of_the_queue_keep_the_filters(reviewer, market, monkeypatch):
    monkeypatch.setattr("matching.views.review.QUEUE_PAGE_SIZE", 1)

    body = reviewer.get(QUEUE, {"provider": "Provider", "page": 2}).text

    assert "Showing 2 to 2 of 4." in body and "4 suggestions waiting for review that match your filters" in body
    assert 'href="?provider=Provider&amp;page=3"' in body
    assert titles(body) == ["Knowsley developer"]  # after Birkenhead's more deprived neighbourhood


def test_a_filter_that_makes_no_sense_is_reported_and_left_out(reviewer, market):
    response = reviewer.get(QUEUE, {"min_score": "2", "local_authority": WIRRAL})

    body = response.text
    assert "There is a problem" in body and "Minimum score must be 1 or less" in body
    assert '<a href="#filter-min_score">' in body
    assert titles(body) == ["Wirral developer"]


def test_a_standard_filter_too_long_is_reported_in_the_sites_words(reviewer, market):
    body = reviewer.get(QUEUE, {"standard": "software " * 12}).text

    assert '<a href="#filter-standard">Standard must be 100 characters or fewer</a>' in body
    assert "Ensure this value" not in body


def test_the_standard_filters_hint_gives_examples_that_find_the_shipped_standards(reviewer, market):
    hint = "A word from its title, like software, or its LARS code, like 2"

    assert hint in reviewer.get(QUEUE).text
    for example in ("software", "2"):
        assert len(titles(reviewer.get(QUEUE, {"standard": example}).text)) == 4


@pytest.mark.usefixtures("tasks_in_process")  # the introduction e-mails, from a worker in production
def test_approving_from_the_queue_introduces_the_parties(reviewer, market, hannah, django_capture_on_commit_callbacks):
    back = f"{QUEUE}?local_authority={KNOWSLEY}"
    with django_capture_on_commit_callbacks(execute=True):
        response = approve(reviewer, market.knowsley, next_url=back)

    assert response.redirect_chain[-1][0] == back
    assert f"Suggestion {market.knowsley.pk} approved: “Knowsley developer” (Employer A) with Provider A" in banner(
        response
    )
    assert "No suggestions match your filters" in response.text  # back on the filtered queue, now empty
    market.knowsley.refresh_from_db()
    assert (market.knowsley.status, market.knowsley.version) == (Suggestion.Status.APPROVED, 2)
    event = market.knowsley.events.get()
    assert (event.action, event.actor, event.actor_role) == ("approve", hannah, "hub")
    assert (event.from_status, event.to_status, event.seen["version"]) == ("suggested", "approved", 1)
    assert sorted(to for message in mail.outbox for to in message.to) == ["alice@example.org", "priya@example.org"]


def test_rejecting_without_a_reason_shows_the_error_and_changes_nothing(reviewer, market):
    response = reject(reviewer, market.wirral, note="")

    body = response.text
    assert response.status_code == 200 and "<title>Error: " in body
    assert "There is a problem" in body and "Select why you are rejecting the suggestion" in body
    assert '<a href="#id_reason_0">' in body
    assert unchanged(market.wirral)


def test_rejecting_for_another_reason_needs_a_note(reviewer, market):
    response = reject(reviewer, market.wirral, reason="other", note="   ")

    body = response.text
    assert "Enter a note saying why, when the reason is “Other”" in body
    assert 'value="other" checked' in body  # what was chosen stays chosen
    assert unchanged(market.wirral)


def test_a_note_too_long_is_only_said_to_be_too_long_even_when_the_reason_is_other(reviewer, market):
    response = reject(reviewer, market.wirral, reason="other", note="The employer has found a provider. " * 300)

    body = response.text
    assert '<a href="#id_note">Note must be 2,000 characters or fewer</a>' in body
    assert "Enter a note saying why" not in body  # a note was entered
    assert unchanged(market.wirral)


def test_rejecting_with_a_reason_records_it(reviewer, market, hannah):
    response = reject(reviewer, market.wirral, reason="other", note="The employer has found a provider itself.")

    assert f"Suggestion {market.wirral.pk} rejected (other)" in banner(response)
    market.wirral.refresh_from_db()
    assert (market.wirral.status, market.wirral.reject_reason) == (Suggestion.Status.REJECTED, "other")
    event = market.wirral.events.get()
    assert (event.action, event.actor, event.reason, event.note) == (
        "reject",
        hannah,
        "other",
        "The employer has found a provider itself.",
    )
    assert "Wirral developer" not in reviewer.get(QUEUE).text


@pytest.mark.parametrize("decide", [approve, lambda client, s, **kw: reject(client, s, reason="too_far", **kw)])
def test_a_decision_on_a_version_that_has_changed_is_refused_and_changes_nothing(reviewer, market, decide):
    Suggestion.objects.filter(pk=market.liverpool.pk).update(version=F("version") + 1)  # a re-run moved its score

    response = decide(reviewer, market.liverpool, version=1)

    assert f"Suggestion {market.liverpool.pk} was not changed." in banner(response)
    assert "has changed since you saw it (version 1, now 2)" in banner(response)
    assert unchanged(market.liverpool, version=2)
    assert f'value="{market.liverpool.pk}:2"' in response.text  # the queue now offers the current version


def test_a_suggestion_already_decided_is_not_decided_again(reviewer, market):
    approve(reviewer, market.wirral)

    response = reject(reviewer, market.wirral, version=1, reason="price")

    assert "This suggestion has already been approved." in banner(response)
    market.wirral.refresh_from_db()
    assert market.wirral.status == Suggestion.Status.APPROVED and market.wirral.events.count() == 1


def test_a_vacancy_already_introduced_is_flagged_and_not_introduced_twice(reviewer, market):
    approve(reviewer, market.liverpool)

    body = reviewer.get(QUEUE).text
    own_page = reviewer.get(reverse("matching-suggestion", args=[market.liverpool_alternative.pk])).text
    response = approve(reviewer, market.liverpool_alternative)

    assert body.count("This vacancy already has an introduction under way") == 1
    assert own_page.count("This vacancy already has an introduction under way") == 1  # its page warns as the queue
    assert "This vacancy already has an approved match." in banner(response)
    assert unchanged(market.liverpool_alternative)


def test_approving_more_than_the_cohort_has_places_is_refused(reviewer, market):
    Cohort.objects.filter(pk=market.liverpool.cohort_id).update(places=2)
    approve(reviewer, market.liverpool)  # two positions: the cohort is now full

    response = approve(reviewer, market.knowsley)

    assert "Approving would overfill the cohort: 0 of its places are left and the vacancy needs 1." in banner(response)
    assert unchanged(market.knowsley)


def test_bulk_approval_decides_each_and_reports_the_one_that_changed(reviewer, market):
    Suggestion.objects.filter(pk=market.liverpool.pk).update(version=2)
    ticked = [f"{s.pk}:1" for s in (market.knowsley, market.liverpool, market.wirral)]

    response = reviewer.post(f"{QUEUE}?provider=Provider", {"selected": ticked, "action": "approve"}, follow=True)

    assert response.redirect_chain[-1][0] == f"{QUEUE}?provider=Provider"
    body = response.text
    assert "2 suggestions approved" in body and "1 suggestion was not changed" in body
    assert f"Suggestion {market.knowsley.pk}: “Knowsley developer” (Employer A) with Provider A" in body
    assert f"Suggestion {market.liverpool.pk}: has changed since you saw it (version 1, now 2)" in body
    statuses = dict(Suggestion.objects.values_list("pk", "status"))
    assert statuses[market.knowsley.pk] == statuses[market.wirral.pk] == Suggestion.Status.APPROVED
    assert unchanged(market.liverpool, version=2)


def test_bulk_rejection_needs_one_reason(reviewer, market):
    ticked = [f"{market.knowsley.pk}:1", f"{market.wirral.pk}:1"]
    before = db_snapshot(Suggestion)

    response = reviewer.post(QUEUE, {"selected": ticked, "action": "reject", "reason": ""})

    assert "Choose why you are rejecting the selected suggestions" in response.text
    assert f'value="{market.knowsley.pk}:1" form="bulk-decision" checked' in response.text  # still ticked
    assert db_snapshot(Suggestion) == before and not SuggestionEvent.objects.exists()

    response = reviewer.post(QUEUE, {"selected": ticked, "action": "reject", "reason": "start_dates"}, follow=True)

    assert "2 suggestions rejected" in response.text
    rejected = Suggestion.objects.filter(status=Suggestion.Status.REJECTED)
    assert sorted(rejected.values_list("reject_reason", flat=True)) == ["start_dates", "start_dates"]


def test_a_bulk_rejection_with_a_note_too_long_is_only_said_to_be_too_long(reviewer, market):
    ticked = [f"{market.knowsley.pk}:1", f"{market.wirral.pk}:1"]

    response = reviewer.post(QUEUE, {"selected": ticked, "action": "reject", "reason": "other", "note": "x" * 2001})

    assert "Note must be 2,000 characters or fewer" in response.text
    assert "Enter a note saying why" not in response.text
    assert not SuggestionEvent.objects.exists()


def test_bulk_decisions_need_something_selected(reviewer, market):
    response = reviewer.post(QUEUE, {"action": "approve"})

    assert "Select at least one suggestion" in response.text and '<a href="#suggestions">' in response.text
    assert not SuggestionEvent.objects.exists()


def test_the_detail_page_shows_the_suggestion_in_full_with_its_history(reviewer, market):
    approve(reviewer, market.liverpool)
    reject(reviewer, market.liverpool_alternative, reason="other", note="Same vacancy as the approved one.")

    body = reviewer.get(reverse("matching-suggestion", args=[market.liverpool.pk])).text

    assert "Liverpool developer with Provider A" in body and "Approved" in body
    assert "Liverpool, Liverpool" not in body and "L1, Liverpool" in body
    assert "alice@example.org" in body and "priya@example.org" in body  # both parties, introduced
    assert "Approve</button>" not in body  # decided: nothing left to decide
    history = body[body.index("<caption") :]
    assert "hannah" in history and "Approved" in history and "Suggested to approved" in history
    assert "Score 0.740, version 1" in history and "Model prior-1" in history

    rejected = reviewer.get(reverse("matching-suggestion", args=[market.liverpool_alternative.pk])).text
    assert "Rejected because" in rejected and "“Same vacancy as the approved one.”" in rejected
    assert "alice@example.org" not in rejected  # never introduced


def test_the_detail_page_of_a_waiting_suggestion_offers_both_decisions(reviewer, market):
    back = f"{QUEUE}?local_authority={WIRRAL}"

    body = reviewer.get(reverse("matching-suggestion", args=[market.wirral.pk]), {"next": back}).text

    assert f'href="{QUEUE}?local_authority={WIRRAL}" class="govuk-back-link"' in body
    assert "Approve</button>" in body and "Too far" in body and "Employer preference" in body
    assert "Nobody has decided anything about this suggestion yet." in body


def test_a_decision_never_sends_the_reviewer_off_the_site(reviewer, market):
    response = approve(reviewer, market.wirral, next_url="https://example.com/hub/suggestions/")

    assert response.redirect_chain[-1][0] == QUEUE


def test_an_unknown_suggestion_is_not_found(reviewer):
    assert reviewer.get(reverse("matching-suggestion", args=[999999])).status_code == 404
    assert reviewer.post(reverse("matching-suggestion-approve", args=[999999]), {"version": 1}).status_code == 404


HUB_ONLY = [
    ("get", "matching-suggestions", False),
    ("post", "matching-suggestions", False),
    ("get", "matching-suggestion", True),
    ("post", "matching-suggestion-approve", True),
    ("post", "matching-suggestion-reject", True),
]


@pytest.mark.parametrize(("method", "name", "needs_id"), HUB_ONLY)
@pytest.mark.parametrize("persona", ["alice", "priya"])
def test_employers_and_providers_may_not_review(client, request, market, method, name, needs_id, persona):
    client.force_login(request.getfixturevalue(persona))
    url = reverse(name, args=[market.knowsley.pk]) if needs_id else QUEUE
    fields = {"version": 1, "reason": "too_far", "selected": [f"{market.knowsley.pk}:1"], "action": "approve"}

    response = getattr(client, method)(url, fields if method == "post" else {})

    assert response.status_code == 403
    assert unchanged(market.knowsley)


@pytest.mark.parametrize(("method", "name", "needs_id"), HUB_ONLY)
def test_anonymous_reviewers_are_sent_to_sign_in(client, market, method, name, needs_id):
    url = reverse(name, args=[market.knowsley.pk]) if needs_id else QUEUE

    response = getattr(client, method)(url, {"version": 1} if method == "post" else {})

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert unchanged(market.knowsley)


def test_the_hub_finds_the_review_and_the_models_from_its_home_page(reviewer):
    body = reviewer.get(reverse("home")).text

    assert f'href="{QUEUE}"' in body and f'href="{reverse("matching-models")}"' in body
    assert f'href="{reverse("matching-runs")}"' in body
