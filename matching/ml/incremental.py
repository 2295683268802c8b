"""Re-matching one vacancy without re-solving its standard: when the stored rank 1s provably stay optimal.

The stored rank-1 suggestions of a standard are an optimal assignment A of its market M (every
run, full or incremental, leaves one behind). One vacancy v changes: it joins the market, leaves
it, or changes in place (its scores, its positions). Everyone else stays where A put them, so
the only question is where v goes, and whether that keeps the optimum of the new market M'.

**The bound.** Take any assignment X of M' and let d be v's cohort in X (or none):

* v at none: X is an assignment of M too, so value(X) ≤ value(A).
* v at d, where d was already a candidate of v in M with the score s_d, and v asks for no fewer
  positions than before: X with v's old demand fits M too, so value(X) ≤ value(A) - s_d + s'_d.
* v at any other d: X without v is an assignment of M (v at none), so value(X) ≤ value(A) + s'_d.

So value(X) ≤ value(A) + G with G = max(0, max_d g_d), g_d = s'_d - s_d where the old score is
known (and the positions did not go down), s'_d otherwise (s_d ≥ 0, so that bound holds anyway).

**The direct path.** Leaving everyone else where A put them, v may take any cohort d with room for
it (the places left after the other rank 1s), giving value(A) - s_old + s'_d, where s_old is v's old
rank-1 score (0 when v had none or is new); or none, giving value(A) - s_old. When the best of those
reaches the bound, it is optimal for M'. For a new vacancy this is "its best cohort has room"; for
one leaving the market, "it held no rank 1"; for one that changed in place, "its old cohort still
suits it best, relative to before". Otherwise places are contested, and the caller re-solves the
component(s) of the candidate graph the change touches (`touched_vacancies`).

**Within a stated gap.** A large contested group is allocated within a gap of its optimum
(`matching.ml.allocation`; the run records it). The argument above then holds with OPT(M) in place
of value(A): OPT(M') ≤ OPT(M) + G, and the direct choice reaches value(A) + G ≥ OPT(M') − (OPT(M) −
value(A)). So a direct re-match never widens the shortfall the last run recorded.
"""

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse.csgraph import connected_components

TOLERANCE = 1e-12  # scores are float64 sums of a dozen terms: equal optima agree far closer than this


@dataclass
class Direct:
    """v's rank 1 on the direct path: the index of its pair (into the arrays given), or -1 for none."""

    pair: int
    bound: float  # G: how much the optimum can have moved
    gain: float  # what the direct choice moves it by (equal to bound when it was taken)


def direct_choice(
    new_score: np.ndarray,
    room: np.ndarray,
    positions: int,
    *,
    old_rank1_score: float,
    old_score: np.ndarray,
) -> Direct | None:
    """v's rank 1 when leaving every other vacancy where it is provably keeps the optimum, else None.

    new_score[k], room[k], old_score[k]: v's k-th candidate pair now (its score), the places its
    cohort has left after the other rank 1s, and v's score for that cohort before the change (NaN
    where unknown, or where v now asks for fewer positions than before). Pairs come in candidate
    order; among equal choices the earlier pair wins, as allocation's tie-break does.
    """
    if not len(new_score):
        return Direct(-1, 0.0, -old_rank1_score) if old_rank1_score <= TOLERANCE else None
    gains = np.where(np.isnan(old_score), new_score, new_score - old_score)
    bound = max(0.0, float(gains.max()))
    fits = np.flatnonzero(room >= positions)
    if len(fits):
        best = int(fits[np.argmax(new_score[fits])])  # argmax: the first of equal scores
        gain = float(new_score[best]) - old_rank1_score
        if gain >= bound - TOLERANCE:
            return Direct(best, bound, gain)
    if -old_rank1_score >= bound - TOLERANCE:
        return Direct(-1, bound, -old_rank1_score)
    return None


