"""The allocator as it was before issue 19 (an integer programme over every contested group), kept only so that
bench/matching.py can time it side by side with matching.ml.allocation on the same market. Not used by the service.
"""

import logging
from dataclasses import dataclass

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


def best_first_choices(
    vacancy: np.ndarray, cohort: np.ndarray, score: np.ndarray, positions: np.ndarray, places: np.ndarray
) -> np.ndarray:
    """Pair indices of the optimal first suggestions (at most one per vacancy, within places)."""
    n = len(vacancy)
    if not n:
        return np.zeros(0, dtype=np.int64)
    v_ids, v_local = np.unique(vacancy, return_inverse=True)
    c_ids, c_local = np.unique(cohort, return_inverse=True)
    n_v = len(v_ids)
    graph = sparse.coo_matrix((np.ones(n), (v_local, n_v + c_local)), shape=(n_v + len(c_ids),) * 2)
    _, label = connected_components(graph, directed=False)
    pair_group = label[v_local]
    chosen: list[np.ndarray] = []
    order = np.argsort(pair_group, kind="stable")
    bounds = np.flatnonzero(np.r_[True, pair_group[order][1:] != pair_group[order][:-1], True])
    for start, end in zip(bounds[:-1], bounds[1:], strict=True):
        pairs = order[start:end]
        chosen.append(
            _solve_group(pairs, v_local[pairs], c_local[pairs], score[pairs], positions, places, c_ids, v_ids)
        )
    return np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=np.int64)


def _own_best(v: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Local index of each vacancy's highest-scoring pair; ties go to the earlier pair, so runs repeat."""
    order = np.lexsort((np.arange(len(v)), -s, v))
    first = np.r_[True, v[order][1:] != v[order][:-1]]
    return order[first]


def _top_per_vacancy(v: np.ndarray, s: np.ndarray, n: int) -> np.ndarray:
    """A mask of each vacancy's n best pairs."""
    order = np.lexsort((-s, v))
    sorted_v = v[order]
    starts = np.flatnonzero(np.r_[True, sorted_v[1:] != sorted_v[:-1]])
    position = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    mask = np.zeros(len(v), dtype=bool)
    mask[order[position < n]] = True
    return mask


def _solve_group(
    pairs: np.ndarray,
    v: np.ndarray,
    c: np.ndarray,
    s: np.ndarray,
    positions: np.ndarray,
    places: np.ndarray,
    c_ids: np.ndarray,
    v_ids: np.ndarray,
) -> np.ndarray:
    demand = positions[v_ids[v]].astype(float)
    best = _own_best(v, s)
    load = np.bincount(c[best], weights=demand[best], minlength=len(c_ids))
    if np.all(load <= places[c_ids]):
        return pairs[best]  # nobody competes for places: each vacancy's own best is optimal
    # Contested: maximise Σ score·x with Σ_v x ≤ 1 per vacancy and Σ positions·x ≤ places per cohort.
    # A tiny tie-break towards earlier pairs keeps the optimum unique, so reruns agree.
    n = len(pairs)
    s = s + 1e-9 * (n - np.arange(n)) / n
    vs, v_row = np.unique(v, return_inverse=True)
    cs, c_row = np.unique(c, return_inverse=True)
    capacity = places[c_ids[cs]].astype(float)
    # Column generation: solve the LP over each vacancy's best few pairs, then bring in any pair
    # whose reduced cost says it would improve the LP, until none would. The LP is then optimal
    # over every pair, with far fewer columns.
    active = _top_per_vacancy(v_row, s, INITIAL_COLUMNS)
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
    if np.all((x < 1e-6) | (x > 1 - 1e-6)):
        return pairs[idx[x > 0.5]]  # the LP optimum is whole: it is the optimal assignment
    # Some vacancies are split between cohorts (possible when positions differ): solve the
    # integer programme over the columns the LP needed. That gives a lower bound; a pair left out
    # can be in a better assignment only if its reduced cost is at least (bound - LP optimum), by
    # LP duality, so bring those in and solve once more: the result is optimal over every pair.
    result = _milp(idx, v_row, c_row, s, demand, len(vs), capacity)
    if result.x is None:  # no solution in the time allowed: round the LP down, which stays feasible
        return pairs[idx[x > 1 - 1e-6]]
    could_improve = ~active & (reduced >= (-result.fun + lp.fun) - 1e-9)
    if could_improve.sum() > MAX_PROOF_COLUMNS:
        # Proving optimality would need a very large integer programme: keep this assignment,
        # which is within the LP gap of the optimum (logged), rather than stall the run.
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
    return pairs[idx[result.x > 0.5]]


def _milp(
    idx: np.ndarray,
    v_row: np.ndarray,
    c_row: np.ndarray,
    s: np.ndarray,
    demand: np.ndarray,
    n_v: int,
    capacity: np.ndarray,
) -> OptimizeResult:
    rows = _constraints(idx, v_row, c_row, demand, n_v, len(capacity))
    return milp(
        c=-s[idx],
        constraints=LinearConstraint(rows, ub=np.r_[np.ones(n_v), capacity]),
        integrality=np.ones(len(idx)),
        bounds=Bounds(0, 1),
        options={"time_limit": MILP_TIME_LIMIT_SECONDS},
    )


INITIAL_COLUMNS = 6
MAX_PROOF_COLUMNS = 5_000
MILP_TIME_LIMIT_SECONDS = 30


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
    result = linprog(-s[idx], A_ub=rows, b_ub=np.r_[np.ones(n_v), capacity], bounds=(0, None), method="highs")
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
) -> Allocation:
    """Rank each vacancy's candidates: the optimal first choice, then its next best up to K."""
    first = best_first_choices(vacancy, cohort, score, positions, places)
    assigned = np.zeros(len(positions), dtype=bool)
    assigned[vacancy[first]] = True
    is_first = np.zeros(len(vacancy), dtype=bool)
    is_first[first] = True
    keep = assigned[vacancy] if len(vacancy) else np.zeros(0, dtype=bool)
    idx = np.flatnonzero(keep)
    # Within each vacancy: its first choice, then by score, then by cohort for repeatability.
    order = idx[np.lexsort((cohort[idx], -score[idx], ~is_first[idx], vacancy[idx]))]
    group_start = np.r_[True, vacancy[order][1:] != vacancy[order][:-1]] if len(order) else np.zeros(0, dtype=bool)
    starts = np.maximum.accumulate(np.where(group_start, np.arange(len(order)), 0)) if len(order) else order
    rank = np.arange(len(order)) - starts + 1
    within = rank <= k
    with_candidates = np.unique(vacancy)
    return Allocation(order[within], rank[within], with_candidates[~assigned[with_candidates]])
