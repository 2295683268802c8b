"""One matching pass over a hand-built market, end to end, and the chunk results it hands between workers."""

import numpy as np
import pytest

from matching.ml.candidates import GapReason
from matching.ml.engine import GAP_CODES, MatchResult, match_market, merge_results
from matching.ml.scoring import prior_matcher
from tests.matching.markets import START, market, offer, vacancy


@pytest.fixture(scope="module")
def matcher():
    return prior_matcher(["software developer web applications", "network engineer"])


def match(m, matcher):
    return match_market(m, matcher, k=3, days_before=30, days_after=90)


def test_a_standard_nobody_offers_gives_gaps_not_an_error(matcher):
    result = match(market([vacancy(1), vacancy(2)], []), matcher)

    assert len(result.score) == 0
    assert result.gap_vacancy_id.tolist() == [1, 2]
    assert [GAP_CODES[r] for r in result.gap_reason] == [GapReason.NO_PROVIDER] * 2


def test_offers_with_no_live_vacancy_give_nothing_and_no_error(matcher):
    result = match(market([], [offer(1), offer(2)]), matcher)

    assert len(result.score) == len(result.gap_vacancy_id) == 0
    assert result.counts["offers"] == 2


def test_a_vacancy_that_loses_the_last_place_is_a_no_places_gap(matcher):
    m = market(
        [vacancy(1), vacancy(2, text="")],
        [offer(1, cohorts=[(10, START, 1)])],
    )

    result = match(m, matcher)

    assert result.vacancy_id.tolist() == [1] and result.rank.tolist() == [1]
    assert result.gap_vacancy_id.tolist() == [2]
    assert GAP_CODES[result.gap_reason[0]] == GapReason.NO_PLACES


def test_a_chunks_result_survives_the_trip_through_its_stored_form(matcher):
    m = market([vacancy(1), vacancy(2, standard=9)], [offer(1, cohorts=[(10, START, 3), (11, START + 20, 3)])])
    result = match(m, matcher)

    loaded = MatchResult.loads(result.dumps())

    for name, value in result.__dict__.items():
        if isinstance(value, np.ndarray):
            assert np.array_equal(getattr(loaded, name), value, equal_nan=True), name
    assert loaded.counts == result.counts and loaded.timings == pytest.approx(result.timings)


def test_merged_chunks_equal_one_pass_over_the_whole_market(matcher):
    first = market([vacancy(1), vacancy(2)], [offer(1, cohorts=[(10, START, 1), (11, START + 20, 3)])])
    second = market([vacancy(3, standard=2)], [offer(2, standard=2)])
    whole = market(
        [vacancy(1), vacancy(2), vacancy(3, standard=2)],
        [offer(1, cohorts=[(10, START, 1), (11, START + 20, 3)]), offer(2, standard=2)],
    )

    merged = merge_results([match(first, matcher), match(second, matcher)])
    direct = match(whole, matcher)

    key = lambda r: sorted(zip(r.vacancy_id.tolist(), r.cohort_id.tolist(), r.rank.tolist(), strict=True))  # noqa: E731
    assert key(merged) == key(direct)
    assert merged.counts == direct.counts
