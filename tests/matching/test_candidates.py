"""Candidate pairs on hand-built markets: every hard rule, just inside and just outside, and the gap reasons."""

import numpy as np
import pytest

from lcr_skills.geo import haversine_km
from matching.ml import candidates as candidates_module
from matching.ml.candidates import GapReason, candidate_pairs
from tests.matching.markets import (
    BAND,
    DAY_RELEASE,
    LIVERPOOL,
    NEWCASTLE,
    ONLINE,
    START,
    gaps,
    market,
    north_of,
    offer,
    pairs,
    vacancy,
)

FAR_AWAY = [(*NEWCASTLE, 10.0)]


def test_a_vacancy_meets_only_offers_of_its_own_standard():
    m = market(
        [vacancy(1, standard=7)],
        [offer(1, standard=7), offer(2, standard=8)],
    )

    assert pairs(m, candidate_pairs(m)) == {(1, 10)}


def test_a_vacancy_whose_standard_nobody_offers_is_a_gap_even_if_other_standards_are_next_door():
    m = market([vacancy(1, standard=7)], [offer(1, standard=8)])

    found = candidate_pairs(m)

    assert pairs(m, found) == set()
    assert gaps(m, found) == {1: GapReason.NO_PROVIDER}


@pytest.mark.parametrize(("km", "reached"), [(9.999, True), (10.001, False)])
def test_a_workplace_just_inside_the_radius_is_reached_and_just_beyond_it_is_not(km, reached):
    workplace = north_of(LIVERPOOL, km)
    assert haversine_km(*LIVERPOOL, *workplace) == pytest.approx(km, abs=1e-9)
    m = market([vacancy(1, at=workplace)], [offer(1, locations=[(*LIVERPOOL, 10.0)])])

    found = candidate_pairs(m)

    assert pairs(m, found) == ({(1, 10)} if reached else set())
    assert gaps(m, found) == ({} if reached else {1: GapReason.OUT_OF_REACH})


def test_a_workplace_exactly_on_the_radius_is_reached():
    workplace = north_of(LIVERPOOL, 10.0)
    radius = float(haversine_km(np.array([workplace[0]]), np.array([workplace[1]]), *LIVERPOOL)[0])
    m = market([vacancy(1, at=workplace)], [offer(1, locations=[(*LIVERPOOL, radius)])])

    assert pairs(m, candidate_pairs(m)) == {(1, 10)}


def test_any_one_of_the_offers_locations_is_enough_and_the_distance_is_to_the_nearest():
    near = north_of(LIVERPOOL, 4.0)
    m = market([vacancy(1)], [offer(1, locations=[*FAR_AWAY, (*near, 5.0), (*north_of(LIVERPOOL, 6.0), 8.0)])])

    found = candidate_pairs(m)

    assert pairs(m, found) == {(1, 10)}
    assert found.distance_km.tolist() == pytest.approx([4.0], abs=1e-6)


def test_a_national_offer_reaches_a_workplace_anywhere_whatever_its_delivery_modes():
    m = market(
        [vacancy(1, delivery_mask=DAY_RELEASE)],
        [offer(1, national=True, locations=FAR_AWAY), offer(2, national=True, locations=[])],
    )

    found = candidate_pairs(m)

    assert pairs(m, found) == {(1, 10), (1, 20)}
    distances = dict(zip(found.cohort.tolist(), found.distance_km.tolist(), strict=True))
    assert distances[0] == pytest.approx(haversine_km(*LIVERPOOL, *NEWCASTLE))
    assert np.isnan(distances[1])  # no location: no distance to tell


def test_an_online_offer_reaches_only_the_vacancies_that_accept_online_training():
    m = market(
        [vacancy(1, delivery_mask=DAY_RELEASE | ONLINE), vacancy(2, delivery_mask=DAY_RELEASE)],
        [offer(1, delivery_mask=ONLINE, locations=FAR_AWAY)],
    )

    found = candidate_pairs(m)

    assert pairs(m, found) == {(1, 10)}
    assert gaps(m, found) == {2: GapReason.OUT_OF_REACH}


def test_an_offer_that_is_not_online_does_not_reach_an_online_vacancy_out_of_its_radius():
    m = market(
        [vacancy(1, delivery_mask=DAY_RELEASE | ONLINE)],
        [offer(1, delivery_mask=DAY_RELEASE, locations=FAR_AWAY)],
    )

    assert pairs(m, candidate_pairs(m)) == set()


@pytest.mark.parametrize(
    ("days", "inside"),
    [(-31, False), (-30, True), (0, True), (90, True), (91, False)],
)
def test_a_cohort_must_start_from_30_days_before_to_90_days_after_the_vacancy(days, inside):
    m = market([vacancy(1)], [offer(1, cohorts=[(10, START + days, 5)])])

    found = candidate_pairs(m, days_before=30, days_after=90)

    assert pairs(m, found) == ({(1, 10)} if inside else set())
    assert gaps(m, found) == ({} if inside else {1: GapReason.NO_COHORT_IN_WINDOW})


def test_the_start_window_is_read_from_the_settings_with_the_issues_values(settings):
    assert (settings.MATCH_START_WINDOW_DAYS_BEFORE, settings.MATCH_START_WINDOW_DAYS_AFTER) == (30, 90)


def test_only_cohorts_with_a_place_left_are_candidates():
    m = market([vacancy(1)], [offer(1, cohorts=[(10, START, 1), (11, START + 7, 0)])])

    assert pairs(m, candidate_pairs(m)) == {(1, 10)}


