"""Re-matching one vacancy that joined the market, left it or changed in place, without its whole standard.

`vacancy_rematch` loads only the vacancy, its standard's open offers and cohorts, and the rank-1
loads of its candidate cohorts from the open suggestions; it scores only the vacancy's pairs
(before and after the change, when the change says what it was). Where leaving every other
vacancy as it is provably keeps the optimum (`matching.ml.incremental.direct_choice` says why), it
writes only that vacancy's suggestions. Where places are contested, it re-solves the few vacancies
the change reaches (those holding the cohorts it wants, and so on) against the capacity prices the
last solve kept (`CohortPrice`), and writes their rows when the prices prove that keeps the optimum
(`matching.ml.incremental.restricted_solve`). Otherwise it re-solves only the component(s) of the
candidate graph the change touches, with the allocation a full run uses, and writes only their
rows (the stored rank 1s overfilling one of its cohorts, so no optimum to build on, takes that path
too: it needs no stored optimum for the component it re-solves). A change a single vacancy can't
describe (an offer's cohorts, a vacancy moving to another standard) still re-matches the whole
standard (matching.enqueue decides which).

Writes keep results.py's guarantees: the writers' advisory lock, row locks on the suggestions
replaced, decided suggestions never touched, versions bumped on change. Pledges (issue 17) are
allocated region-wide again whenever the change reaches a suggestion that could carry one.
"""

import time
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from scipy import sparse

from apprenticeships.models import Pledge, Vacancy
from matching.ml.allocation import GAP_NOISE, REPAIR_MIP_GAP, TIE_BREAK, allocate, optimality_gap, tie_break
from matching.ml.candidates import Candidates, GapReason, candidate_pairs
from matching.ml.engine import GAP_CODES, MatchResult, match_market, merge_results
from matching.ml.features import TextVectors, pair_features
from matching.ml.incremental import (
    TOLERANCE_PROOF,
    direct_choice,
    most_violated,
    reduced_gain,
    restricted_solve,
    touched_vacancies,
)
from matching.ml.market import Market, Vacancies
from matching.ml.scoring import Matcher
from matching.ml.travel import travel_limit
from matching.models import MatchRun, StandardSlack, Suggestion
from matching.services.active_model import matcher_active_ensure
from matching.services.market import (
    full_run_in_force,
    market_load,
    market_part,
    market_with_vacancies,
    run_shares,
    standard_vacancies,
)
from matching.services.pledges import pledge_suggestions_allocate, vacancies_that_would_pay
from matching.services.results import (
    SCORE_MOVED,
    Written,
    cohort_prices,
    results_write,
    slack_moved,
    writers_take_turns,
)

DIRECT, PRICED, COMPONENT = "direct", "priced", "component"  # the paths a re-match took (run.counts["path"])
# A priced re-solve that reaches more vacancies than this gives way to the component's re-solve.
PRICED_MAX_VACANCIES = 400
# Why a contested change was not re-solved against the prices (run.counts["not_priced"]): a cohort or
# the standard's slack had no price yet (or was forgotten); the stored rank 1s were not what their
# vacancies score now; they overfill a cohort; the change reached more than PRICED_MAX_VACANCIES; the
# prices could not prove the re-solve keeps the standard within its recorded slack; a full run finished
# after the vacancy was scored, with other providers' shares (the component is read and scored again).
UNPRICED, STALE, OVERFILLED, TOO_FAR, NOT_PROVED = "unpriced", "stale", "overfilled", "too far", "not proved"
NEW_RUN = "new full run"
WHOLE = "whole"  # a component that is every vacancy of its standard


@dataclass
class Scored:
    """One vacancy's candidate pairs in a market, scored."""

    candidates: Candidates
    score: np.ndarray
    features: np.ndarray
    contributions: np.ndarray


def vacancies_rematch(changes: list[tuple[int, dict | None]]) -> list[MatchRun]:
    """Re-match each changed vacancy in turn: (vacancy id, what it was before a change in place, or None).

    Each one leaves an optimum behind, so the next builds on it as on a full run's."""
    return [vacancy_rematch(vacancy_id, before=before) for vacancy_id, before in changes]


