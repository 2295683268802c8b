"""Three-way matching: which levy-transfer pledge pays for which suggested (vacancy, cohort), region-wide.

Plain arrays. Each *option* is one open suggestion paired with one pledge whose criteria fit the
vacancy and whose money covers the transfer amount. Choose options so that

* each vacancy gets at most one pledge (on one of its suggestions),
* no pledge gives more than its `budget` (its remaining money less what pending applications ask), and
* the total weight of the chosen options is as large as possible, where an option's weight is

      score × (1 + DEPRIVATION_WEIGHT × deprivation)

  `score` is the suggestion's match score (0–1) and `deprivation` the vacancy's area, 0 (least
  deprived local authority in England) to 1 (most deprived): when money is short, a vacancy in a
  more deprived area wins over an equally good match elsewhere. A tiny bonus for a more specific
  pledge keeps broad pledges for the vacancies only they can fund.

When every vacancy's best option fits in its pledge's budget together with the others, that choice
is optimal and is taken as it is. Otherwise the budgets bind and the choice is an integer
programme (a multiple knapsack, `scipy.optimize.milp`): a plain flow can't express that a
vacancy takes a whole transfer amount or none of it.
"""

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

DEPRIVATION_WEIGHT = 0.5  # a vacancy in the most deprived area counts up to 1.5 times an equal match elsewhere
SPECIFICITY_BONUS = 1e-4  # per criterion a pledge sets: ties go to the narrower pledge
MILP_TIME_LIMIT_SECONDS = 30
LA_COUNT = 317  # IMD 2019 ranks local authorities 1 (most deprived) to 317


def deprivation_of(imd_rank: np.ndarray) -> np.ndarray:
    """0–1 from the local authority's IMD 2019 rank (1 = most deprived → 1.0); unknown ranks count 0."""
    rank = np.asarray(imd_rank, dtype=float)
    found = np.where(np.isnan(rank), 0.0, 1.0 - (rank - 1.0) / (LA_COUNT - 1.0))
    return np.clip(found, 0.0, 1.0)


@dataclass
class PledgeOptions:
    vacancy: np.ndarray  # option → vacancy row
    pledge: np.ndarray  # option → pledge row
    amount: np.ndarray  # pounds the pledge must hold for it
    score: np.ndarray  # the suggestion's match score
    deprivation: np.ndarray  # the vacancy's deprivation, 0–1
    specificity: np.ndarray  # criteria the pledge sets

    def weight(self) -> np.ndarray:
        return self.score * (1.0 + DEPRIVATION_WEIGHT * self.deprivation) + SPECIFICITY_BONUS * self.specificity


def allocate_pledges(options: PledgeOptions, budget: np.ndarray) -> np.ndarray:
    """Indices of the chosen options: at most one per vacancy, no pledge over its budget, most weight."""
    n = len(options.vacancy)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    budget = np.asarray(budget, dtype=float)
    affordable = options.amount <= budget[options.pledge] + 1e-9
    w = np.where(affordable, options.weight(), -np.inf)
    greedy = _best_per_vacancy(options.vacancy, w)
    spent = np.bincount(options.pledge[greedy], weights=options.amount[greedy], minlength=len(budget))
    if np.all(spent <= budget + 1e-9):
        return np.sort(greedy)
    return _milp(options, budget, np.flatnonzero(affordable))


def _best_per_vacancy(vacancy: np.ndarray, w: np.ndarray) -> np.ndarray:
    order = np.lexsort((-w, vacancy))  # by vacancy, best weight first
    first = np.r_[True, vacancy[order][1:] != vacancy[order][:-1]]
    chosen = order[first]
    return chosen[np.isfinite(w[chosen])]


def _milp(options: PledgeOptions, budget: np.ndarray, idx: np.ndarray) -> np.ndarray:
    if len(idx) == 0:
        return np.zeros(0, dtype=np.int64)
    vacancies, v_row = np.unique(options.vacancy[idx], return_inverse=True)
    k = np.arange(len(idx))
    one_each = sparse.csr_matrix((np.ones(len(idx)), (v_row, k)), shape=(len(vacancies), len(idx)))
    money = sparse.csr_matrix((options.amount[idx], (options.pledge[idx], k)), shape=(len(budget), len(idx)))
    result = milp(
        c=-options.weight()[idx],
        constraints=[LinearConstraint(one_each, ub=1), LinearConstraint(money, ub=budget)],
        integrality=np.ones(len(idx)),
        bounds=Bounds(0, 1),
        options={"time_limit": MILP_TIME_LIMIT_SECONDS},
    )
    if result.x is None:
        raise RuntimeError(f"pledge allocation failed: {result.message}")
    chosen = idx[result.x > 0.5]
    # Whatever the solver's tolerance, never more than a budget: drop the weakest over it (none expected).
    for p in np.unique(options.pledge[chosen]):
        mine = chosen[options.pledge[chosen] == p]
        while options.amount[mine].sum() > budget[p] + 1e-6:
            weakest = mine[np.argmin(options.weight()[mine])]
            chosen, mine = chosen[chosen != weakest], mine[mine != weakest]
    return np.sort(chosen)