@pytest.mark.parametrize(("price", "inside"), [(BAND - 0.01, True), (BAND, True), (BAND + 0.01, False)])
def test_the_price_must_be_within_the_funding_band(price, inside):
    m = market([vacancy(1, band=BAND)], [offer(1, price=price)])

    assert pairs(m, candidate_pairs(m)) == ({(1, 10)} if inside else set())


def test_pairs_the_hub_has_decided_never_come_back():
    m = market(
        [vacancy(1), vacancy(2)],
        [offer(1, cohorts=[(10, START, 5), (11, START + 14, 5)])],
        excluded={1: {10}, 2: {99}},  # 99: a cohort no longer in the market
    )

    assert pairs(m, candidate_pairs(m)) == {(1, 11), (2, 10), (2, 11)}


@pytest.mark.parametrize(
    ("offers", "excluded", "reason"),
    [
        ([], None, GapReason.NO_PROVIDER),
        ([offer(1, locations=FAR_AWAY)], None, GapReason.OUT_OF_REACH),
        ([offer(1, cohorts=[(10, START + 120, 5)])], None, GapReason.NO_COHORT_IN_WINDOW),
        ([offer(1, cohorts=[(10, START, 0), (11, START + 120, 5)])], None, GapReason.NO_PLACES),
        ([offer(1)], {1: {10}}, GapReason.ALL_REJECTED),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_a_vacancy_without_candidates_is_a_gap_with_the_first_rule_that_ruled_everything_out(offers, excluded, reason):
    m = market([vacancy(1)], offers, excluded=excluded)

    found = candidate_pairs(m)

    assert len(found) == 0
    assert gaps(m, found) == {1: reason}


def test_an_empty_market_has_no_candidates_and_no_gaps():
    m = market([], [offer(1)])

    found = candidate_pairs(m)

    assert len(found) == 0 and found.gaps == {}


def naive_pairs(m, days_before: int = 30, days_after: int = 90) -> set[tuple[int, int]]:
    """The hard rules written out pair by pair: the slow, obvious reference."""
    vac, off, coh, loc = m.vacancies, m.offers, m.cohorts, m.locations
    found = set()
    for v in range(len(vac)):
        for c in range(len(coh)):
            o = coh.offer[c]
            within = any(
                haversine_km(vac.latitude[v], vac.longitude[v], loc.latitude[k], loc.longitude[k]) <= loc.radius_km[k]
                for k in range(len(loc))
                if loc.offer[k] == o
            )
            online = bool(off.delivery_mask[o] & ONLINE) and bool(vac.delivery_mask[v] & ONLINE)
            gap = coh.start_day[c] - vac.start_day[v]
            if (
                vac.standard[v] == off.standard[o]
                and (within or off.national[o] or online)
                and -days_before <= gap <= days_after
                and coh.places[c] > 0
                and off.price[o] <= vac.band[v]
                and coh.id[c] not in m.excluded_pairs.get(int(vac.id[v]), set())
            ):
                found.add((int(vac.id[v]), int(coh.id[c])))
    return found


@pytest.mark.parametrize("row_block", [3, 2048])
def test_candidates_are_exactly_the_pairs_a_pair_by_pair_check_accepts_on_random_markets(monkeypatch, row_block):
    monkeypatch.setattr(candidates_module, "ROW_BLOCK", row_block)  # slicing big standards must not change anything
    rng = np.random.default_rng(4)
    for _ in range(60):
        vacancies = [
            vacancy(
                i,
                standard=int(rng.integers(1, 3)),
                at=(53.4 + rng.normal(0, 0.15), -2.9 + rng.normal(0, 0.15)),
                start_day=START + int(rng.integers(-20, 20)),
                delivery_mask=int(rng.integers(1, 16)),
                band=float(rng.choice([12_000.0, 18_000.0])),
            )
            for i in range(1, int(rng.integers(1, 12)))
        ]
        offers = [
            offer(
                j,
                standard=int(rng.integers(1, 3)),
                price=float(rng.choice([11_999.99, 12_000.0, 12_000.01, 18_000.0])),
                national=bool(rng.random() < 0.15),
                delivery_mask=int(rng.integers(1, 16)),
                locations=[
                    (53.4 + rng.normal(0, 0.15), -2.9 + rng.normal(0, 0.15), float(rng.integers(5, 40)))
                    for _ in range(int(rng.integers(0, 3)))
                ],
                cohorts=[
                    (100 * j + k, START + int(rng.integers(-60, 130)), int(rng.integers(0, 3)))
                    for k in range(int(rng.integers(0, 4)))
                ],
            )
            for j in range(1, int(rng.integers(1, 8)))
        ]
        all_cohorts = [c[0] for o in offers for c in o.cohorts]
        excluded = {
            v.id: set(rng.choice(all_cohorts, size=min(2, len(all_cohorts)), replace=False).tolist())
            for v in vacancies
            if all_cohorts and rng.random() < 0.3
        }
        m = market(vacancies, offers, excluded=excluded)

        found = candidate_pairs(m)

        assert pairs(m, found) == naive_pairs(m)
        assert len(pairs(m, found)) == len(found)  # no pair twice
        matched = {int(m.vacancies.id[i]) for i in found.vacancy.tolist()}
        assert set(gaps(m, found)) == {v.id for v in vacancies} - matched