def vacancy_rematch(vacancy_id: int, *, before: dict | None = None) -> MatchRun:
    """Re-match one vacancy after it joined the market, left it or changed in place (`before`: its
    positions and notes before a change in place, when known)."""
    started = time.perf_counter()
    row = Vacancy.objects.filter(pk=vacancy_id).values("standard_id").first()
    if row is None:
        return _empty_run()  # deleted: its suggestions went with it (a draft, never in the market)
    standard_id = row["standard_id"]
    model, matcher = matcher_active_ensure()
    run = MatchRun.objects.create(
        kind=MatchRun.Kind.INCREMENTAL,
        status=MatchRun.Status.RUNNING,
        standards=[standard_id],
        model=model,
        model_version=model.version,
        started_at=timezone.now(),
    )
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = now - clock
        clock = now

    try:
        shares_from = full_run_in_force()  # scores use the shares it began with (matching.models.ProviderShare)
        market = market_load([standard_id], vacancy_ids=[vacancy_id], provider_share=run_shares(shares_from))
        market = _with_before(market, before)
        lap("load")  # with the journeys from its workplace planned, where none are cached yet
        scored = _score(market, matcher)
        lap("score")
        # Writers take turns from here: the stored rank 1s this builds on stay as read until it has
        # written (a component re-solved from a market read before another writer added a vacancy
        # to it could otherwise overfill a cohort that vacancy was given directly).
        with transaction.atomic():
            writers_take_turns()
            if full_run_in_force() != shares_from:
                direct = NEW_RUN  # its prices, slack and rows were scored with the shares that run began with
            else:
                direct = _direct(market, scored, vacancy_id, before=before)
            gap = None
            priced = direct if isinstance(direct, str) else ""
            if isinstance(direct, MatchResult):
                _direct_slack(market, scored, vacancy_id, before, direct, standard_id)
                result = direct
                written = results_write(run, result, standard_ids=None, vacancy_ids=[vacancy_id])
                path, counted = DIRECT, 1
            elif direct is None and not isinstance(
                priced := _priced(market, scored, vacancy_id, before, matcher, standard_id), str
            ):
                result, vacancy_ids, moved, bound_moved, gap = priced
                written = results_write(run, result, standard_ids=None, vacancy_ids=vacancy_ids)
                slack_moved(standard_id, moved, bound_moved=bound_moved)
                path, counted = PRICED, len(vacancy_ids)
            else:
                old_rank1 = _open_rank1(vacancy_id, before)
                cohort_old = old_rank1.cohort_id if old_rank1 is not None else None
                result, vacancy_ids, component_slack = _component(standard_id, vacancy_id, cohort_old, matcher)
                written = results_write(run, result, standard_ids=None, vacancy_ids=vacancy_ids)
                if component_slack == WHOLE:
                    pass  # a whole solve: results_write kept its slack as the standard's ledger
                elif priced in (OVERFILLED, STALE) or component_slack is None:
                    StandardSlack.forget([standard_id])  # the component's old share of the slack is unknown
                else:
                    # The bound is left as it was: only the scale of the stated gap, moved little by one component.
                    slack_moved(standard_id, component_slack, recorded=True)
                path, counted = COMPONENT, len(vacancy_ids)
        lap("decide_write")
        _pledges_follow(written)
        lap("pledges")
    except Exception as error:
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.FAILED, error=f"{error.__class__.__name__}: {error}"[:2000]
        )
        raise
    timings["total"] = time.perf_counter() - started
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.SUCCEEDED,
        progress=1.0,
        counts={
            "vacancies": counted,
            "suggestions": len(result.vacancy_id),
            "gaps": len(result.gap_vacancy_id),
            "path": path,
            **({"not_priced": priced} if path == COMPONENT else {}),
        },
        optimality_gap=gap if path == PRICED else None,
        timings={k: round(v, 4) for k, v in timings.items()},
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


def _empty_run() -> MatchRun:
    return MatchRun(kind=MatchRun.Kind.INCREMENTAL, status=MatchRun.Status.SUCCEEDED, counts={"path": ""})


def _with_before(market: Market, before: dict | None) -> Market:
    """The market with a second row for the vacancy as it was before a change in place (same id):
    its positions and notes then (a live vacancy's other matching fields can't change in place)."""
    vac = market.vacancies
    if before is None or len(vac) != 1:
        return market
    text = vac.text[0]  # title, description and notes (matching.services.market): the notes are its tail
    notes_now = Vacancy.objects.values_list("notes", flat=True).get(pk=int(vac.id[0]))
    old_text = text[: len(text) - len(notes_now)] + str(before.get("notes", notes_now))
    market.vacancies = Vacancies(
        id=np.r_[vac.id, vac.id],
        standard=np.r_[vac.standard, vac.standard],
        latitude=np.r_[vac.latitude, vac.latitude],
        longitude=np.r_[vac.longitude, vac.longitude],
        start_day=np.r_[vac.start_day, vac.start_day],
        delivery_mask=np.r_[vac.delivery_mask, vac.delivery_mask],
        positions=np.r_[vac.positions, np.array([int(before.get("positions", vac.positions[0]))], dtype=np.int64)],
        band=np.r_[vac.band, vac.band],
        text=[text, old_text],
    )
    return market


class LazyVectors:
    """Text vectors of a market's offers (or vacancies), computed only for those some scored pair reaches, once."""

    def __init__(self, texts: list[str], matcher: Matcher) -> None:
        self.texts = texts
        self.vectorizer = matcher.vectorizer
        self.have = np.zeros(len(texts), dtype=bool)
        self.matrix = sparse.csr_matrix((len(texts), len(matcher.vectorizer.vocabulary_)))

    def reaching(self, wanted: np.ndarray) -> sparse.csr_matrix:
        missing = wanted[~self.have[wanted]]
        if len(missing):
            rows = sparse.csr_matrix(self.vectorizer.transform([self.texts[i] for i in missing.tolist()]))
            place = sparse.csr_matrix(
                (np.ones(len(missing)), (missing, np.arange(len(missing)))), shape=(len(self.texts), len(missing))
            )
            self.matrix = sparse.csr_matrix(self.matrix + place @ rows)
            self.have[missing] = True
        return self.matrix


