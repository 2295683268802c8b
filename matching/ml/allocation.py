"""Allocation: up to K ranked suggestions per vacancy, rank 1 respecting cohort places region-wide.

Rank 1 is an assignment that is optimal within a stated gap: it maximises the total score of first
suggestions subject to each vacancy having at most one, and the positions of the vacancies given a
cohort first never exceeding its places, and it reports the best possible total (`Allocation.bound`)
so that a run can say how far from it it may be. Vacancies and cohorts split into independent groups
(connected components of the candidate graph); a group where every vacancy can have its own best
cohort is solved directly (optimal); a contested group by linear programming with column generation
(scipy's HiGHS). The LP optimum is the bound. When it is whole it is the optimal assignment (always,
when every vacancy has one position: the LP is then a transportation problem, whose vertices are
whole). Otherwise some vacancies with several positions are split between cohorts:

* in a group of at most EXACT_GROUP_VACANCIES vacancies, an integer programme over the columns the LP
  needed, plus any pair whose reduced cost says it could still be in a better assignment (when there
  are at most MAX_PROOF_COLUMNS of those), makes it optimal (to HiGHS's MIP gap, whose dual bound is
  then the bound);
* in a larger group, proving optimality costs far more than it gains (an integer programme over
  tens of thousands of columns took most of a full run), so the LP's whole assignments are kept
  except around the split ones: the split vacancies, and every vacancy the LP placed in a cohort
  a split one touches, are re-assigned by a small integer programme over their LP columns (solved to
  within REPAIR_MIP_GAP of its own optimum), within the places the kept assignments leave. The result
  stays within the LP bound's stated gap (at England scale 0.08% of the total, and 0.013% below what
  the whole integer programme found).

Ranks 2..K are the vacancy's next best cohorts, as alternatives.
"""

import logging
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, linprog, milp
from scipy.sparse.csgraph import connected_components

logger = logging.getLogger(__name__)


@dataclass
class Allocation:
    pair: np.ndarray  # index into the candidate pairs, one per suggestion
    rank: np.ndarray  # 1..K
    unassigned: np.ndarray  # vacancy indices with candidates but no first suggestion (places taken)
    total: float = 0.0  # the rank-1 suggestions' total score
    bound: float = 0.0  # no assignment within places can score more than this in total
    # Each cohort's capacity price (indexed like `places`): the LP dual of its places, 0 where nobody
    # competes for them. Any prices p ≥ 0 bound every assignment's total by Σ_v max(0, max_c s_vc - q_v·p_c)
    # + Σ_c places_c·p_c; these make that bound the LP optimum, which a re-match of one vacancy builds on
    # (matching.ml.incremental.restricted_solve).
    price: np.ndarray = field(default_factory=lambda: np.zeros(0))


def optimality_gap(total: float, bound: float) -> float:
    """How far below the best possible total an allocation may be, as a share of that bound (0: optimal)."""
    if bound <= 0:
        return 0.0
    gap = (bound - total) / bound
    return 0.0 if gap < GAP_NOISE else gap


# A gap below one part in a million is reported as none: it is of the order of the solvers' own
# tolerances (HiGHS stops an integer programme within 1e-4 of its dual bound, which may then sit a
# little above a total that is in fact optimal) and of the 1e-9 tie-break per pair.
GAP_NOISE = 1e-6


def best_first_choices(
    vacancy: np.ndarray, cohort: np.ndarray, score: np.ndarray, positions: np.ndarray, places: np.ndarray
) -> np.ndarray:
    """Pair indices of the first suggestions (one per vacancy at most, within places), optimal within a stated gap."""
    return first_choices_bounded(vacancy, cohort, score, positions, places)[0]


def first_choices_bounded(
    vacancy: np.ndarray, cohort: np.ndarray, score: np.ndarray, positions: np.ndarray, places: np.ndarray
) -> tuple[np.ndarray, float]:
    """The first suggestions' pair indices, and the best total any assignment within places could reach."""
    first, bound, _ = _first_choices(vacancy, cohort, score, positions, places)
    return first, bound


