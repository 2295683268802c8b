"""One matching pass over a market: candidates → features → scores → allocation, as arrays."""

import io
import time
from dataclasses import dataclass, field

import numpy as np

from matching.ml.allocation import TIE_BREAK, Allocation, allocate, optimality_gap, tie_break
from matching.ml.candidates import Candidates, GapReason, candidate_pairs
from matching.ml.features import FEATURES, pair_features, text_vectors
from matching.ml.market import Market
from matching.ml.scoring import Matcher
from matching.ml.travel import travel_limit

SCORE_SLICE = 500_000  # candidate pairs scored at once
GAP_CODES = [
    GapReason.NO_PROVIDER,
    GapReason.OUT_OF_REACH,
    GapReason.NO_COHORT_IN_WINDOW,
    GapReason.NO_PLACES,
    GapReason.ALL_REJECTED,
    GapReason.OUT_OF_REACH_BY_TRANSPORT,
]


# MatchResult's arrays with one row per suggestion.
SUGGESTION_ARRAYS = ["vacancy_id", "cohort_id", "offer_id", "score", "rank", "features", "contributions"]


@dataclass
class MatchResult:
    vacancy_id: np.ndarray
    cohort_id: np.ndarray
    offer_id: np.ndarray
    score: np.ndarray
    rank: np.ndarray
    features: np.ndarray  # suggestions × FEATURES
    contributions: np.ndarray  # suggestions × FEATURES
    gap_vacancy_id: np.ndarray
    gap_reason: np.ndarray  # index into GAP_CODES
    counts: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    # The first suggestions' total score, and the best total possible ("first_total", "first_bound").
    quality: dict = field(default_factory=dict)
    # The market's cohorts and their capacity prices (matching.ml.allocation.Allocation.price).
    price_cohort_id: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    price: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # Each standard's D(p) - total at those prices (matching.models.StandardSlack).
    slack_standard_id: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    slack: np.ndarray = field(default_factory=lambda: np.zeros(0))
    slack_bound: np.ndarray = field(default_factory=lambda: np.zeros(0))  # and D(p)

    @property
    def optimality_gap(self) -> float:
        """How far the first suggestions may be below the best possible total, as a share of it."""
        return optimality_gap(self.quality.get("first_total", 0.0), self.quality.get("first_bound", 0.0))

    def dumps(self) -> bytes:
        buffer = io.BytesIO()
        arrays = {k: v for k, v in self.__dict__.items() if isinstance(v, np.ndarray)}
        counts = np.array(list(self.counts.values()), dtype=np.int64)
        timings = np.array(list(self.timings.values()), dtype=float)
        np.savez_compressed(
            buffer,
            **arrays,
            counts=counts,
            count_names=np.array(list(self.counts)),
            timings=timings,
            timing_names=np.array(list(self.timings)),
            quality=np.array(list(self.quality.values()), dtype=float),
            quality_names=np.array(list(self.quality)),
        )
        return buffer.getvalue()

    @classmethod
    def loads(cls, data: bytes, *, suggestions: bool = True) -> "MatchResult":
        """The result `dumps` wrote; without its suggestions' rows (left compressed) unless `suggestions`."""
        with np.load(io.BytesIO(data), allow_pickle=False) as stored:
            arrays = {
                name: stored[name] if suggestions or name not in SUGGESTION_ARRAYS else _no_rows(name)
                for name in stored.files
            }
        counts = dict(zip(arrays.pop("count_names").tolist(), arrays.pop("counts").tolist(), strict=True))
        timings = dict(zip(arrays.pop("timing_names").tolist(), arrays.pop("timings").tolist(), strict=True))
        quality = dict(
            zip(
                arrays.pop("quality_names", np.zeros(0)).tolist(),
                arrays.pop("quality", np.zeros(0)).tolist(),
                strict=True,
            )
        )  # absent from results stored before it was recorded
        return cls(**arrays, counts=counts, timings=timings, quality=quality)


def _no_rows(name: str) -> np.ndarray:
    """An empty suggestions array for `name` (one of SUGGESTION_ARRAYS)."""
    if name in ("features", "contributions"):
        return np.zeros((0, len(FEATURES)))
    return np.zeros(0, dtype=float if name == "score" else np.int64)