def _score(market: Market, matcher: Matcher, offer_vectors: LazyVectors | None = None) -> Scored:
    """Candidate pairs of the market's vacancies (one, or one as it is and as it was), scored; the
    text vectors only for the vacancies with a pair and the offers they reach (kept in `offer_vectors`
    for the next call)."""
    candidates = travel_limit(
        market,
        candidate_pairs(
            market,
            days_before=settings.MATCH_START_WINDOW_DAYS_BEFORE,
            days_after=settings.MATCH_START_WINDOW_DAYS_AFTER,
        ),
    )
    offers = offer_vectors or LazyVectors(market.offers.text, matcher)
    vacancy_vectors = LazyVectors(market.vacancies.text, matcher).reaching(np.unique(candidates.vacancy))
    X = pair_features(market, candidates, TextVectors(vacancy_vectors, offers.reaching(np.unique(candidates.offer))))
    score, contributions = matcher.score(X)
    return Scored(candidates, score, X, contributions)


@dataclass
class Held:
    """The vacancy's rank 1 before the change: its cohort and score."""

    cohort_id: int
    score: float


def _open_rank1(vacancy_id: int, before: dict | None) -> Held | None:
    """The vacancy's open rank 1; or, for one that has left the market, the one it held when it left
    (`before["held"]`: its suggestions went then, matching.services.decisions.introductions_end)."""
    row = (
        Suggestion.objects.filter(vacancy_id=vacancy_id, status=Suggestion.Status.SUGGESTED, rank=1)
        .values_list("cohort_id", "score")
        .first()
    )
    if row is None and before and before.get("held"):
        row = before["held"]
    return Held(int(row[0]), float(row[1])) if row is not None else None


def _loads(cohort_ids: list[int], *, besides: int) -> dict[int, int]:
    """Positions the open rank-1 suggestions of the other vacancies in the market take in each cohort."""
    matched = Suggestion.objects.filter(status__in=Suggestion.MATCHED).values("vacancy_id")
    return dict(
        Suggestion.objects.filter(
            cohort_id__in=cohort_ids, status=Suggestion.Status.SUGGESTED, rank=1, vacancy__status=Vacancy.Status.LIVE
        )
        .exclude(vacancy_id=besides)
        .exclude(vacancy_id__in=matched)
        .values("cohort_id")
        .annotate(n=Sum("vacancy__positions"))
        .values_list("cohort_id", "n")
    )


def _direct(market: Market, scored: Scored, vacancy_id: int, *, before: dict | None) -> MatchResult | str | None:
    """The vacancy's suggestions when the direct path provably keeps the optimum, else None (see
    matching.ml.incremental); OVERFILLED when the stored rank 1s overfill one of its cohorts: they are
    no optimum to build on (nor for a priced re-solve), and the component re-solve needs none."""
    coh = market.cohorts
    cand = scored.candidates
    mine = np.flatnonzero(cand.vacancy == 0)
    in_market = len(market.vacancies) > 0
    old_rank1 = _open_rank1(vacancy_id, before)
    old_rank1_score = old_rank1.score if old_rank1 is not None else 0.0
    cohort_index = {int(c): k for k, c in enumerate(coh.id.tolist())}
    wanted = [int(coh.id[c]) for c in cand.cohort[mine].tolist()]
    if old_rank1 is not None:
        wanted.append(old_rank1.cohort_id)
    loads = _loads(wanted, besides=vacancy_id)
    room = coh.places.copy()
    for cohort_id, n in loads.items():
        if cohort_id in cohort_index:
            room[cohort_index[cohort_id]] -= n
    if (room[cand.cohort[mine]] < 0).any():
        return OVERFILLED  # the stored rank 1s overfill a cohort: no optimum to build on
    old_score = np.full(len(mine), np.nan)
    vac = market.vacancies
    if len(vac) == 2 and vac.positions[0] >= vac.positions[1]:  # it asks for no fewer positions than before
        was = np.flatnonzero(cand.vacancy == 1)
        old = dict(zip(coh.id[cand.cohort[was]].tolist(), scored.score[was].tolist(), strict=True))
        if _stored_as_scored(vacancy_id, old):
            old_score = np.array([old.get(c, np.nan) for c in coh.id[cand.cohort[mine]].tolist()])
    positions = int(market.vacancies.positions[0]) if in_market else 0
    choice = direct_choice(
        scored.score[mine],
        room[cand.cohort[mine]],
        positions,
        old_rank1_score=old_rank1_score,
        old_score=old_score,
    )
    if choice is None:
        return None
    return _one_vacancy_result(market, scored, mine, choice.pair, room)


def _stored_as_scored(vacancy_id: int, old: dict[int, float]) -> bool:
    """Whether the vacancy's open suggestions are what it scored before the change: it has some, and
    each has the score recomputed from `before` (else the stored state came from another version of
    it, a change whose re-match has not run yet, and those scores are no bound)."""
    stored = dict(
        Suggestion.objects.filter(vacancy_id=vacancy_id, status=Suggestion.Status.SUGGESTED).values_list(
            "cohort_id", "score"
        )
    )
    return bool(stored) and all(c in old and abs(old[c] - s) <= 1e-9 for c, s in stored.items())


