"""Scores and explanations: a scikit-learn Pipeline, a documented prior, contributions that add up to the score."""

import math

import numpy as np
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline

from matching.ml.engine import match_market
from matching.ml.explain import explanation_rows, feature_text, summary
from matching.ml.features import FEATURES
from matching.ml.scoring import PRIOR_VERSION, PRIOR_WEIGHTS, IncompatibleModel, matcher_loads, prior_matcher
from tests.matching.markets import DAY_RELEASE, LIVERPOOL, NEWCASTLE, ONLINE, START, market, north_of, offer, vacancy

CORPUS = [
    "Software developer build test web applications python javascript",
    "Network engineer install maintain networks routers",
    "Plumbing and heating engineer boilers pipework",
]
# A plausible pair: 10 km, fair text match, cohort a fortnight later, Ofsted Good, 60% achieve.
BASE = {
    "distance_km": 10.0,
    "text_similarity": 0.3,
    "start_gap_days": 14.0,
    "delivery_fit": 1.0,
    "ofsted_grade": 2.0,
    "achievement_rate": 60.0,
    "price_ratio": 0.8,
    "places_left": 5.0,
    "provider_share": 0.0,
    "travel_minutes": 38.0,
    "travel_changes": 1.0,
}


@pytest.fixture(scope="module")
def matcher():
    return prior_matcher(CORPUS)


def row(**changes: float) -> list[float]:
    return [changes.get(name, BASE[name]) for name in FEATURES]


def scores(matcher, *rows: list[float]) -> list[float]:
    return matcher.score(np.array(rows, dtype=float))[0].tolist()


def busy_market():
    """Several vacancies and offers, with unknown values (no Ofsted grade, a national offer with no location)."""
    return market(
        [
            vacancy(1, text="Junior software developer, web applications in python"),
            vacancy(
                2, at=north_of(LIVERPOOL, 8), start_day=START + 20, delivery_mask=DAY_RELEASE | ONLINE, positions=2
            ),
            vacancy(3, at=north_of(LIVERPOOL, 15), text="Network engineer looking after routers"),
            vacancy(4, text=""),
        ],
        [
            offer(1, cohorts=[(10, START, 3), (11, START + 45, 8)]),
            offer(2, provider=2, ofsted_grade=math.nan, achievement_rate=math.nan, text="Plumbing and heating"),
            offer(3, provider=3, national=True, locations=[], delivery_mask=ONLINE, ofsted_grade=1.0),
            offer(4, provider=3, locations=[(*NEWCASTLE, 10.0)], delivery_mask=ONLINE, price=9_000.0),
        ],
        provider_share={1: 0.75, 3: 0.25},
    )


def test_the_scoring_model_is_a_pipeline_of_a_column_transformer_and_a_weighted_score(matcher):
    assert isinstance(matcher.pipeline, Pipeline)
    assert isinstance(matcher.pipeline.steps[0][1], ColumnTransformer)
    transformer = matcher.pipeline.named_steps["goodness"]
    assert [name for name, _, _ in transformer.transformers] == FEATURES
    assert matcher.version == PRIOR_VERSION
    assert matcher.params["weights"] == PRIOR_WEIGHTS


def test_the_prior_weights_are_non_negative_and_sum_to_one_so_scores_stay_between_0_and_1():
    assert set(PRIOR_WEIGHTS) == set(FEATURES)
    assert all(weight >= 0 for weight in PRIOR_WEIGHTS.values())
    assert sum(PRIOR_WEIGHTS.values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("feature", "better", "worse"),
    [
        ("distance_km", 2.0, 20.0),
        ("ofsted_grade", 1.0, 3.0),
        ("achievement_rate", 80.0, 50.0),
        ("start_gap_days", 7.0, 60.0),
        ("start_gap_days", -7.0, -28.0),
        ("text_similarity", 0.6, 0.1),
        ("delivery_fit", 1.0, 0.5),
    ],
)
def test_the_prior_prefers_the_better_of_two_offers_that_differ_in_one_way(matcher, feature, better, worse):
    good, bad = scores(matcher, row(**{feature: better}), row(**{feature: worse}))

    assert good > bad


def test_the_prior_cares_most_about_distance_then_quality_start_and_description():
    weights = PRIOR_WEIGHTS
    assert weights["distance_km"] >= weights["ofsted_grade"] + weights["achievement_rate"] - 1e-9
    assert min(weights["ofsted_grade"], weights["start_gap_days"], weights["text_similarity"]) >= max(
        weights["price_ratio"], weights["places_left"], weights["provider_share"]
    )


def test_an_unknown_value_scores_in_the_middle_of_known_ones(matcher):
    outstanding, unknown, inadequate = scores(
        matcher, row(ofsted_grade=1.0), row(ofsted_grade=math.nan), row(ofsted_grade=4.0)
    )

    assert outstanding > unknown > inadequate


def test_a_better_described_offer_scores_higher_on_a_market(matcher):
    m = market(
        [vacancy(1, text="Software developer: build and test web applications in python")],
        [
            offer(1, text="Software developer apprenticeship: web applications, python and testing"),
            offer(2, text="Plumbing and heating engineer: boilers and pipework"),
        ],
    )

    result = match_market(m, matcher, k=3, days_before=30, days_after=90)

    by_cohort = dict(zip(result.cohort_id.tolist(), result.score.tolist(), strict=True))
    assert by_cohort[10] > by_cohort[20]
    assert result.cohort_id[result.rank == 1].tolist() == [10]


