"""Candidate pairs: every (vacancy, cohort) that could really work, and why the others can't.

Hard rules: same standard; the workplace within one of the offer's delivery radii, or the offer
national, or online when the vacancy accepts online; the cohort starting from `days_before` days
before to `days_after` days after the vacancy's start; places left; price within the funding band;
not a pair the hub has already decided. Blocked by standard, then vectorised over each block.
"""

from dataclasses import dataclass

import numpy as np

from lcr_skills.geo import haversine_km
from matching.ml.market import Market

ONLINE_BIT = 1 << 3  # DeliveryMode.ONLINE's bit (apprenticeships.models.delivery)
ROW_BLOCK = 2048  # vacancies per slice of a standard, to bound memory on the biggest standards


class GapReason:
    NO_PROVIDER = "no_provider"  # no open offer for the standard
    OUT_OF_REACH = "out_of_reach"  # offers exist but none delivers where the vacancy is
    NO_COHORT_IN_WINDOW = "no_cohort_in_window"  # reachable, but no cohort starts in the window
    NO_PLACES = "no_places"  # cohorts in the window, but none has places left (or others took them)
    ALL_REJECTED = "all_rejected"  # every pair that fits has already been rejected by the hub
    OUT_OF_REACH_BY_TRANSPORT = "out_of_reach_by_transport"  # in-person venues all beyond the travel limit
    # In words: matching.models.GapReason.


@dataclass
class Candidates:
    vacancy: np.ndarray  # index into market.vacancies
    cohort: np.ndarray  # index into market.cohorts
    offer: np.ndarray  # index into market.offers
    distance_km: np.ndarray  # to the offer's nearest delivery location (NaN if it has none)
    gaps: dict[int, str]  # vacancy index -> GapReason, for vacancies with no candidate

    def __len__(self) -> int:
        return len(self.vacancy)

    def subset(self, index: np.ndarray | slice) -> "Candidates":
        return Candidates(self.vacancy[index], self.cohort[index], self.offer[index], self.distance_km[index], {})


def _group(keys: np.ndarray) -> dict[int, np.ndarray]:
    order = np.argsort(keys, kind="stable")
    values, starts = np.unique(keys[order], return_index=True)
    return dict(zip(values.tolist(), np.split(order, starts[1:]), strict=True)) if len(keys) else {}


def candidate_pairs(market: Market, *, days_before: int = 30, days_after: int = 90) -> Candidates:
    """Every feasible (vacancy, cohort) pair, and a gap reason for each vacancy left without one."""
    vac, off, coh, loc = market.vacancies, market.offers, market.cohorts, market.locations
    offers_by_standard = _group(off.standard)
    cohorts_by_offer = _group(coh.offer)
    locations_by_offer = _group(loc.offer)
    parts: list[tuple[np.ndarray, ...]] = []
    gaps: dict[int, str] = {}
    for standard, vacancy_idx in _group(vac.standard).items():
        offer_idx = offers_by_standard.get(standard, np.zeros(0, dtype=np.int64))
        if not len(offer_idx):
            gaps.update(dict.fromkeys(vacancy_idx.tolist(), GapReason.NO_PROVIDER))
            continue
        cohort_idx = np.concatenate([cohorts_by_offer.get(o, np.zeros(0, dtype=np.int64)) for o in offer_idx.tolist()])
        # Locations in offer order, with the offset at which each offer's run begins.
        loc_runs = [locations_by_offer.get(o, np.zeros(0, dtype=np.int64)) for o in offer_idx.tolist()]
        loc_idx = np.concatenate(loc_runs) if loc_runs else np.zeros(0, dtype=np.int64)
        loc_owner = np.repeat(np.arange(len(offer_idx)), [len(r) for r in loc_runs])
        for start in range(0, len(vacancy_idx), ROW_BLOCK):
            block = vacancy_idx[start : start + ROW_BLOCK]
            parts.append(
                _block_pairs(market, block, offer_idx, cohort_idx, loc_idx, loc_owner, gaps, days_before, days_after)
            )
    if parts:
        v, c, o, d = (np.concatenate(arrays) for arrays in zip(*parts, strict=True))
    else:
        v = c = o = np.zeros(0, dtype=np.int64)
        d = np.zeros(0)
    return Candidates(v, c, o, d, gaps)