def _one_vacancy_result(market: Market, scored: Scored, mine: np.ndarray, pair: int, room: np.ndarray) -> MatchResult:
    """The vacancy's suggestions (rank 1 the chosen pair, then its next best) and its gap, as a run's result."""
    cand, vac = scored.candidates, market.vacancies
    vacancy_id = int(vac.id[0]) if len(vac) else 0
    gap: list[tuple[int, str]] = []
    chosen = np.zeros(0, dtype=np.int64)
    rank = np.zeros(0, dtype=np.int64)
    if len(vac) and 0 in cand.gaps:
        gap = [(vacancy_id, cand.gaps[0])]
    elif len(vac) and pair < 0:
        gap = [(vacancy_id, GapReason.NO_PLACES)]
    elif len(vac):
        # Only the chosen cohort has room in this call, so allocation makes it rank 1 and ranks the rest by score.
        places = np.zeros(len(room), dtype=np.int64)
        places[cand.cohort[mine[pair]]] = vac.positions[0]
        allocation = allocate(
            np.zeros(len(mine), dtype=np.int64),
            cand.cohort[mine],
            scored.score[mine],
            vac.positions[:1],
            places,
            k=settings.MATCH_SUGGESTIONS_PER_VACANCY,
        )
        chosen, rank = mine[allocation.pair], allocation.rank.astype(np.int64)
    return MatchResult(
        vacancy_id=np.full(len(chosen), vacancy_id, dtype=np.int64),
        cohort_id=market.cohorts.id[cand.cohort[chosen]],
        offer_id=market.offers.id[cand.offer[chosen]],
        score=scored.score[chosen],
        rank=rank,
        features=scored.features[chosen],
        contributions=scored.contributions[chosen],
        gap_vacancy_id=np.array([v for v, _ in gap], dtype=np.int64),
        gap_reason=np.array([GAP_CODES.index(r) for _, r in gap], dtype=np.int64),
    )


@dataclass
class Members:
    """The vacancies a priced re-solve has brought in (R) and their scored pairs, growing batch by batch."""

    ids: list[int] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)
    old_score: list[float] = field(default_factory=list)  # its stored rank 1's score, tie-break included (0: none)
    old_dual: list[float] = field(default_factory=list)  # u_w at the stored prices before the change
    gaps: dict[int, str] = field(default_factory=dict)  # member index -> why it has no candidate
    # Per member: cohort index, offer index, score, score with its tie-break, features, contributions.
    pairs: list[tuple] = field(default_factory=list)

    def add(self, vacancy_id: int, positions: int, market: Market, scored: Scored, rows: np.ndarray) -> np.ndarray:
        """Add a vacancy of `scored`'s market whose pairs are `rows`; its scores with their tie-break."""
        cand, coh = scored.candidates, market.cohorts
        score = scored.score[rows]
        broken = score + TIE_BREAK * tie_break(np.full(len(rows), vacancy_id), coh.id[cand.cohort[rows]])
        self.ids.append(vacancy_id)
        self.positions.append(positions)
        self.old_score.append(0.0)
        self.old_dual.append(0.0)
        self.pairs.append(
            (cand.cohort[rows], cand.offer[rows], score, broken, scored.features[rows], scored.contributions[rows])
        )
        return broken

    def arrays(self) -> tuple[np.ndarray, ...]:
        """Every member's pairs: member index, cohort index, offer index, score, score with tie-break,
        features, contributions."""
        member = np.repeat(np.arange(len(self.pairs)), [len(p[0]) for p in self.pairs]).astype(np.int64)
        if not self.pairs:
            empty = np.zeros(0, dtype=np.int64)
            return member, empty, empty, np.zeros(0), np.zeros(0), np.zeros((0, 0)), np.zeros((0, 0))
        return (member, *(np.concatenate(part) for part in zip(*self.pairs, strict=True)))


