"""The region-wide pledge allocation on plain arrays: never more than a pledge holds, deprivation when short."""

import numpy as np

from matching.ml.pledges import DEPRIVATION_WEIGHT, PledgeOptions, allocate_pledges, deprivation_of


def options(vacancy, pledge, amount, score, deprivation=None, specificity=None) -> PledgeOptions:  # noqa: ANN001
    n = len(vacancy)
    return PledgeOptions(
        vacancy=np.array(vacancy),
        pledge=np.array(pledge),
        amount=np.array(amount, dtype=float),
        score=np.array(score, dtype=float),
        deprivation=np.zeros(n) if deprivation is None else np.array(deprivation, dtype=float),
        specificity=np.zeros(n) if specificity is None else np.array(specificity, dtype=float),
    )


def test_with_money_enough_every_vacancy_gets_its_best_pledge():
    opts = options([0, 0, 1], [0, 1, 0], [5000, 5000, 4000], [0.9, 0.9, 0.8], specificity=[0, 2, 0])

    chosen = allocate_pledges(opts, np.array([10000, 10000]))

    assert chosen.tolist() == [1, 2]  # vacancy 0 takes the narrower pledge 1


def test_never_more_than_a_pledge_holds_and_the_budget_is_used_best():
    rng = np.random.default_rng(7)
    for _ in range(50):
        n_v, n_p = 12, 3
        vac = np.repeat(np.arange(n_v), n_p)
        ple = np.tile(np.arange(n_p), n_v)
        amount = rng.choice([2500, 3600, 7200, 9000], size=n_v)[vac]
        opts = options(vac, ple, amount, rng.random(len(vac)), rng.random(n_v)[vac])
        budget = rng.choice([0, 5000, 12000, 20000], size=n_p).astype(float)

        chosen = allocate_pledges(opts, budget)

        spent = np.bincount(opts.pledge[chosen], weights=opts.amount[chosen], minlength=n_p)
        assert np.all(spent <= budget)
        assert len(set(opts.vacancy[chosen].tolist())) == len(chosen)  # one pledge a vacancy at most


def test_when_money_is_short_the_integer_programme_beats_greedy():
    # One pledge of £10,000: greedy takes the best single match (£9,000) and strands the rest;
    # two £5,000 vacancies together carry more score.
    opts = options([0, 1, 2], [0, 0, 0], [9000, 5000, 5000], [0.9, 0.6, 0.6])

    chosen = allocate_pledges(opts, np.array([10000.0]))

    assert chosen.tolist() == [1, 2]


def test_when_money_is_short_the_more_deprived_vacancy_wins_an_equal_match():
    opts = options([0, 1], [0, 0], [7200, 7200], [0.7, 0.7], deprivation=deprivation_of(np.array([3, 280])))

    chosen = allocate_pledges(opts, np.array([8000.0]))

    assert chosen.tolist() == [0]  # Knowsley-like rank 3 over a rank-280 area
    assert DEPRIVATION_WEIGHT > 0


def test_deprivation_runs_from_1_for_the_most_deprived_area_to_0():
    assert deprivation_of(np.array([1, 317, np.nan])).tolist() == [1.0, 0.0, 0.0]