def _block_pairs(
    market: Market,
    block: np.ndarray,
    offer_idx: np.ndarray,
    cohort_idx: np.ndarray,
    loc_idx: np.ndarray,
    loc_owner: np.ndarray,
    gaps: dict[int, str],
    days_before: int,
    days_after: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    vac, off, coh, loc = market.vacancies, market.offers, market.cohorts, market.locations
    n_offers = len(offer_idx)
    # Distance from each vacancy to each offer's nearest location, and whether any radius covers it.
    nearest = np.full((len(block), n_offers), np.nan)
    covered = np.zeros((len(block), n_offers), dtype=bool)
    if len(loc_idx):
        dist = haversine_km(
            vac.latitude[block, None],
            vac.longitude[block, None],
            loc.latitude[None, loc_idx],
            loc.longitude[None, loc_idx],
        )
        inside = dist <= loc.radius_km[None, loc_idx]
        starts = np.flatnonzero(np.r_[True, loc_owner[1:] != loc_owner[:-1]])
        owners = loc_owner[starts]
        nearest[:, owners] = np.minimum.reduceat(dist, starts, axis=1)
        covered[:, owners] = np.logical_or.reduceat(inside, starts, axis=1)
    remote = off.national[offer_idx][None, :] | (
        ((off.delivery_mask[offer_idx] & ONLINE_BIT) > 0)[None, :]
        & ((vac.delivery_mask[block] & ONLINE_BIT) > 0)[:, None]
    )
    reachable = covered | remote
    affordable = off.price[offer_idx][None, :] <= vac.band[block][:, None]
    reachable &= affordable

    # Expand offers to their cohorts.
    position_of_offer = {o: k for k, o in enumerate(offer_idx.tolist())}
    cohort_offer_pos = np.array([position_of_offer[o] for o in coh.offer[cohort_idx].tolist()], dtype=np.int64)
    reach_c = reachable[:, cohort_offer_pos]
    gap_days = coh.start_day[cohort_idx][None, :] - vac.start_day[block][:, None]
    in_window = (gap_days >= -days_before) & (gap_days <= days_after)
    has_places = (coh.places[cohort_idx] > 0)[None, :]
    ok = reach_c & in_window & has_places
    feasible = ok.any(axis=1)
    _drop_decided(market, block, cohort_idx, ok)

    # Why a vacancy has nothing: the first rule that empties its row.
    for row in np.flatnonzero(~ok.any(axis=1)).tolist():
        if not reachable[row].any():
            reason = GapReason.OUT_OF_REACH
        elif not (reach_c[row] & in_window[row]).any():
            reason = GapReason.NO_COHORT_IN_WINDOW
        elif not feasible[row]:
            reason = GapReason.NO_PLACES
        else:
            reason = GapReason.ALL_REJECTED
        gaps[int(block[row])] = reason

    rows, cols = np.nonzero(ok)
    offers_of_pairs = cohort_offer_pos[cols]
    return block[rows], cohort_idx[cols], offer_idx[offers_of_pairs], nearest[rows, offers_of_pairs]


def _drop_decided(market: Market, block: np.ndarray, cohort_idx: np.ndarray, ok: np.ndarray) -> None:
    """Pairs the hub has decided are never suggested again."""
    if not market.excluded_pairs:
        return
    column = {cohort_id: k for k, cohort_id in enumerate(market.cohorts.id[cohort_idx].tolist())}
    for row, vacancy_id in enumerate(market.vacancies.id[block].tolist()):
        for cohort_id in market.excluded_pairs.get(vacancy_id, ()):
            if cohort_id in column:
                ok[row, column[cohort_id]] = False