def _priced(
    market: Market, scored: Scored, vacancy_id: int, before: dict | None, matcher: Matcher, standard_id: int
) -> tuple[MatchResult, list[int], float, float, float] | str:
    """The suggestions of the few vacancies a contested change reaches, re-solved against the cohorts'
    stored capacity prices, when that is proved to keep the optimum (matching.ml.incremental says how),
    with the ids of the vacancies whose rows they replace; else why not (one of NOT_PRICED, which
    the run records)."""
    coh, vac = market.cohorts, market.vacancies
    price = _prices(market, standard_id)
    ledger = StandardSlack.objects.filter(standard_id=standard_id, slack__isnull=False).first()
    if price is None or ledger is None:
        return UNPRICED  # a cohort no allocation has priced yet, or a change the slack can't follow
    if _held_where_it_no_longer_counts(standard_id):
        return STALE  # a cohort started: rank 1s held there no longer count, and the slack can't say how much
    resolve = PricedResolve(market, matcher, price, vacancy_id)
    old = _open_rank1(vacancy_id, before)
    if old is not None and old.cohort_id not in resolve.cohort_index:
        return STALE  # it held a cohort that has left the market since
    # The vacancy's stored rank 1 before the change: its score, and the least its dual u_v can have been.
    v_old_score = v_old_dual = 0.0
    added: set[int] = set()
    if old is not None:
        v_old_cohort = resolve.cohort_index[old.cohort_id]
        v_old_score = _broken(old.score, vacancy_id, old.cohort_id)
        v_old_dual = _dual_before(market, scored, vacancy_id, before, old, price)
        resolve.old_load[v_old_cohort] += _positions_before(vacancy_id, before)
        added.add(v_old_cohort)
    members = resolve.members
    in_market = len(vac) > 0
    if in_market:
        mine = np.flatnonzero(scored.candidates.vacancy == 0)
        broken = members.add(vacancy_id, int(vac.positions[0]), market, scored, mine)
        members.old_score[0], members.old_dual[0] = v_old_score, v_old_dual
        if 0 in scored.candidates.gaps:
            members.gaps[0] = scored.candidates.gaps[0]
        gain = reduced_gain(broken, float(vac.positions[0]), price[scored.candidates.cohort[mine]])
        if len(gain) and gain.max() > 0:
            added.add(int(scored.candidates.cohort[mine][np.argmax(gain)]))
    cohorts: set[int] = set()
    joining: dict[int, tuple[int | None, float]] = {}
    while True:
        cohorts |= added
        if not resolve.holders_join(added) or not resolve.join(joining):
            return STALE  # a stored rank 1 is not what its vacancy scores now
        if len(members.ids) > PRICED_MAX_VACANCIES:
            return TOO_FAR
        in_c = np.array(sorted(cohorts), dtype=np.int64)
        pv, pc, _, _, ps, _, _ = members.arrays()
        q = np.array(members.positions, dtype=float)
        inside = np.isin(pc, in_c)
        guarded = ~np.isin(in_c, sorted(resolve.unguarded))
        solved = restricted_solve(
            pv[inside], np.searchsorted(in_c, pc[inside]), ps[inside], q, coh.places[in_c], price[in_c], guarded
        )
        if solved is None:
            return NOT_PROVED  # the solver gave no answer in its time
        # The proof, as it stands: each member's dual raised to cover its pairs outside C at the stored
        # prices (feasible without bringing those cohorts in: at most its dual before, so free against
        # the bound), and what vacancies outside R would gain at an unguarded cohort's new price over
        # the least value of their dual, added to the bound (as if their duals were raised by it).
        out = ~inside
        gain = reduced_gain(ps[out], q[pv[out]], price[pc[out]])
        dual = solved.dual.copy()
        np.maximum.at(dual, pv[out], gain)
        takers: dict[int, dict[int, tuple[int | None, float]]] = {}
        for k, c in enumerate(in_c.tolist()):
            if c in resolve.unguarded:
                found = resolve.takers(c, float(solved.price[k]))
                if found is None:
                    return STALE  # one holds a cohort that has left the market since
                takers[c] = found
        # How far the bound (Σ_w u_w + Σ_c places_c·p_c over the standard) and the total moved: the
        # bound by at most the members' duals, C's prices and those takers' gains (any other vacancy's
        # u_w can only fall: p' ≥ p on guarded cohorts), the total by the members' first suggestions.
        bound_moved = float(dual.sum() - sum(members.old_dual))
        bound_moved += float((coh.places[in_c] * (solved.price - price[in_c])).sum())
        bound_moved += sum(excess for found in takers.values() for _, excess in found.values())
        total_moved = solved.total - sum(members.old_score)
        if not in_market:  # it left: its dual and its rank 1 went with it
            bound_moved -= v_old_dual
            total_moved -= v_old_score
        moved = bound_moved - total_moved
        if ledger.slack + moved <= _slack_allowed(ledger, bound_moved) + TOLERANCE_PROOF * max(1, len(members.ids)):
            break  # the standard stays within the slack its last whole solve recorded, or its stated gap
        # Not yet: widen the re-solve where the proof pays. A member gaining more at a cohort outside
        # C than its new dual: that cohort joins C (with everyone holding it).
        added = set(most_violated(pv[out], pc[out], gain, solved.dual).tolist()) - cohorts
        # A vacancy outside R that would take an unguarded cohort at its new price joins R, the keenest
        # first, as many as its places (with the cohort it holds, and so everyone holding that).
        joining = {}
        for c, found in takers.items():
            keen = sorted((item for item in found.items() if item[1][1] > TOLERANCE_PROOF), key=lambda i: -i[1][1])
            for w, (held, _) in keen[: max(1, coh.places[c])]:
                if held is None:
                    joining[w] = (None, 0.0)
                elif held not in cohorts:
                    added.add(held)
        # A guarded cohort the re-solve leaves with fewer positions taken than before, at a positive
        # price: anyone might take those places now, so its price may fall, once everyone who could
        # take it is checked. (Places it already left empty are in the slack the ledger holds.)
        chosen = solved.first[solved.first >= 0]
        used = np.bincount(
            np.searchsorted(in_c, pc[inside][chosen]), weights=q[pv[inside][chosen]], minlength=len(in_c)
        )
        opened = {
            c
            for k, c in enumerate(in_c.tolist())
            if guarded[k] and used[k] < resolve.old_load[c] and price[c] > TOLERANCE_PROOF
        } - resolve.unguarded
        resolve.unguarded |= opened
        if not added and not joining and not opened:
            return NOT_PROVED
    first_pair = np.full(len(members.ids), -1, dtype=np.int64)
    chosen = solved.first >= 0
    first_pair[chosen] = np.flatnonzero(inside)[solved.first[chosen]]
    result = _members_result(market, members, first_pair)
    result.price_cohort_id, result.price = coh.id[in_c], solved.price
    bound = ledger.bound + bound_moved
    gap = optimality_gap(bound - ledger.slack - moved, bound)
    return result, sorted({vacancy_id, *members.ids}), moved, bound_moved, gap


def _slack_allowed(ledger: StandardSlack, bound_moved: float) -> float:
    """The most D(p) - total a priced re-match may leave: what the last whole solve left, in a standard
    it solved optimally; in one it solved within a stated gap (a large contested group, made whole
    around the LP's split vacancies: matching.ml.allocation), that gap, REPAIR_MIP_GAP of the bound."""
    if ledger.recorded <= GAP_NOISE * ledger.bound:
        return ledger.recorded
    return max(ledger.recorded, REPAIR_MIP_GAP * (ledger.bound + bound_moved))


