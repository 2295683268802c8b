"""Hannah's matching pages: runs with a live progress bar, suggestions with their reasons, and gaps."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from matching.ml.candidates import GapReason
from matching.ml.explain import summary
from matching.models import MatchRun, Suggestion
from matching.services import run_full_now

pytestmark = pytest.mark.django_db
PAGES = ["matching-runs", "matching-suggestions", "matching-gaps"]


def banner(response) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in response.context["messages"]]


@pytest.mark.parametrize("page", PAGES)
def test_the_matching_pages_are_for_hub_staff_only(client, alice, priya, page):
    for user in (alice, priya):
        client.force_login(user)
        assert client.get(reverse(page)).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, page):
    response = client.get(reverse(page))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_starting_a_run_from_the_page_says_so_and_a_second_start_warns_that_one_is_running(client, hannah):
    client.force_login(hannah)

    first = client.post(reverse("matching-run-start"), follow=True)
    second = client.post(reverse("matching-run-start"), follow=True)

    run = MatchRun.objects.get()
    assert first.redirect_chain == [(reverse("matching-runs"), 302)]
    assert banner(first) == [("success", f"Matching run {run.pk} has started. Its progress shows below.")]
    assert banner(second) == [("warning", f"Run {run.pk} is already queued: wait for it to finish.")]
    assert MatchRun.objects.count() == 1


def test_a_run_that_finished_before_the_page_loaded_is_not_said_to_show_progress_below(client, hannah):
    client.force_login(hannah)
    client.post(reverse("matching-run-start"))
    run = MatchRun.objects.get()
    run.status, run.progress = MatchRun.Status.SUCCEEDED, 1.0
    run.save()

    page = client.get(reverse("matching-runs"))

    assert banner(page) == [("success", f"Matching run {run.pk} has started.")]
    assert "progress shows below" not in page.text and 'id="run-progress"' not in page.text


def test_starting_a_run_needs_a_post_from_hub_staff(client, hannah, alice):
    client.force_login(hannah)
    assert client.get(reverse("matching-run-start")).status_code == 405
    client.force_login(alice)
    assert client.post(reverse("matching-run-start")).status_code == 403
    assert not MatchRun.objects.exists()


def test_the_runs_page_shows_the_running_runs_progress_bar_fed_by_the_api(client, hannah):
    running = MatchRun.objects.create(status=MatchRun.Status.RUNNING, progress=0.45)
    client.force_login(hannah)

    body = client.get(reverse("matching-runs")).text

    assert f"Run {running.pk} is running" in body
    assert f'data-run-url="/api/v1/match-runs/{running.pk}/"' in body
    assert '<progress class="app-progress" id="run-progress" max="1" value="0.45">' in body
    assert "Start a full matching run" not in body


def test_the_runs_page_lists_finished_runs_and_the_gaps_by_reason(client, hannah, small_market):
    run = run_full_now()
    client.force_login(hannah)

    response = client.get(reverse("matching-runs"))

    assert response.status_code == 200
    assert [(g["reason"], g["count"]) for g in response.context["gaps"]] == [
        (GapReason.NO_PROVIDER, 1),
        (GapReason.OUT_OF_REACH, 1),
        (GapReason.NO_COHORT_IN_WINDOW, 1),
        (GapReason.NO_PLACES, 1),
        (GapReason.ALL_REJECTED, 0),
        (GapReason.OUT_OF_REACH_BY_TRANSPORT, 0),
    ]
    assert [r.pk for r in response.context["runs"]] == [run.pk]
    assert "Start a full matching run" in response.text and "prior-2" in response.text
    assert run.optimality == "optimal" and '<td class="govuk-table__cell">Optimal</td>' in response.text


def test_the_suggestions_page_shows_each_suggestion_with_its_reasons_in_words(client, hannah, small_market):
    run_full_now()
    client.force_login(hannah)

    response = client.get(reverse("matching-suggestions"))

    assert response.status_code == 200
    assert "7 suggestions waiting for review" in response.text
    first = Suggestion.objects.get(vacancy=small_market.alices, rank=1)
    assert escape(summary(first.explanation)) in response.text  # "the employer's start date", escaped
    assert " km away · Ofsted Good · starts " in response.text


def test_the_gaps_page_lists_each_unmatched_vacancy_with_the_reason(client, hannah, small_market):
    run_full_now()
    client.force_login(hannah)

    body = client.get(reverse("matching-gaps")).text

    assert "4 vacancies" in body
    for label in [
        "No provider offers this standard",
        "No provider delivers within reach",
        "No cohort starts near the vacancy&#x27;s start date",
        "No places left in the cohorts that fit",
    ]:
        assert label in body
    assert small_market.no_provider.title in body
