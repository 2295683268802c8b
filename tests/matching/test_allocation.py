"""Allocation: rank-1 suggestions within cohort places, optimal (not first-come), then alternatives up to K."""

import numpy as np
import pytest
from scipy.optimize import linprog

from matching.ml import allocation as allocation_module
from matching.ml.allocation import allocate, best_first_choices

# `make test` runs this module in its second process, beside the fuzzing, so the two take about as long.
pytestmark = pytest.mark.second_process


def arrays(rows: list[tuple[int, int, float]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(vacancy, cohort, score) rows as the three arrays the allocator takes."""
    vacancy, cohort, score = zip(*rows, strict=True)
    return np.array(vacancy, dtype=np.int64), np.array(cohort, dtype=np.int64), np.array(score, dtype=float)


def first_choices(rows, positions, places) -> dict[int, int]:
    """vacancy -> cohort of its rank-1 suggestion."""
    vacancy, cohort, score = arrays(rows)
    chosen = best_first_choices(vacancy, cohort, score, np.array(positions), np.array(places))
    return dict(zip(vacancy[chosen].tolist(), cohort[chosen].tolist(), strict=True))


def ranked(allocation, vacancy: np.ndarray, cohort: np.ndarray) -> dict[int, list[int]]:
    """vacancy -> its cohorts in rank order."""
    out: dict[int, list[int]] = {}
    for pair in allocation.pair[np.argsort(allocation.rank, kind="stable")].tolist():
        out.setdefault(int(vacancy[pair]), []).append(int(cohort[pair]))
    return out


def total(chosen: np.ndarray, score: np.ndarray) -> float:
    return float(score[chosen].sum())


def brute_force_best(vacancy, cohort, score, positions, places) -> float:
    """The best total rank-1 score by trying every assignment (each vacancy: one of its pairs, or none)."""
    options: dict[int, list[tuple[int, float]]] = {}
    for v, c, s in zip(vacancy.tolist(), cohort.tolist(), score.tolist(), strict=True):
        options.setdefault(v, []).append((c, s))
    order = sorted(options)
    left = np.array(places, dtype=np.int64)
    best = 0.0

    def search(i: int, so_far: float) -> None:
        nonlocal best
        if i == len(order):
            best = max(best, so_far)
            return
        v = order[i]
        search(i + 1, so_far)
        for c, s in options[v]:
            if left[c] >= positions[v]:
                left[c] -= positions[v]
                search(i + 1, so_far + s)
                left[c] += positions[v]

    search(0, 0.0)
    return best


def first_come_greedy(vacancy, cohort, score, positions, places) -> float:
    """What a first-come allocator gets: vacancies in turn each take their best cohort with room."""
    left = np.array(places, dtype=np.int64)
    got = 0.0
    for v in sorted(set(vacancy.tolist())):
        for k in sorted(np.flatnonzero(vacancy == v), key=lambda k: -score[k]):
            if left[cohort[k]] >= positions[v]:
                left[cohort[k]] -= positions[v]
                got += score[k]
                break
    return got


def assert_feasible(chosen, vacancy, cohort, positions, places) -> None:
    assert len(set(vacancy[chosen].tolist())) == len(chosen), "a vacancy got two first suggestions"
    seats = np.bincount(cohort[chosen], weights=np.asarray(positions)[vacancy[chosen]], minlength=len(places))
    assert np.all(seats <= np.asarray(places)), f"places exceeded: {seats} > {places}"


def test_a_two_place_cohort_wanted_by_five_vacancies_goes_to_the_two_best_and_the_rest_wait():
    rows = [(v, 0, score) for v, score in enumerate([0.5, 0.9, 0.6, 0.8, 0.7])]
    vacancy, cohort, score = arrays(rows)

    allocation = allocate(vacancy, cohort, score, np.ones(5, dtype=np.int64), np.array([2]), k=3)

    assert ranked(allocation, vacancy, cohort) == {1: [0], 3: [0]}
    assert allocation.rank.tolist() == [1, 1]
    assert sorted(allocation.unassigned.tolist()) == [0, 2, 4]


def test_the_vacancies_left_out_of_a_full_cohort_get_their_next_best_cohort_first():
    rows = [(0, 0, 0.9), (1, 0, 0.8), (2, 0, 0.7), (2, 1, 0.3)]

    assert first_choices(rows, positions=[1, 1, 1], places=[2, 5]) == {0: 0, 1: 0, 2: 1}


def test_a_three_position_vacancy_cannot_take_a_two_place_cohort_first():
    rows = [(0, 0, 0.9), (0, 1, 0.4)]
    vacancy, cohort, score = arrays(rows)

    allocation = allocate(vacancy, cohort, score, np.array([3]), np.array([2, 5]), k=3)

    # Rank 1 is the cohort with room for all three; the better one is still shown as an alternative.
    assert ranked(allocation, vacancy, cohort) == {0: [1, 0]}


def test_a_three_position_vacancy_with_only_a_two_place_cohort_has_no_first_suggestion():
    vacancy, cohort, score = arrays([(0, 0, 0.9)])

    allocation = allocate(vacancy, cohort, score, np.array([3]), np.array([2]), k=3)

    assert len(allocation.pair) == 0
    assert allocation.unassigned.tolist() == [0]


def test_positions_add_up_against_places():
    # Four places: the 3-position vacancy and one single fit, or the three singles; 0.9 + 0.5 beats 0.5 + 0.2 + 0.2.
    rows = [(0, 0, 0.9), (1, 0, 0.5), (2, 0, 0.2), (3, 0, 0.2)]
    positions = [3, 1, 1, 1]

    chosen = first_choices(rows, positions=positions, places=[4])

    assert chosen == {0: 0, 1: 0}


def test_the_optimal_allocation_beats_first_come_greedy_on_a_crafted_market():
    # Vacancy 0 likes cohort 0 best, but vacancy 1 can only use cohort 0: the optimum sends 0 to cohort 1.
    rows = [(0, 0, 0.9), (0, 1, 0.8), (1, 0, 0.85)]
    vacancy, cohort, score = arrays(rows)
    positions, places = np.array([1, 1]), np.array([1, 1])

    chosen = best_first_choices(vacancy, cohort, score, positions, places)

    assert total(chosen, score) == pytest.approx(brute_force_best(vacancy, cohort, score, positions, places))
    assert total(chosen, score) == pytest.approx(1.65)
    assert first_come_greedy(vacancy, cohort, score, positions, places) == pytest.approx(0.9)
    assert ranked(allocate(vacancy, cohort, score, positions, places, k=3), vacancy, cohort) == {0: [1, 0], 1: [0]}


def test_a_chain_of_contested_cohorts_is_solved_as_a_whole():
    # Each vacancy prefers the cohort its left neighbour needs; greedy in order strands the last one.
    rows = [(0, 0, 0.9), (0, 1, 0.8), (1, 1, 0.9), (1, 2, 0.8), (2, 2, 0.9), (2, 3, 0.8), (3, 0, 0.85)]
    vacancy, cohort, score = arrays(rows)
    positions, places = np.ones(4, dtype=np.int64), np.ones(4, dtype=np.int64)

    chosen = best_first_choices(vacancy, cohort, score, positions, places)

    assert total(chosen, score) == pytest.approx(brute_force_best(vacancy, cohort, score, positions, places))
    assert total(chosen, score) > first_come_greedy(vacancy, cohort, score, positions, places) + 0.5


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_each_vacancy_gets_at_most_k_ranked_suggestions(k):
    rows = [(0, c, s) for c, s in enumerate([0.3, 0.9, 0.5, 0.7, 0.1])]
    vacancy, cohort, score = arrays(rows)

    allocation = allocate(vacancy, cohort, score, np.array([1]), np.full(5, 9), k=k)

    assert ranked(allocation, vacancy, cohort) == {0: [1, 3, 2, 0, 4][:k]}
    assert allocation.rank.tolist() == list(range(1, k + 1))


@pytest.mark.parametrize("k", [2, 3, 4])
def test_after_its_first_choice_each_vacancy_gets_its_best_other_cohorts_ties_to_the_lower_cohort(k):
    rng = np.random.default_rng(5)
    vacancy = rng.integers(0, 40, 600)
    cohort = rng.integers(0, 30, 600)
    keep = np.unique(vacancy * 100 + cohort, return_index=True)[1]
    vacancy, cohort = vacancy[keep], cohort[keep]
    score = np.round(rng.random(len(vacancy)), 1)  # many ties
    positions, places = rng.integers(1, 4, 40), rng.integers(1, 4, 30)

    allocation = allocate(vacancy, cohort, score, positions, places, k=k)

    got = ranked(allocation, vacancy, cohort)
    for v, cohorts in got.items():
        first, mine = cohorts[0], np.flatnonzero(vacancy == v)
        others = sorted((-score[p], cohort[p]) for p in mine if cohort[p] != first)
        assert cohorts[1:] == [int(c) for _, c in others[: k - 1]]


def test_the_same_market_allocates_the_same_way_twice_even_with_tied_scores():
    rng = np.random.default_rng(11)
    vacancy = rng.integers(0, 30, 200)
    cohort = rng.integers(0, 12, 200)
    keep = np.unique(vacancy * 100 + cohort, return_index=True)[1]
    vacancy, cohort = vacancy[keep], cohort[keep]
    score = np.round(rng.random(len(vacancy)), 1)  # many ties
    positions, places = rng.integers(1, 4, 30), rng.integers(1, 5, 12)

    first = allocate(vacancy, cohort, score, positions, places, k=3)
    second = allocate(vacancy.copy(), cohort.copy(), score.copy(), positions.copy(), places.copy(), k=3)

    for name in ("pair", "rank", "unassigned"):
        assert np.array_equal(getattr(first, name), getattr(second, name)), name
    chosen = first.pair[first.rank == 1]
    assert_feasible(chosen, vacancy, cohort, positions, places)


def test_nothing_to_allocate_gives_nothing():
    empty = np.zeros(0, dtype=np.int64)

    allocation = allocate(empty, empty, np.zeros(0), np.array([1]), np.array([1]), k=3)

    assert len(allocation.pair) == len(allocation.unassigned) == 0


@pytest.mark.parametrize("initial_columns", [1, allocation_module.INITIAL_COLUMNS])
def test_first_choices_score_as_much_as_the_best_assignment_found_by_brute_force(monkeypatch, initial_columns):
    # One column per vacancy to start with makes the column generation bring the others in.
    monkeypatch.setattr(allocation_module, "INITIAL_COLUMNS", initial_columns)
    integer_programmes = 0
    milp = allocation_module.milp

    def counting_milp(*args, **kwargs):
        nonlocal integer_programmes
        integer_programmes += 1
        return milp(*args, **kwargs)

    monkeypatch.setattr(allocation_module, "milp", counting_milp)
    rng = np.random.default_rng(2026)
    for instance in range(200):
        n_v, n_c = int(rng.integers(1, 7)), int(rng.integers(1, 5))
        rows = [
            (v, int(c), float(rng.random()))
            for v in range(n_v)
            for c in rng.choice(n_c, size=int(rng.integers(1, n_c + 1)), replace=False)
        ]
        vacancy, cohort, score = arrays(rows)
        positions, places = rng.integers(1, 4, n_v), rng.integers(1, 6, n_c)

        chosen = best_first_choices(vacancy, cohort, score, positions, places)

        assert_feasible(chosen, vacancy, cohort, positions, places)
        best = brute_force_best(vacancy, cohort, score, positions, places)
        assert total(chosen, score) == pytest.approx(best, abs=1e-6), f"instance {instance}: {rows}"
    assert integer_programmes > 0, "no instance needed the integer programme: the property misses that path"


def whole_optimum(vacancy, cohort, score, positions, places) -> float:
    """The best total rank-1 score, from one integer programme over every pair (scipy's milp, no gap)."""
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    k = np.arange(len(vacancy))
    rows = sparse.vstack(
        [
            sparse.csr_matrix((np.ones(len(k)), (vacancy, k)), shape=(len(positions), len(k))),
            sparse.csr_matrix((np.asarray(positions)[vacancy], (cohort, k)), shape=(len(places), len(k))),
        ]
    )
    result = milp(
        c=-score,
        constraints=LinearConstraint(rows, ub=np.r_[np.ones(len(positions)), places]),
        integrality=np.ones(len(k)),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0},
    )
    return -result.fun


def random_market(rng: np.random.Generator, n_v: int, n_c: int, *, ties: bool):
    """A random market: each vacancy with some of the cohorts, 1–3 positions, 1–6 places per cohort."""
    rows = [
        (v, int(c), float(np.round(rng.random(), 1) if ties else rng.random()))
        for v in range(n_v)
        for c in rng.choice(n_c, size=int(rng.integers(1, n_c + 1)), replace=False)
    ]
    vacancy, cohort, score = arrays(rows)
    return vacancy, cohort, score, rng.integers(1, 4, n_v), rng.integers(1, 7, n_c)


@pytest.mark.parametrize("ties", [False, True])
def test_first_choices_equal_the_optimum_of_one_integer_programme_over_the_whole_market(ties):
    rng = np.random.default_rng(19)
    for instance in range(100):
        market = random_market(rng, int(rng.integers(2, 25)), int(rng.integers(1, 8)), ties=ties)
        vacancy, cohort, score, positions, places = market

        allocation = allocate(*market, k=3)
        again = allocate(*(a.copy() for a in market), k=3)

        chosen = allocation.pair[allocation.rank == 1]
        assert_feasible(chosen, vacancy, cohort, positions, places)
        assert total(chosen, score) == pytest.approx(whole_optimum(*market), abs=1e-6), f"instance {instance}"
        assert allocation.total == pytest.approx(total(chosen, score))
        assert allocation_module.optimality_gap(allocation.total, allocation.bound) == 0, f"instance {instance}"
        assert np.array_equal(allocation.pair, again.pair) and np.array_equal(allocation.rank, again.rank)


def test_a_large_group_made_whole_around_the_split_vacancies_stays_within_places_and_its_stated_gap(monkeypatch):
    # Every contested group goes the way only groups of hundreds of vacancies go in production.
    monkeypatch.setattr(allocation_module, "EXACT_GROUP_VACANCIES", 0)
    repairs = 0
    repair = allocation_module._repair_split

    def counting_repair(*args, **kwargs):
        nonlocal repairs
        repairs += 1
        return repair(*args, **kwargs)

    monkeypatch.setattr(allocation_module, "_repair_split", counting_repair)
    rng = np.random.default_rng(7)
    for instance in range(80):
        market = random_market(rng, int(rng.integers(5, 40)), int(rng.integers(2, 10)), ties=bool(instance % 2))
        vacancy, cohort, score, positions, places = market

        allocation = allocate(*market, k=3)

        chosen = allocation.pair[allocation.rank == 1]
        assert_feasible(chosen, vacancy, cohort, positions, places)
        best = whole_optimum(*market)
        # The bound is a true bound, and the stated gap covers the real shortfall.
        assert total(chosen, score) <= best + 1e-6 <= allocation.bound + 2e-6, f"instance {instance}"
        gap = allocation_module.optimality_gap(allocation.total, allocation.bound)
        assert best - total(chosen, score) <= gap * allocation.bound + 1e-6, f"instance {instance}"
        assert np.array_equal(allocation.pair, allocate(*market, k=3).pair)
    assert repairs > 0, "no instance had split vacancies: the property misses that path"


def test_the_best_possible_total_of_an_uncontested_market_is_what_each_vacancy_gets_from_its_own_best():
    vacancy, cohort, score = arrays([(0, 0, 0.9), (0, 1, 0.5), (1, 1, 0.7)])

    allocation = allocate(vacancy, cohort, score, np.array([1, 1]), np.array([5, 5]), k=3)

    assert allocation.total == allocation.bound == pytest.approx(1.6)


@pytest.mark.parametrize("seed", range(4))
def test_the_cohort_prices_prove_the_bound_every_assignment_stays_under(seed):
    """With the prices allocation returns, Σ_v max(0, max_c s_vc - q_v·p_c) + Σ_c places_c·p_c is the
    optimum of the linear relaxation (so no assignment found by brute force scores more)."""
    rng = np.random.default_rng(seed)
    n_v, n_c = 9, 4
    rows = [(v, c, float(rng.uniform(0.2, 1.0))) for v in range(n_v) for c in range(n_c) if rng.random() < 0.7]
    vacancy, cohort, score = arrays(rows)
    positions = rng.integers(1, 3, n_v)
    places = rng.integers(1, 4, n_c)

    allocation = allocate(vacancy, cohort, score, positions, places, tie=np.zeros(len(score)))

    assert (allocation.price >= 0).all() and allocation.price.any()  # places are scarce: some cost something
    dual = np.zeros(n_v)
    np.maximum.at(dual, vacancy, score - positions[vacancy] * allocation.price[cohort])
    proved = dual.sum() + (places * allocation.price).sum()
    relaxation = linprog(
        -score,
        A_ub=np.vstack([vacancy == np.arange(n_v)[:, None], (cohort == np.arange(n_c)[:, None]) * positions[vacancy]]),
        b_ub=np.r_[np.ones(n_v), places],
        bounds=(0, None),
    )
    assert proved == pytest.approx(-relaxation.fun, abs=1e-6)
    assert allocation.bound <= proved + 1e-6
    assert brute_force_best(vacancy, cohort, score, positions, places) <= allocation.bound + 1e-9