def _broken(score: float, vacancy_id: int, cohort_id: int) -> float:
    """One pair's score with its tie-break, as allocation sees it."""
    return score + TIE_BREAK * float(tie_break(np.array([vacancy_id]), np.array([cohort_id]))[0])


def _prices(market: Market, standard_id: int) -> np.ndarray | None:
    """The stored capacity price of each of the market's cohorts (all of the standard); None if one has none."""
    prices = cohort_prices(standard_id)
    ids = market.cohorts.id.tolist()
    if any(c not in prices for c in ids):
        return None
    return np.array([prices[c] for c in ids])


def _positions_before(vacancy_id: int, before: dict | None) -> int:
    """The vacancy's positions before the change (as it is now, where the change did not say)."""
    if before and "positions" in before:
        return int(before["positions"])
    return Vacancy.objects.filter(pk=vacancy_id).values_list("positions", flat=True).first() or 1


def _dual_before(
    market: Market, scored: Scored, vacancy_id: int, before: dict | None, old: Held, price: np.ndarray
) -> float:
    """The vacancy's dual u_v(p) at the stored prices before the change: exact from its pairs as it
    was, where the market carries them and they are what was stored; else the least it can have been,
    from the rank 1 it held."""
    coh, cand = market.cohorts, scored.candidates
    positions = _positions_before(vacancy_id, before)
    at = int(np.flatnonzero(coh.id == old.cohort_id)[0])
    least = max(0.0, _broken(old.score, vacancy_id, old.cohort_id) - positions * price[at])
    was = np.flatnonzero(cand.vacancy == 1)
    if len(market.vacancies) != 2 or not len(was):
        return least
    scores = dict(zip(coh.id[cand.cohort[was]].tolist(), scored.score[was].tolist(), strict=True))
    if not _stored_as_scored(vacancy_id, scores):
        return least
    broken = scored.score[was] + TIE_BREAK * tie_break(np.full(len(was), vacancy_id), coh.id[cand.cohort[was]])
    return max(least, float(reduced_gain(broken, positions, price[cand.cohort[was]]).max()))


def _held_where_it_no_longer_counts(standard_id: int) -> bool:
    """Whether an open rank 1 of the standard is in a cohort that has started (so left the market)."""
    return Suggestion.objects.filter(
        status=Suggestion.Status.SUGGESTED,
        rank=1,
        cohort__offer__standard_id=standard_id,
        cohort__start_date__lt=timezone.localdate(),
    ).exists()


def _direct_slack(
    market: Market, scored: Scored, vacancy_id: int, before: dict | None, result: MatchResult, standard_id: int
) -> None:
    """Add what the direct path moves D(p) - total by to the standard's slack: the vacancy's dual at the
    stored prices, after less before, less what its rank 1 gained (forgotten where a price is missing)."""
    price = _prices(market, standard_id)
    if price is None:
        StandardSlack.forget([standard_id])
        return
    coh, cand = market.cohorts, scored.candidates
    cohort_index = {int(c): k for k, c in enumerate(coh.id.tolist())}
    mine = np.flatnonzero(cand.vacancy == 0)
    dual_now = 0.0
    if len(market.vacancies) and len(mine):
        broken = scored.score[mine] + TIE_BREAK * tie_break(np.full(len(mine), vacancy_id), coh.id[cand.cohort[mine]])
        dual_now = max(
            0.0, float(reduced_gain(broken, float(market.vacancies.positions[0]), price[cand.cohort[mine]]).max())
        )
    first = np.flatnonzero(result.rank == 1)
    score_now = (
        _broken(float(result.score[first[0]]), int(result.vacancy_id[first[0]]), int(result.cohort_id[first[0]]))
        if len(first)
        else 0.0
    )
    old = _open_rank1(vacancy_id, before)
    score_before = dual_before = 0.0
    if old is not None:
        if old.cohort_id not in cohort_index:
            StandardSlack.forget([standard_id])
            return
        score_before = _broken(old.score, vacancy_id, old.cohort_id)
        dual_before = _dual_before(market, scored, vacancy_id, before, old, price)
    slack_moved(standard_id, (dual_now - dual_before) - (score_now - score_before), bound_moved=dual_now - dual_before)