def test_every_suggestions_contributions_add_up_to_its_score_which_lies_between_0_and_1(matcher):
    result = match_market(busy_market(), matcher, k=3, days_before=30, days_after=90)

    assert len(result.score) >= 6
    assert np.all((result.score >= 0) & (result.score <= 1))
    assert np.abs(result.contributions.sum(axis=1) - result.score).max() < 1e-9
    assert result.features.shape == result.contributions.shape == (len(result.score), len(FEATURES))
    assert np.isnan(result.features[:, FEATURES.index("ofsted_grade")]).any()  # unknowns were in play


def test_the_provider_share_feature_comes_from_the_market(matcher):
    result = match_market(busy_market(), matcher, k=3, days_before=30, days_after=90)

    shares = result.features[:, FEATURES.index("provider_share")].tolist()
    share = dict(zip(result.offer_id.tolist(), shares, strict=True))
    assert share[1] == 0.75 and share[2] == 0.0 and share[3] == 0.25


def test_the_matcher_survives_a_round_trip_through_its_stored_form(matcher):
    X = np.array([row(), row(distance_km=math.nan), row(start_gap_days=-20.0)])

    loaded = matcher_loads(matcher.dumps())

    assert loaded.version == matcher.version and loaded.params == matcher.params
    for before, after in zip(matcher.score(X), loaded.score(X), strict=True):
        assert np.array_equal(before, after)


def test_a_model_saved_by_another_scikit_learn_version_is_refused(matcher):
    old = prior_matcher(CORPUS)
    old.sklearn_version = "0.24.2"

    with pytest.raises(IncompatibleModel, match="0.24.2"):
        matcher_loads(old.dumps())
    with pytest.raises(IncompatibleModel):
        matcher_loads(matcher.dumps(), expected_sklearn="0.24.2")


@pytest.mark.parametrize(
    ("feature", "value", "text"),
    [
        ("distance_km", 12.4, "12 km away"),
        ("distance_km", math.nan, "delivered online or nationally"),
        ("ofsted_grade", 2.0, "Ofsted Good"),
        ("ofsted_grade", 1.0, "Ofsted Outstanding"),
        ("ofsted_grade", math.nan, "no Ofsted grade yet"),
        ("start_gap_days", 14.0, "starts 2 weeks after the employer's start date"),
        ("start_gap_days", -3.0, "starts 3 days before the employer's start date"),
        ("start_gap_days", 1.0, "starts 1 day after the employer's start date"),
        ("start_gap_days", 0.0, "starts on the employer's start date"),
        ("achievement_rate", 61.5, "62% achievement rate"),
        ("places_left", 1.0, "1 place left"),
        ("places_left", 8.0, "8 places left"),
        ("delivery_fit", 1.0, "offers all the employer's delivery modes"),
        ("delivery_fit", 0.5, "offers 50% of the employer's delivery modes"),
        ("price_ratio", 0.85, "price 85% of the funding band"),
    ],
)
def test_each_feature_reads_in_plain_words(feature, value, text):
    assert feature_text(feature, value) == text


@pytest.mark.parametrize(
    ("reader", "text"),
    [
        ("employer", "starts 12 days after your start date"),
        ("provider", "starts 12 days after the employer's start date"),
        ("hub", "starts 12 days after the employer's start date"),
    ],
)
def test_the_start_date_is_the_employers_whoever_reads_it(reader, text):
    assert feature_text("start_gap_days", 12.0, reader=reader) == text
    assert feature_text("start_gap_days", 0.0, reader=reader) == "starts on " + text.split(" after ")[1]


@pytest.mark.parametrize(
    ("reader", "whose"), [("employer", "your"), ("provider", "the employer's"), ("hub", "the employer's")]
)
def test_the_delivery_modes_are_the_employers_whoever_reads_them(reader, whose):
    assert feature_text("delivery_fit", 1.0, reader=reader) == f"offers all {whose} delivery modes"
    assert feature_text("delivery_fit", 0.5, reader=reader) == f"offers 50% of {whose} delivery modes"


def test_an_explanation_lists_every_feature_biggest_contribution_first_and_sums_up_in_words():
    values = {**BASE, "distance_km": 12.0, "ofsted_grade": 2.0, "start_gap_days": 14.0}
    contributions = {name: PRIOR_WEIGHTS[name] / 2 for name in FEATURES}

    rows = explanation_rows(values, contributions)

    assert [set(r) for r in rows] == [{"feature", "value", "contribution", "text"}] * len(FEATURES)
    assert {r["feature"] for r in rows} == set(FEATURES)
    assert [r["contribution"] for r in rows] == sorted(contributions.values(), reverse=True)
    assert summary(rows) == "12 km away · Ofsted Good · starts 2 weeks after the employer's start date"


def test_an_explanation_shows_an_unknown_value_as_null_with_words_for_it():
    rows = explanation_rows({**BASE, "ofsted_grade": None}, dict.fromkeys(FEATURES, 0.0))

    ofsted = next(r for r in rows if r["feature"] == "ofsted_grade")
    assert ofsted["value"] is None and ofsted["text"] == "no Ofsted grade yet"
