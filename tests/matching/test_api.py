"""The matching API: runs (hub only, one full run at a time), suggestions and gaps, each scoped to who asks."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matching.models import Gap, MatchRun, Suggestion
from matching.services import run_full_now

pytestmark = pytest.mark.django_db
RUN_FIELDS = {"id", "status", "progress", "counts", "model_version", "error"}
SUGGESTION_FIELDS = {"id", "vacancy", "course_offer", "cohort", "score", "rank", "status", "explanation", "version"}
LIVERPOOL, WIRRAL = "E08000012", "E08000015"  # local authority codes


@pytest.fixture
def matched(small_market):
    run_full_now()
    return small_market


@pytest.fixture
def approved(matched):
    """Alice's vacancy introduced to Provider A, Bob's to Provider B; everything else still only suggested."""
    alices = Suggestion.objects.get(vacancy=matched.alices, course_offer=matched.liverpool_offer, rank__lte=2)
    bobs = Suggestion.objects.filter(vacancy=matched.bobs, course_offer=matched.wirral_offer).first()
    Suggestion.objects.filter(pk__in=[alices.pk, bobs.pk]).update(status=Suggestion.Status.APPROVED)
    return {"alice": alices.pk, "bob": bobs.pk}


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- Runs --------------------------------------------------------------------------------------


def test_hub_staff_start_a_full_run_and_are_told_202_with_the_queued_run(
    api, hannah, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = api(hannah).post("/api/v1/match-runs/")

    assert response.status_code == 202, response.content
    body = response.json()
    assert set(body) >= RUN_FIELDS
    assert (body["status"], body["progress"], body["counts"], body["model_version"], body["error"]) == (
        "queued",
        0.0,
        {},
        "",
        "",
    )
    run = MatchRun.objects.get(pk=body["id"])
    assert run.kind == MatchRun.Kind.FULL and run.created_by == hannah
    assert len(callbacks) == 1  # the workers are told only once the run is committed


@pytest.mark.parametrize("persona", ["alice", "bob", "priya", "quentin"])
def test_employers_and_providers_may_not_start_or_see_runs(api, persona, request):
    run = MatchRun.objects.create(status=MatchRun.Status.SUCCEEDED)
    client = api(request.getfixturevalue(persona))

    assert client.post("/api/v1/match-runs/").status_code == 403
    assert client.get("/api/v1/match-runs/").status_code == 403
    assert client.get(f"/api/v1/match-runs/{run.pk}/").status_code == 403
    assert MatchRun.objects.count() == 1


def test_anonymous_callers_are_asked_to_sign_in(api):
    run = MatchRun.objects.create(status=MatchRun.Status.SUCCEEDED)

    assert api().post("/api/v1/match-runs/").status_code == 401
    assert api().get(f"/api/v1/match-runs/{run.pk}/").status_code == 401
    assert api().get("/api/v1/suggestions/").status_code == 401
    assert api().get("/api/v1/gaps/").status_code == 401
    assert MatchRun.objects.count() == 1


@pytest.mark.parametrize("status", [MatchRun.Status.QUEUED, MatchRun.Status.RUNNING])
def test_a_second_full_run_while_one_is_queued_or_running_gets_409_with_its_id(api, hannah, status):
    busy = MatchRun.objects.create(kind=MatchRun.Kind.FULL, status=status)

    response = api(hannah).post("/api/v1/match-runs/")

    assert response.status_code == 409
    assert response.json()["run"] == busy.pk
    assert MatchRun.objects.count() == 1


def test_a_new_full_run_may_start_once_the_last_one_finished(api, hannah):
    MatchRun.objects.create(kind=MatchRun.Kind.FULL, status=MatchRun.Status.SUCCEEDED)
    MatchRun.objects.create(kind=MatchRun.Kind.FULL, status=MatchRun.Status.FAILED)
    MatchRun.objects.create(kind=MatchRun.Kind.INCREMENTAL, status=MatchRun.Status.RUNNING)

    assert api(hannah).post("/api/v1/match-runs/").status_code == 202


def test_a_finished_run_shows_its_status_progress_counts_model_and_timings(api, hannah, matched):
    run = MatchRun.objects.get()

    body = api(hannah).get(f"/api/v1/match-runs/{run.pk}/").json()

    assert body["id"] == run.pk and body["status"] == "succeeded" and body["progress"] == 1.0
    assert body["counts"] == {"vacancies": 7, "offers": 5, "cohorts": 8, "candidates": 10, "suggestions": 7, "gaps": 4}
    assert body["model_version"] == "prior-2" and body["error"] == ""
    assert {"load", "candidates", "features", "score", "allocation", "write"} <= set(body["timings"])
    assert (body["optimality_gap"], body["optimality"]) == (0.0, "optimal")


def test_a_run_whose_first_choices_may_fall_short_says_by_how_much_in_words(api, hannah):
    run = MatchRun.objects.create(status=MatchRun.Status.SUCCEEDED, optimality_gap=0.000781)
    unknown = MatchRun.objects.create(status=MatchRun.Status.FAILED)

    body = api(hannah).get(f"/api/v1/match-runs/{run.pk}/").json()
    before = api(hannah).get(f"/api/v1/match-runs/{unknown.pk}/").json()

    assert body["optimality"] == "within 0.08% of the best possible total"
    assert (before["optimality_gap"], before["optimality"]) == (None, "")


def test_a_failed_run_shows_its_error(api, hannah):
    run = MatchRun.objects.create(status=MatchRun.Status.FAILED, error="chunk 3: RuntimeError: boom")

    body = api(hannah).get(f"/api/v1/match-runs/{run.pk}/").json()

    assert (body["status"], body["error"]) == ("failed", "chunk 3: RuntimeError: boom")


# --- Suggestions -------------------------------------------------------------------------------


def test_hub_staff_see_every_suggestion_with_the_public_field_names(api, hannah, matched):
    response = api(hannah).get("/api/v1/suggestions/", {"page_size": 100})

    rows = response.json()["results"]
    assert {row["id"] for row in rows} == set(Suggestion.objects.values_list("id", flat=True))
    row = next(r for r in rows if r["vacancy"] == matched.alices.pk and r["rank"] == 1)
    stored = Suggestion.objects.get(pk=row["id"])
    assert set(row) >= SUGGESTION_FIELDS
    assert (row["vacancy"], row["course_offer"], row["cohort"]) == (
        stored.vacancy_id,
        stored.course_offer_id,
        stored.cohort_id,
    )
    assert (row["score"], row["rank"], row["status"], row["version"]) == (stored.score, 1, "suggested", 1)
    assert all(set(item) == {"feature", "value", "contribution", "text"} for item in row["explanation"])
    assert sum(item["contribution"] for item in row["explanation"]) == pytest.approx(row["score"], abs=1e-9)
    distance = next(item for item in row["explanation"] if item["feature"] == "distance_km")
    assert distance["text"] == f"{distance['value']:.0f} km away"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (lambda m: {"status": "approved"}, lambda m: Suggestion.objects.filter(status="approved")),
        (lambda m: {"vacancy": m.alices.pk}, lambda m: Suggestion.objects.filter(vacancy=m.alices)),
        (
            lambda m: {"course_offer": m.wirral_offer.pk},
            lambda m: Suggestion.objects.filter(course_offer=m.wirral_offer),
        ),
        (
            lambda m: {"provider": m.liverpool_offer.provider_id},
            lambda m: Suggestion.objects.filter(course_offer__provider=m.liverpool_offer.provider_id),
        ),
        (lambda m: {"local_authority": WIRRAL}, lambda m: Suggestion.objects.filter(vacancy=m.bobs)),
        (lambda m: {"local_authority": LIVERPOOL}, lambda m: Suggestion.objects.exclude(vacancy=m.bobs)),
        (lambda m: {"score_min": median(), "score_max": 1}, lambda m: Suggestion.objects.filter(score__gte=median())),
        (lambda m: {"score_max": median()}, lambda m: Suggestion.objects.filter(score__lte=median())),
    ],
    ids=["status", "vacancy", "course_offer", "provider", "la_wirral", "la_liverpool", "score_min", "score_max"],
)
def test_hub_staff_filter_suggestions(api, hannah, matched, approved, params, expected):
    wanted = set(expected(matched).values_list("id", flat=True))
    assert 0 < len(wanted) < Suggestion.objects.count()  # the filter has something to leave out

    found = ids(api(hannah).get("/api/v1/suggestions/", {**params(matched), "page_size": 100}))

    assert found == wanted


def median() -> float:
    scores = sorted(Suggestion.objects.values_list("score", flat=True))
    return scores[len(scores) // 2]


@pytest.mark.parametrize(
    ("persona", "sees"),
    [("alice", ["alice"]), ("bob", ["bob"]), ("priya", ["alice"]), ("quentin", ["bob"])],
)
def test_employers_and_providers_see_only_the_approved_suggestions_that_involve_them(
    api, request, approved, persona, sees
):
    client = api(request.getfixturevalue(persona))

    found = ids(client.get("/api/v1/suggestions/"))

    assert found == {approved[name] for name in sees}


def test_a_party_cannot_open_a_suggestion_the_hub_has_not_approved(api, alice, matched, approved):
    suggested = Suggestion.objects.filter(vacancy=matched.alices, status="suggested").first()

    assert api(alice).get(f"/api/v1/suggestions/{suggested.pk}/").status_code == 404
    assert api(alice).get(f"/api/v1/suggestions/{approved['alice']}/").status_code == 200
    assert api(alice).get(f"/api/v1/suggestions/{approved['bob']}/").status_code == 404


@pytest.mark.parametrize("persona", ["hannah", "alice"])
def test_the_suggestion_list_takes_the_same_number_of_queries_whatever_the_page_size(
    api, request, matched, approved, persona
):
    Suggestion.objects.filter(vacancy=matched.alices).update(status=Suggestion.Status.APPROVED)  # three for Alice
    client = api(request.getfixturevalue(persona))

    def queries(page_size: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/suggestions/", {"page_size": page_size})
        return len(response.json()["results"]), len(captured)

    queries(1)  # the first request also looks up the user's role, once
    small, large = queries(1), queries(100)

    assert small[0] == 1 and large[0] >= 3
    assert large[1] in (small[1], small[1] - 1)  # no query per row; a page that is not full needs no count


# --- Gaps --------------------------------------------------------------------------------------


def test_hub_staff_see_every_gap_with_its_reason(api, hannah, matched):
    rows = api(hannah).get("/api/v1/gaps/").json()["results"]

    (loser,) = [v for v in matched.one_place if not Suggestion.objects.filter(vacancy=v).exists()]
    assert {row["vacancy"]: row["reason"] for row in rows} == {**matched.expected_gaps, loser.pk: "no_places"}
    assert all(row["reason_text"] for row in rows)


@pytest.mark.parametrize(("persona", "employer"), [("alice", "employer_a"), ("bob", "employer_b")])
def test_an_employer_sees_only_the_gaps_of_its_own_vacancies(api, request, matched, persona, employer):
    own = Gap.objects.filter(vacancy__employer=request.getfixturevalue(employer))
    assert 0 < own.count() < Gap.objects.count()

    rows = api(request.getfixturevalue(persona)).get("/api/v1/gaps/").json()["results"]

    assert {(row["vacancy"], row["reason"]) for row in rows} == set(own.values_list("vacancy_id", "reason"))


@pytest.mark.parametrize("persona", ["priya", "quentin"])
def test_providers_may_not_list_gaps(api, request, matched, persona):
    assert api(request.getfixturevalue(persona)).get("/api/v1/gaps/").status_code == 403