class PricedResolve:
    """What a priced re-solve has read so far: its members (R), scored; the cohorts whose price may fall
    and who could take each; the standard's other vacancies, read once, when one first may."""

    def __init__(self, market: Market, matcher: Matcher, price: np.ndarray, vacancy_id: int) -> None:
        self.market, self.matcher, self.price, self.vacancy_id = market, matcher, price, vacancy_id
        self.cohort_index = {int(c): k for k, c in enumerate(market.cohorts.id.tolist())}
        self.members = Members()
        self.offer_vectors = LazyVectors(market.offers.text, matcher)
        self.unguarded: set[int] = set()
        self.old_load = np.zeros(len(market.cohorts))  # positions the stored rank 1s of R (and v) took in each cohort
        self._takers: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._others: Vacancies | None = None
        self._held: dict[int, tuple[int, float]] = {}  # the standard's stored rank 1s, read with the others

    def holders_join(self, cohorts: set[int]) -> bool:
        """Bring in every other vacancy holding an open rank 1 in these cohorts (cohort indices)."""
        if not cohorts:
            return True
        coh = self.market.cohorts
        matched = Suggestion.objects.filter(status__in=Suggestion.MATCHED).values("vacancy_id")
        held = {
            v: (c, score)
            for v, c, score in Suggestion.objects.filter(
                cohort_id__in=[int(coh.id[c]) for c in cohorts],
                status=Suggestion.Status.SUGGESTED,
                rank=1,
                vacancy__status=Vacancy.Status.LIVE,
            )
            .exclude(vacancy_id__in=[self.vacancy_id, *self.members.ids])
            .exclude(vacancy_id__in=matched)
            .values_list("vacancy_id", "cohort_id", "score")
        }
        return self.join(held)

    def join(self, joining: dict[int, tuple[int | None, float]]) -> bool:
        """Bring in these vacancies, scored: id -> (cohort id of its stored rank 1 or None, its score).
        False if one's stored rank 1 is not a pair it has now with the score stored (the stored state
        is then no optimum to build on)."""
        if not joining:
            return True
        more = market_with_vacancies(self.market, sorted(joining))
        if len(more.vacancies) != len(joining):
            return False
        scored = _score(more, self.matcher, self.offer_vectors)
        cand = scored.candidates
        order = np.argsort(cand.vacancy, kind="stable")
        starts = np.searchsorted(cand.vacancy[order], np.arange(len(more.vacancies) + 1))
        for i, w in enumerate(more.vacancies.id.tolist()):
            rows = order[starts[i] : starts[i + 1]]
            cohort_id, stored = joining[w]
            positions = int(more.vacancies.positions[i])
            broken = self.members.add(w, positions, more, scored, rows)
            if len(rows):
                gain = reduced_gain(broken, positions, self.price[cand.cohort[rows]])
                self.members.old_dual[-1] = max(0.0, float(gain.max()))
            if cohort_id is None:
                continue
            at = np.flatnonzero(cand.cohort[rows] == self.cohort_index[cohort_id])
            if len(at) != 1 or abs(float(scored.score[rows[at[0]]]) - stored) > SCORE_MOVED:
                return False
            self.members.old_score[-1] = float(broken[at[0]])
            self.old_load[self.cohort_index[cohort_id]] += positions
        return True

    def takers(self, cohort: int, new_price: float) -> dict[int, tuple[int | None, float]] | None:
        """The vacancies outside R that would gain more at this cohort at its new price than the least
        the stored prices leave them (their stored rank 1's gain): id -> (the cohort index of their
        stored rank 1 (None: they hold none), by how much). None if one holds a cohort no longer in
        the market."""
        if cohort not in self._takers:
            self._takers[cohort] = self._could_take(cohort)
        ids, score, positions, holds, least = self._takers[cohort]
        members = set(self.members.ids) | {self.vacancy_id}
        excess = score - positions * new_price - least
        out: dict[int, tuple[int | None, float]] = {}
        for w, h, e in zip(ids.tolist(), holds.tolist(), excess.tolist(), strict=True):
            if w in members:
                continue
            if h == GONE:
                return None
            if e > 0:
                out[w] = (None if h == NONE_HELD else h, e)
        return out

    def _could_take(self, cohort: int) -> tuple[np.ndarray, ...]:
        """Every vacancy of the standard with a pair in this cohort: ids, scores (tie-break included),
        positions, the cohort index of its stored rank 1 (NONE_HELD; GONE: no longer in the market) and
        the least the stored prices leave it there (0 for none)."""
        if self._others is None:
            standard_id = int(self.market.offers.standard[self.market.cohorts.offer[cohort]])
            self._others = standard_vacancies(standard_id)
            others = set(self._others.id.tolist())
            # By the standard, not by thousands of ids; those not among the others (matched) left out.
            rank1s = Suggestion.objects.filter(
                vacancy__standard_id=standard_id, status=Suggestion.Status.SUGGESTED, rank=1
            ).values_list("vacancy_id", "cohort_id", "score")
            self._held = {v: (c, score) for v, c, score in rank1s if v in others}
        part = market_part(self.market, np.array([cohort]), self._others)
        scored = _score(part, self.matcher)
        cand = scored.candidates
        ids = part.vacancies.id[cand.vacancy]
        broken = scored.score + TIE_BREAK * tie_break(ids, part.cohorts.id[cand.cohort])
        positions = part.vacancies.positions[cand.vacancy].astype(float)
        held = [self._held.get(w) for w in ids.tolist()]
        holds = np.array([NONE_HELD if h is None else self.cohort_index.get(h[0], GONE) for h in held], dtype=np.int64)
        least = np.zeros(len(ids))
        at = np.flatnonzero(holds >= 0)
        if len(at):
            held_cohort = np.array([held[k][0] for k in at.tolist()], dtype=np.int64)
            held_score = np.array([held[k][1] for k in at.tolist()])
            held_broken = held_score + TIE_BREAK * tie_break(ids[at], held_cohort)
            least[at] = np.maximum(0.0, held_broken - positions[at] * self.price[holds[at]])
        return ids, broken, positions, holds, least


NONE_HELD, GONE = -1, -2  # PricedResolve._could_take: a vacancy holding no rank 1; one held in a cohort gone