def touched_vacancies(
    vacancy: np.ndarray,
    cohort: np.ndarray,
    n_vacancies: int,
    n_cohorts: int,
    *,
    vacancies: list[int],
    cohorts: list[int],
) -> np.ndarray:
    """Indices of the vacancies in the connected components (of the candidate graph) holding any of
    these vacancies or cohorts: the only part of the standard whose optimum a change there can move.

    Components share no cohort, so the optimum of each is independent of the others: one the
    change does not reach keeps its stored assignment, which was optimal for it before.
    """
    if not len(vacancy) and not vacancies:
        return np.zeros(0, dtype=np.int64)
    n = n_vacancies + n_cohorts
    graph = sparse.coo_matrix((np.ones(len(vacancy)), (vacancy, n_vacancies + cohort)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    wanted = {int(label[v]) for v in vacancies} | {int(label[n_vacancies + c]) for c in cohorts}
    return np.flatnonzero(np.isin(label[:n_vacancies], sorted(wanted)))


# --- A contested change: a small re-solve, proved against the cohorts' capacity prices ---------


@dataclass
class Restricted:
    """The re-solve of a few vacancies R over a few cohorts C (see `restricted_solve`)."""

    first: np.ndarray  # per vacancy of R: the index of its first pair (into the pairs given), or -1
    dual: np.ndarray  # per vacancy of R: u'_w
    price: np.ndarray  # per cohort of C: p'_c (never below its stored price)
    value: float  # the restricted LP's optimum: Σ u'_w + Σ places_c·p'_c
    total: float  # the first pairs' total score


def restricted_solve(
    vacancy: np.ndarray,
    cohort: np.ndarray,
    score: np.ndarray,
    positions: np.ndarray,
    places: np.ndarray,
    price: np.ndarray,
) -> Restricted:
    """Re-solve vacancies R over cohorts C, everyone else staying where they are, against the prices.

    vacancy[k], cohort[k], score[k]: R's pairs into C (indices into `positions` and into `places`
    and `price`, C's places and stored prices). Every vacancy holding a first suggestion in C is in
    R, so C's places are all R's. Each cohort may also "sell" places back at its stored price, so
    the LP's new prices p' never fall below the stored ones: then every vacancy outside R, whose
    pairs satisfied u_w ≥ s_wc - q_w·p_c, still does with p', and the prices stay a proof for them
    without scoring them (`matching.services.rematch` checks R's own pairs outside C).

    The LP is a transportation problem when every vacancy has one position (whole, so optimal);
    otherwise its split vacancies are made whole by a small integer programme, and the slack that
    leaves shows in the bound the caller checks.
    """
    n_v, n_c, n = len(positions), len(places), len(vacancy)
    if not n:  # nobody can move: every vacancy of R is left without a first suggestion
        return Restricted(np.full(n_v, -1, dtype=np.int64), np.zeros(n_v), price.astype(float), 0.0, 0.0)
    columns = np.arange(n)
    q = positions[vacancy].astype(float)
    rows = sparse.vstack(
        [
            sparse.hstack(
                [sparse.csr_matrix((np.ones(n), (vacancy, columns)), shape=(n_v, n)), sparse.csr_matrix((n_v, n_c))]
            ),
            sparse.hstack([sparse.csr_matrix((q, (cohort, columns)), shape=(n_c, n)), sparse.identity(n_c)]),
        ]
    ).tocsr()
    objective = -np.r_[score, price]
    upper = np.r_[np.ones(n_v), places.astype(float)]
    lp = linprog(objective, A_ub=rows, b_ub=upper, bounds=(0, None), method="highs")
    if lp.status != 0:
        raise RuntimeError(f"restricted LP failed: {lp.message}")
    duals = np.maximum(-lp.ineqlin.marginals, 0.0)
    x = lp.x[:n]
    if not np.all((x < 1e-6) | (x > 1 - 1e-6)):
        whole = milp(
            c=objective,
            constraints=LinearConstraint(rows, ub=upper),
            integrality=np.r_[np.ones(n), np.zeros(n_c)],
            bounds=Bounds(0, np.r_[np.ones(n), np.full(n_c, np.inf)]),
        )
        x = whole.x[:n] if whole.x is not None else np.where(x > 1 - 1e-6, 1.0, 0.0)
    first = np.full(n_v, -1, dtype=np.int64)
    chosen = np.flatnonzero(x > 0.5)
    first[vacancy[chosen]] = chosen
    return Restricted(
        first=first,
        dual=duals[:n_v],
        price=np.maximum(duals[n_v:], price),
        value=-float(lp.fun),
        total=float(score[chosen].sum()),
    )


def reduced_gain(score: np.ndarray, positions: np.ndarray, price: np.ndarray) -> np.ndarray:
    """s_vc - q_v·p_c for each pair (positions and prices given per pair): what it would gain at those prices."""
    return score - positions * price


def vacancy_duals(vacancy: np.ndarray, gain: np.ndarray, n_vacancies: int) -> np.ndarray:
    """u_w = max(0, max_c gain_wc) per vacancy: the least value each can take in a bound with those prices."""
    dual = np.zeros(n_vacancies)
    np.maximum.at(dual, vacancy, gain)
    return dual


def most_violated(vacancy: np.ndarray, cohort: np.ndarray, gain: np.ndarray, dual: np.ndarray) -> np.ndarray:
    """The cohorts (sorted) where some vacancy gains more than its dual: for each such vacancy, its most
    violated one (gain[k] - dual[vacancy[k]] > TOLERANCE_PROOF). None left: the prices are a proof."""
    over = gain - dual[vacancy]
    wanted = np.flatnonzero(over > TOLERANCE_PROOF)
    if not len(wanted):
        return np.zeros(0, dtype=np.int64)
    order = wanted[np.lexsort((-over[wanted], vacancy[wanted]))]
    firsts = order[np.r_[True, vacancy[order][1:] != vacancy[order][:-1]]]
    return np.unique(cohort[firsts])


# The restricted LP's duals are exact to HiGHS's tolerances (1e-7 relative): a pair gaining less than
# this over its vacancy's dual is no violation, and a bound moving by less has not moved.
TOLERANCE_PROOF = 1e-7