def match_market(market: Market, matcher: Matcher, *, k: int, days_before: int, days_after: int) -> MatchResult:
    """Suggestions (up to K per vacancy, rank 1 within places) and gaps for one market."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - clock
        clock = now

    candidates = travel_limit(market, candidate_pairs(market, days_before=days_before, days_after=days_after))
    lap("candidates")
    # Scores for every pair, a slice at a time so memory stays flat; features are kept only for
    # the pairs that become suggestions.
    vectors = text_vectors(matcher.vectorizer, market)
    scores = np.empty(len(candidates))
    for start in range(0, len(candidates), SCORE_SLICE):
        part = slice(start, start + SCORE_SLICE)
        X = pair_features(market, candidates.subset(part), vectors)
        lap("features")
        scores[part], _ = matcher.score(X)
        lap("score")
    vac, coh = market.vacancies, market.cohorts
    tie = tie_break(vac.id[candidates.vacancy], coh.id[candidates.cohort])
    allocation = allocate(candidates.vacancy, candidates.cohort, scores, vac.positions, coh.places, k=k, tie=tie)
    slack_standard_id, slack, slack_bound = _slack_by_standard(market, candidates, scores + TIE_BREAK * tie, allocation)
    lap("allocation")
    pair = allocation.pair
    X = pair_features(market, candidates.subset(pair), vectors)
    _, contributions = matcher.score(X)
    lap("features")
    gaps = dict(candidates.gaps)
    gaps.update(dict.fromkeys(allocation.unassigned.tolist(), GapReason.NO_PLACES))
    gap_idx = np.array(sorted(gaps), dtype=np.int64)
    return MatchResult(
        vacancy_id=vac.id[candidates.vacancy[pair]],
        cohort_id=coh.id[candidates.cohort[pair]],
        offer_id=market.offers.id[candidates.offer[pair]],
        score=scores[pair],
        rank=allocation.rank.astype(np.int64),
        features=X,
        contributions=contributions,
        gap_vacancy_id=vac.id[gap_idx] if len(gap_idx) else np.zeros(0, dtype=np.int64),
        gap_reason=np.array([GAP_CODES.index(gaps[i]) for i in gap_idx.tolist()], dtype=np.int64),
        counts={
            "vacancies": len(vac),
            "offers": len(market.offers),
            "cohorts": len(coh),
            "candidates": len(candidates),
            "suggestions": len(pair),
            "gaps": len(gap_idx),
        },
        timings=timings,
        quality={"first_total": allocation.total, "first_bound": allocation.bound},
        price_cohort_id=coh.id,
        price=allocation.price,
        slack_standard_id=slack_standard_id,
        slack=slack,
        slack_bound=slack_bound,
    )


def _slack_by_standard(
    market: Market, candidates: Candidates, broken: np.ndarray, allocation: Allocation
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each standard's D(p) - total, and D(p), at the allocation's prices (matching.ml.incremental): how far its
    rank 1s may be below the best possible, scores with their tie-break (0 when optimal, to the LP's
    tolerance; the integer programme's shortfall where the LP split vacancies)."""
    vac, coh = market.vacancies, market.cohorts
    cohort_standard = market.offers.standard[coh.offer]
    standards, where = np.unique(np.r_[vac.standard, cohort_standard], return_inverse=True)
    vacancy_at, cohort_at = where[: len(vac)], where[len(vac) :]
    dual = np.zeros(len(vac))
    gain = broken - vac.positions[candidates.vacancy] * allocation.price[candidates.cohort]
    np.maximum.at(dual, candidates.vacancy, gain)
    first = allocation.pair[allocation.rank == 1]
    n = len(standards)
    bound = np.bincount(vacancy_at, weights=dual, minlength=n).astype(float)
    bound += np.bincount(cohort_at, weights=coh.places * allocation.price, minlength=n)
    total = np.bincount(vacancy_at[candidates.vacancy[first]], weights=broken[first], minlength=n).astype(float)
    return standards, np.maximum(bound - total, 0.0), bound


def merge_results(results: list[MatchResult]) -> MatchResult:
    """Several chunks' results as one (chunks never share a vacancy or a cohort)."""
    arrays = {}
    for name in [
        "vacancy_id",
        "cohort_id",
        "offer_id",
        "score",
        "rank",
        "gap_vacancy_id",
        "gap_reason",
        "price_cohort_id",
        "price",
        "slack_standard_id",
        "slack",
        "slack_bound",
    ]:
        parts = [getattr(r, name) for r in results]
        arrays[name] = np.concatenate(parts) if parts else np.zeros(0)
    for name in ["features", "contributions"]:
        parts = [getattr(r, name) for r in results]
        arrays[name] = np.concatenate(parts) if parts else np.zeros((0, len(FEATURES)))
    counts: dict[str, int] = {}
    timings: dict[str, float] = {}
    quality: dict[str, float] = {}
    for r in results:
        for key, value in r.counts.items():
            counts[key] = counts.get(key, 0) + value
        for key, value in r.timings.items():
            timings[key] = timings.get(key, 0.0) + value
        for key, value in r.quality.items():  # chunks share no cohort: totals and bounds add up
            quality[key] = quality.get(key, 0.0) + value
    return MatchResult(**arrays, counts=counts, timings=timings, quality=quality)