def _members_result(market: Market, members: Members, first_pair: np.ndarray) -> MatchResult:
    """The members' suggestions (rank 1 its first pair, then its next best by score, then cohort) and
    gaps, as a run's result."""
    pv, pc, po, ps, _, features, contributions = members.arrays()
    k = settings.MATCH_SUGGESTIONS_PER_VACANCY
    chosen: list[int] = []
    ranks: list[int] = []
    gaps: list[tuple[int, str]] = []
    for m, vacancy_id in enumerate(members.ids):
        mine = np.flatnonzero(pv == m)
        if not len(mine):
            gaps.append((vacancy_id, members.gaps.get(m, GapReason.NO_PROVIDER)))
        elif first_pair[m] < 0:
            gaps.append((vacancy_id, GapReason.NO_PLACES))
        else:
            rest = mine[mine != first_pair[m]]
            rest = rest[np.lexsort((pc[rest], -ps[rest]))][: k - 1]
            chosen += [int(first_pair[m]), *rest.tolist()]
            ranks += range(1, len(rest) + 2)
    pairs = np.array(chosen, dtype=np.int64)
    ids = np.array(members.ids, dtype=np.int64)
    return MatchResult(
        vacancy_id=ids[pv[pairs]],
        cohort_id=market.cohorts.id[pc[pairs]],
        offer_id=market.offers.id[po[pairs]],
        score=ps[pairs],
        rank=np.array(ranks, dtype=np.int64),
        features=features[pairs],
        contributions=contributions[pairs],
        gap_vacancy_id=np.array([v for v, _ in gaps], dtype=np.int64),
        gap_reason=np.array([GAP_CODES.index(r) for _, r in gaps], dtype=np.int64),
    )


def _component(
    standard_id: int, vacancy_id: int, cohort_old: int | None, matcher: Matcher
) -> tuple[MatchResult, list[int], float | str | None]:
    """The suggestions and gaps of the component(s) of the candidate graph holding the vacancy (if
    it is in the market) and the cohort it held (if any), solved as a full run would; the ids of the
    vacancies whose rows they replace (those, and the vacancy itself); and the slack it leaves there
    (None when the cohort it held is in no component, so its price and slack can't be told; WHOLE
    when the component is every vacancy of the standard with a candidate, whose result then carries
    its slack)."""
    market = market_load([standard_id])
    candidates = travel_limit(
        market,
        candidate_pairs(
            market,
            days_before=settings.MATCH_START_WINDOW_DAYS_BEFORE,
            days_after=settings.MATCH_START_WINDOW_DAYS_AFTER,
        ),
    )
    vac, coh = market.vacancies, market.cohorts
    seeds = np.flatnonzero(vac.id == vacancy_id).tolist()
    cohorts = np.flatnonzero(coh.id == cohort_old).tolist() if cohort_old is not None else []
    touched = touched_vacancies(
        candidates.vacancy, candidates.cohort, len(vac), len(coh), vacancies=seeds, cohorts=cohorts
    )
    if not len(touched):  # nobody can take its places (if it held any): they stay empty, priced or not
        return merge_results([]), [vacancy_id], None if cohorts else 0.0
    market.vacancies = Vacancies(
        id=vac.id[touched],
        standard=vac.standard[touched],
        latitude=vac.latitude[touched],
        longitude=vac.longitude[touched],
        start_day=vac.start_day[touched],
        delivery_mask=vac.delivery_mask[touched],
        positions=vac.positions[touched],
        band=vac.band[touched],
        text=[vac.text[i] for i in touched.tolist()],
    )
    result = match_market(
        market,
        matcher,
        k=settings.MATCH_SUGGESTIONS_PER_VACANCY,
        days_before=settings.MATCH_START_WINDOW_DAYS_BEFORE,
        days_after=settings.MATCH_START_WINDOW_DAYS_AFTER,
    )
    if np.isin(candidates.vacancy, touched).all():
        # The component is the whole standard (national offers reach every vacancy of a big one; those
        # with no candidate at all are gaps either way): a whole solve, whose prices and slack start the
        # standard's ledger again (results.prices_write), even after a change it could not follow; the
        # next contested change can be priced.
        return result, sorted({vacancy_id, *market.vacancies.id.tolist()}), WHOLE
    # Its prices are those of the component's cohorts; the rest keep theirs. Its slack is the
    # component's, added to the standard's (which held the component's old slack, unknown: a bound).
    reached = np.isin(result.price_cohort_id, coh.id[candidates.cohort[np.isin(candidates.vacancy, touched)]])
    result.price_cohort_id, result.price = result.price_cohort_id[reached], result.price[reached]
    component_slack = float(result.slack.sum()) if np.isin(coh.id[cohorts], result.price_cohort_id).all() else None
    result.slack_standard_id, result.slack, result.slack_bound = np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0)
    return result, sorted({vacancy_id, *market.vacancies.id.tolist()}), component_slack


def _pledges_follow(written: Written) -> None:
    """Pledges as a full re-match would leave them: allocated again, region-wide, when the write
    changed a suggestion that could carry one (or one that did); untouched when it could not matter."""
    open_pledges = Pledge.objects.filter(status=Pledge.Status.OPEN).exists()
    if not open_pledges:
        # The allocation would take every pledge off the open suggestions: only needed if one carries one.
        if Suggestion.objects.filter(status=Suggestion.Status.SUGGESTED, pledge__isnull=False).exists():
            pledge_suggestions_allocate()
        return
    if written.pledge_moved:
        pledge_suggestions_allocate()
        return
    if not written.vacancy_ids:
        return
    vacancies = {
        v.pk: v
        for v in Vacancy.objects.filter(pk__in=written.vacancy_ids).select_related(
            "standard", "local_authority", "employer"
        )
    }
    if vacancies_that_would_pay(vacancies):
        pledge_suggestions_allocate()
