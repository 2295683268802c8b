"""Re-matching one vacancy without re-solving its standard: when the stored rank 1s provably stay optimal,
or a few vacancies re-solved against the cohorts' prices provably keep the optimum.

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

**A contested change: priced.** When places are contested, `restricted_solve` re-solves only the
vacancies R the change reaches, against the capacity prices p ≥ 0 the last allocation left on each
cohort (`matching.ml.allocation.Allocation.price`). For any prices, every assignment's total is at
most D(p) = Σ_w u_w(p) + Σ_c places_c·p_c, with u_w(p) = max(0, max_c s_wc - q_w·p_c); the LP's own
prices make D(p) the LP optimum, the bound a run records. R starts as the vacancy and the cohort C it
gains most at (and the one it held); every vacancy holding a first suggestion in C joins R (so C's
places are all R's), and any cohort outside C where a member would gain more than its new dual u'_w
joins C, until none would. The restricted LP keeps p' ≥ p on C's guarded cohorts (they may give
places back at their old price), so no vacancy outside R gains more there than it did. A guarded
cohort left with places nobody in R wants at a positive price (a vacancy leaving it, say) is
unguarded: its price may fall, so every vacancy of the standard that could take it is scored on
that one pair, and any that would gain more there, at the new price, than its stored rank 1 leaves
it (a least value of u_w(p)) joins R, with the cohort it holds. Then D(p') ≤ D(p) + Σ_R (u'_w -
u_w(p)) + Σ_C places_c·(p'_c - p_c), with no need to score the rest. The re-solve is kept when that
bound moved no more than the total did: the slack between the total and the bound, the gap the
last run recorded (0 when it was optimal), does not grow; in a standard that run left within its
stated MIP gap (REPAIR_MIP_GAP, a large contested group), the slack may grow up to that gap of the
bound, and the re-match records the gap it leaves, as a run does. Otherwise (an integer re-solve of
vacancies with several positions that the LP split, say) the component is re-solved.

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
    price: np.ndarray  # per cohort of C: p'_c (never below its stored price where it may give places back)
    given_back: np.ndarray  # per cohort of C: places given back at the stored price (unused, yet priced)
    value: float  # the restricted LP's optimum: Σ u'_w + Σ places_c·p'_c
    total: float  # the first pairs' total score


def restricted_solve(
    vacancy: np.ndarray,
    cohort: np.ndarray,
    score: np.ndarray,
    positions: np.ndarray,
    places: np.ndarray,
    price: np.ndarray,
    guarded: np.ndarray,
) -> Restricted | None:
    """Re-solve vacancies R over cohorts C, everyone else staying where they are, against the prices.

    vacancy[k], cohort[k], score[k]: R's pairs into C (indices into `positions` and into `places`,
    `price` and `guarded`: C's places, stored prices and whether each is guarded). Every vacancy
    holding a first suggestion in C is in R, so C's places are all R's. A guarded cohort may
    "give back" places at its stored price, so its new price p' never falls below the stored one:
    every vacancy outside R, whose pairs satisfied u_w ≥ s_wc - q_w·p_c, still does with p', and
    the prices stay a proof for them without scoring them. An unguarded cohort's price may fall:
    the caller then checks every vacancy that could take it (`matching.services.rematch`).

    The LP is a transportation problem when every vacancy has one position (whole, so optimal);
    otherwise its split vacancies are made whole by a small integer programme, and the slack that
    leaves shows in the bound the caller checks. None if the LP found no optimum within SOLVE_SECONDS.
    """
    n_v, n_c, n = len(positions), len(places), len(vacancy)
    if not n:  # nobody can move: every vacancy of R is left without a first suggestion
        kept = price.astype(float) * guarded
        return Restricted(np.full(n_v, -1, dtype=np.int64), np.zeros(n_v), kept, places * guarded, 0.0, 0.0)
    columns = np.arange(n)
    q = positions[vacancy].astype(float)
    sells = np.flatnonzero(guarded)
    give_back = sparse.csr_matrix((np.ones(len(sells)), (sells, np.arange(len(sells)))), shape=(n_c, len(sells)))
    rows = sparse.vstack(
        [
            sparse.hstack(
                [
                    sparse.csr_matrix((np.ones(n), (vacancy, columns)), shape=(n_v, n)),
                    sparse.csr_matrix((n_v, len(sells))),
                ]
            ),
            sparse.hstack([sparse.csr_matrix((q, (cohort, columns)), shape=(n_c, n)), give_back]),
        ]
    ).tocsr()
    objective = -np.r_[score, price[sells]]
    upper = np.r_[np.ones(n_v), places.astype(float)]
    lp = linprog(
        objective, A_ub=rows, b_ub=upper, bounds=(0, None), method="highs", options={"time_limit": SOLVE_SECONDS}
    )
    if lp.status != 0:
        return None  # no optimum in the time allowed: the caller re-solves the component instead
    duals = np.maximum(-lp.ineqlin.marginals, 0.0)
    x = lp.x[:n]
    if not np.all((x < 1e-6) | (x > 1 - 1e-6)):
        whole = milp(
            c=objective,
            constraints=LinearConstraint(rows, ub=upper),
            integrality=np.r_[np.ones(n), np.zeros(len(sells))],
            bounds=Bounds(0, np.r_[np.ones(n), np.full(len(sells), np.inf)]),
            options={"time_limit": SOLVE_SECONDS},
        )
        x = whole.x[:n] if whole.x is not None else np.where(x > 1 - 1e-6, 1.0, 0.0)
    first = np.full(n_v, -1, dtype=np.int64)
    chosen = np.flatnonzero(x > 0.5)
    first[vacancy[chosen]] = chosen
    used = np.bincount(cohort[chosen], weights=q[chosen], minlength=n_c)
    new_price = duals[n_v:]
    new_price[sells] = np.maximum(new_price[sells], price[sells])
    return Restricted(
        first=first,
        dual=duals[:n_v],
        price=new_price,
        given_back=np.where(guarded, places - used, 0.0),
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
SOLVE_SECONDS = 2.0  # a re-solve taking longer than this is no quicker than the component's