def _first_choices(
    vacancy: np.ndarray,
    cohort: np.ndarray,
    score: np.ndarray,
    positions: np.ndarray,
    places: np.ndarray,
    price: np.ndarray | None = None,
    tie: np.ndarray | None = None,
) -> tuple[np.ndarray, float, np.ndarray]:
    """first_choices_bounded's answer, and every pair index in an order where each vacancy's pairs are a
    run, best first. Contested groups' cohort prices go into `price` (indexed like places) when given."""
    n = len(vacancy)
    if not n:
        return np.zeros(0, dtype=np.int64), 0.0, np.zeros(0, dtype=np.int64)
    if price is None:
        price = np.zeros(len(places))
    v_ids, v_local = _compact(vacancy, len(positions))
    c_ids, c_local = _compact(cohort, len(places))
    n_v = len(v_ids)
    graph = sparse.coo_matrix((np.ones(n), (v_local, n_v + c_local)), shape=(n_v + len(c_ids),) * 2)
    _, label = connected_components(graph, directed=False)
    # One sort for every group: pairs by group, then vacancy, then score (best first), then index,
    # so that within a group each vacancy's pairs are a run, best first, ties to the earlier pair.
    vacancy_rank = np.empty(n_v, dtype=np.int64)
    vacancy_rank[np.argsort(label[:n_v], kind="stable")] = np.arange(n_v)
    # One stable sort of complex keys, which NumPy orders by real part, then imaginary: half the time of
    # sorting by score, then by vacancy (two stable sorts of millions of pairs).
    order = np.argsort(vacancy_rank[v_local] - 1j * score, kind="stable")
    pair_group = label[v_local[order]]
    chosen: list[np.ndarray] = []
    bound = 0.0
    bounds = np.flatnonzero(np.r_[True, pair_group[1:] != pair_group[:-1], True])
    for start, end in zip(bounds[:-1], bounds[1:], strict=True):
        pairs = order[start:end]
        picked, group_bound = _solve_group(
            pairs,
            v_local[pairs],
            c_local[pairs],
            score[pairs],
            positions,
            places,
            c_ids,
            v_ids,
            price,
            tie[pairs] if tie is not None else None,
        )
        chosen.append(picked)
        bound += group_bound
    first = np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=np.int64)
    return first, max(bound, float(score[first].sum())), order


def _runs(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For pairs sorted by vacancy: where each vacancy's run starts, and each pair's place in its run."""
    starts = np.flatnonzero(np.r_[True, v[1:] != v[:-1]])
    place = np.arange(len(v)) - np.repeat(starts, np.diff(np.r_[starts, len(v)]))
    return starts, place


def _compact(c: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of c (all below n), and each entry's index among them, without sorting c
    (np.unique's answer in linear time: sorting millions of pairs' indexes cost seconds a run)."""
    present = np.zeros(n, dtype=bool)
    present[c] = True
    return np.flatnonzero(present), (np.cumsum(present) - 1)[c]


def _solve_group(
    pairs: np.ndarray,
    v: np.ndarray,
    c: np.ndarray,
    s: np.ndarray,
    positions: np.ndarray,
    places: np.ndarray,
    c_ids: np.ndarray,
    v_ids: np.ndarray,
    price: np.ndarray,
    tie: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """One group's first suggestions (pair indices) and the best total possible in the group; a
    contested group's cohort prices (its LP's duals) go into `price` (uncontested cohorts cost 0).

    Its pairs come sorted by vacancy, then score (best first), then pair index.
    """
    demand = positions[v_ids[v]].astype(float)
    starts, place = _runs(v)
    best = starts  # each vacancy's own best pair; ties to the earlier pair, so runs repeat
    load = np.bincount(c[best], weights=demand[best], minlength=len(c_ids))
    if np.all(load <= places[c_ids]):
        return pairs[best], float(s[best].sum())  # nobody competes for places: each vacancy's own best is optimal
    # Contested: maximise Σ score·x with Σ_v x ≤ 1 per vacancy and Σ positions·x ≤ places per cohort.
    original = s
    # A tiny tie-break keeps contested optima unique, so reruns agree: `tie_break` of each pair's ids
    # when given (a run's allocation gives it, so a group gets the same programme, and the same answer,
    # whichever chunk of a run or re-match solves it, and a re-solve of a few of its vacancies agrees);
    # otherwise towards earlier pairs, by each pair's place in the group.
    if tie is None:
        m = len(pairs)
        place_in_group = np.empty(m, dtype=np.int64)
        place_in_group[np.argsort(pairs, kind="stable")] = np.arange(m)
        tie = (m - place_in_group) / m
    s = s + TIE_BREAK * tie
    vs = v[starts]
    v_row = np.cumsum(np.r_[True, v[1:] != v[:-1]]) - 1
    cs, c_row = _compact(c, len(c_ids))
    capacity = places[c_ids[cs]].astype(float)
    # Column generation: solve the LP over each vacancy's best few pairs, then bring in any pair
    # whose reduced cost says it would improve the LP, until none would. The LP is then optimal
    # over every pair, with far fewer columns, and its optimum bounds every assignment's total.
    active = place < INITIAL_COLUMNS  # each vacancy's best few pairs
    while True:
        idx = np.flatnonzero(active)
        lp = _lp(idx, v_row, c_row, s, demand, len(vs), capacity)
        duals = -lp.ineqlin.marginals
        reduced = s - duals[v_row] - demand * duals[len(vs) + c_row]
        entering = ~active & (reduced > 1e-9)
        if not entering.any():
            break
        active |= entering
    x = lp.x
    bound = -lp.fun
    price[c_ids[cs]] = np.maximum(duals[len(vs) :], 0.0)
    whole = x > 1 - 1e-6
    if np.all((x < 1e-6) | whole):
        return pairs[idx[whole]], bound  # the LP optimum is whole: it is the optimal assignment
    if len(vs) > EXACT_GROUP_VACANCIES:
        chosen = _repair_split(idx, x, v_row, c_row, s, demand, len(vs), capacity)
        return pairs[chosen], max(bound, float(original[chosen].sum()))
    # Some vacancies are split between cohorts (possible when positions differ): solve the
    # integer programme over the columns the LP needed. That gives a lower bound; a pair left out
    # can be in a better assignment only if its reduced cost is at least (bound - LP optimum), by
    # LP duality, so bring those in and solve once more: the result is optimal over every pair.
    result = _milp(idx, v_row, c_row, s, demand, len(vs), capacity)
    if result.x is None:  # no solution in the time allowed: round the LP down, which stays feasible
        return pairs[idx[whole]], bound
    could_improve = ~active & (reduced >= (-result.fun + lp.fun) - 1e-9)
    proven = False
    if could_improve.sum() > MAX_PROOF_COLUMNS:
        # Proving optimality would need a very large integer programme: keep this assignment,
        # which is within the LP bound (recorded on the run), rather than stall the run.
        logger.info(
            "allocation: group of %d vacancies kept within %.4f of the LP bound (%d columns to prove it)",
            len(vs),
            result.fun - lp.fun,
            int(could_improve.sum()),
        )
    elif could_improve.any():
        wider = np.flatnonzero(active | could_improve)
        again = _milp(wider, v_row, c_row, s, demand, len(vs), capacity)
        if again.x is not None and again.fun <= result.fun:
            idx, result = wider, again
            proven = again.status == 0
    else:
        proven = result.status == 0
    if proven and result.mip_dual_bound is not None:
        # Every pair that could beat this assignment was in the programme: its dual bound holds for all.
        bound = min(bound, -float(result.mip_dual_bound))
    chosen = idx[result.x > 0.5]
    return pairs[chosen], max(bound, float(original[chosen].sum()))


def _repair_split(
    idx: np.ndarray,
    x: np.ndarray,
    v_row: np.ndarray,
    c_row: np.ndarray,
    s: np.ndarray,
    demand: np.ndarray,
    n_v: int,
    capacity: np.ndarray,
) -> np.ndarray:
    """A whole assignment from a split LP optimum: keep the LP's whole assignments, except the split
    vacancies and those placed in a cohort a split one touches, which a small integer programme
    re-assigns over their LP columns, within the places the kept ones leave (columns local to `idx`'s pairs)."""
    whole = x > 1 - 1e-6
    split = (x >= 1e-6) & ~whole
    touched = np.zeros(len(capacity), dtype=bool)
    touched[c_row[idx[split]]] = True
    free = np.zeros(n_v, dtype=bool)
    free[v_row[idx[split]]] = True
    free[v_row[idx[whole & touched[c_row[idx]]]]] = True
    kept = idx[whole & ~free[v_row[idx]]]
    left = capacity - np.bincount(c_row[kept], weights=demand[kept], minlength=len(capacity))
    columns = idx[free[v_row[idx]] & (demand[idx] <= left[c_row[idx]] + 1e-9)]
    if not len(columns):
        return kept
    vs, sub_v = np.unique(v_row[columns], return_inverse=True)
    cs, sub_c = np.unique(c_row[columns], return_inverse=True)
    result = _milp(
        np.arange(len(columns)), sub_v, sub_c, s[columns], demand[columns], len(vs), left[cs], gap=REPAIR_MIP_GAP
    )
    if result.x is None:  # nothing found in the time allowed: the LP's whole assignments stay feasible
        return np.sort(idx[whole])
    return np.sort(np.r_[kept, columns[result.x > 0.5]])


def _milp(
    idx: np.ndarray,
    v_row: np.ndarray,
    c_row: np.ndarray,
    s: np.ndarray,
    demand: np.ndarray,
    n_v: int,
    capacity: np.ndarray,
    *,
    gap: float = 1e-4,
) -> OptimizeResult:
    """The integer programme over columns `idx`, solved to within `gap` of its optimum (HiGHS's default 1e-4)."""
    rows = _constraints(idx, v_row, c_row, demand, n_v, len(capacity))
    return milp(
        c=-s[idx],
        constraints=LinearConstraint(rows, ub=np.r_[np.ones(n_v), capacity]),
        integrality=np.ones(len(idx)),
        bounds=Bounds(0, 1),
        options={"time_limit": MILP_TIME_LIMIT_SECONDS, "mip_rel_gap": gap},
    )


# Contested scores are raised by at most this to break ties: far below any real difference of scores,
# far above float64's resolution of a total (about 1e-16 relative).
TIE_BREAK = 1e-9


def tie_break(vacancy_id: np.ndarray, cohort_id: np.ndarray) -> np.ndarray:
    """A fixed pseudo-random number in [0, 1) for each (vacancy id, cohort id): SplitMix64 of the two.

    It depends on the pair alone, so any subset of a group is perturbed exactly as in the whole, and
    sums over different sets of pairs almost never tie (unlike a tie-break by order)."""
    x = (vacancy_id.astype(np.uint64) << np.uint64(32)) ^ cohort_id.astype(np.uint64)
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(11)).astype(float) * 2.0**-53


INITIAL_COLUMNS = 10  # fewer made the column generation iterate more; more made each LP slower (at England scale)
MAX_PROOF_COLUMNS = 5_000
# Larger contested groups are made whole around the LP's split vacancies instead of by an integer
# programme over every column: at England scale that halved the allocation's CPU time, for a stated
# gap (bench/matching.py).
EXACT_GROUP_VACANCIES = 60
MILP_TIME_LIMIT_SECONDS = 30
# The repair's own integer programme stops within 0.1% of its optimum rather than HiGHS's 0.01%: its
# result is measured against the LP bound anyway, and at England scale this cut the repair's time by a
# quarter for a stated gap of 7.80e-4 instead of 7.79e-4 (bench/matching.py's market).
REPAIR_MIP_GAP = 1e-3


def _constraints(
    idx: np.ndarray, v_row: np.ndarray, c_row: np.ndarray, demand: np.ndarray, n_v: int, n_c: int
) -> sparse.csr_matrix:
    k = np.arange(len(idx))
    per_vacancy = sparse.csr_matrix((np.ones(len(idx)), (v_row[idx], k)), shape=(n_v, len(idx)))
    per_cohort = sparse.csr_matrix((demand[idx], (c_row[idx], k)), shape=(n_c, len(idx)))
    return sparse.vstack([per_vacancy, per_cohort]).tocsr()


def _lp(
    idx: np.ndarray,
    v_row: np.ndarray,
    c_row: np.ndarray,
    s: np.ndarray,
    demand: np.ndarray,
    n_v: int,
    capacity: np.ndarray,
) -> OptimizeResult:
    rows = _constraints(idx, v_row, c_row, demand, n_v, len(capacity))
    result = linprog(-s[idx], A_ub=rows, b_ub=np.r_[np.ones(n_v), capacity], bounds=(0, None), method="highs-ipm")
    if result.status != 0:
        raise RuntimeError(f"allocation LP failed: {result.message}")
    return result


def allocate(
    vacancy: np.ndarray,
    cohort: np.ndarray,
    score: np.ndarray,
    positions: np.ndarray,
    places: np.ndarray,
    *,
    k: int = 3,
    tie: np.ndarray | None = None,
) -> Allocation:
    """Rank each vacancy's candidates: the first choice (optimal within the stated gap), then its next best up to K.

    `tie`: each pair's tie-break in [0, 1) (`tie_break` of its vacancy and cohort ids), for contested groups.
    """
    price = np.zeros(len(places))
    first, bound, by_vacancy = _first_choices(vacancy, cohort, score, positions, places, price, tie)
    assigned = np.zeros(len(positions), dtype=bool)
    assigned[vacancy[first]] = True
    is_first = np.zeros(len(vacancy), dtype=bool)
    is_first[first] = True
    idx = _near_the_top(by_vacancy, vacancy, score, k)
    idx = np.union1d(idx[assigned[vacancy[idx]]], first)
    # Within each vacancy: its first choice, then by score, then by cohort for repeatability.
    order = idx[np.lexsort((cohort[idx], -score[idx], ~is_first[idx], vacancy[idx]))]
    group_start = np.r_[True, vacancy[order][1:] != vacancy[order][:-1]] if len(order) else np.zeros(0, dtype=bool)
    starts = np.maximum.accumulate(np.where(group_start, np.arange(len(order)), 0)) if len(order) else order
    rank = np.arange(len(order)) - starts + 1
    within = rank <= k
    with_candidates = _compact(vacancy, len(positions))[0]
    return Allocation(
        order[within],
        rank[within],
        with_candidates[~assigned[with_candidates]],
        total=float(score[first].sum()),
        bound=bound,
        price=price,
    )


def _near_the_top(by_vacancy: np.ndarray, vacancy: np.ndarray, score: np.ndarray, k: int) -> np.ndarray:
    """The pairs that can be among their vacancy's K ranked suggestions besides its first: those scoring at
    least its (K+1)th best. (One of the K-1 best others has at most K-1 pairs, the first included, scoring
    more.) Ranking only these, not every pair, spares sorting millions of pairs in the biggest standards.

    `by_vacancy`: every pair index, each vacancy's pairs a run, best first.
    """
    if not len(by_vacancy):
        return by_vacancy
    starts, place = _runs(vacancy[by_vacancy])
    lengths = np.diff(np.r_[starts, len(by_vacancy)])
    cut = np.where(lengths > k, score[by_vacancy[starts + np.minimum(k, lengths - 1)]], -np.inf)
    return by_vacancy[(place <= k) | (score[by_vacancy] >= np.repeat(cut, lengths))]
