"""Travel by public transport from the workplace to the training venue, in the matcher.

A pair's travel time is from the vacancy's workplace to the offer's location nearest it, arriving
by the morning deadline (apprenticeships.transport). A cohort taught in person (day or block
release, and no online or workplace delivery the two share) must be reachable within the hub's
limit; the pairs it leaves out are gone, and a vacancy left with none gets the gap reason
`out_of_reach_by_transport`. Plain numpy: the times come in on the Market.
"""

import numpy as np

from matching.ml.candidates import Candidates, GapReason
from matching.ml.market import Market

DAY_RELEASE, BLOCK_RELEASE, WORKPLACE, ONLINE = (1 << i for i in range(4))  # apprenticeships.models.delivery
IN_PERSON = DAY_RELEASE | BLOCK_RELEASE


def in_person(market: Market, vacancy: np.ndarray, offer: np.ndarray) -> np.ndarray:
    """Whether each pair's training happens at the venue: the modes both share (else the offer's) are all in person."""
    vac_mask, off_mask = market.vacancies.delivery_mask[vacancy], market.offers.delivery_mask[offer]
    shared = vac_mask & off_mask
    modes = np.where(shared > 0, shared, off_mask)
    return (modes > 0) & ((modes & ~IN_PERSON) == 0) & ~market.offers.national[offer]


def pair_travel(market: Market, vacancy: np.ndarray, offer: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(minutes, changes, known) per pair: NaN minutes when unreachable or not known; changes NaN for an estimate."""
    minutes = np.full(len(vacancy), np.nan)
    changes = np.full(len(vacancy), np.nan)
    known = np.zeros(len(vacancy), dtype=bool)
    if not market.travel or not len(vacancy):
        return minutes, changes, known
    keys, table = _travel_table(market)
    wanted = _pair_keys(market.vacancies.id[vacancy], market.offers.id[offer])
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    known = keys[at] == wanted
    minutes[known], changes[known] = table[at[known], 0], table[at[known], 1]
    return minutes, changes, known


def _pair_keys(vacancy_id: np.ndarray, offer_id: np.ndarray) -> np.ndarray:
    """One int64 per (vacancy id, offer id) pair, ordered as the pairs are (ids below 2**32)."""
    return (vacancy_id.astype(np.int64) << 32) | offer_id.astype(np.int64)


def _travel_table(market: Market) -> tuple[np.ndarray, np.ndarray]:
    """market.travel as sorted pair keys and a (minutes, changes) row each (NaN for None), built once per
    market and kept on it: looking every candidate pair up in the dict, one by one, cost more than scoring."""
    if market.travel_index is not None and market.travel_index[0] == len(market.travel):
        return market.travel_index[1], market.travel_index[2]
    pairs = np.array(list(market.travel), dtype=np.int64).reshape(-1, 2)
    values = np.array(
        [(np.nan if m is None else m, np.nan if c is None else c) for m, c in market.travel.values()], dtype=float
    ).reshape(-1, 2)
    keys = _pair_keys(pairs[:, 0], pairs[:, 1])
    order = np.argsort(keys, kind="stable")
    market.travel_index = (len(market.travel), keys[order], values[order])
    return keys[order], values[order]


def travel_limit(market: Market, candidates: Candidates) -> Candidates:
    """Drop in-person pairs whose venue is beyond market.max_travel_minutes; say why where that empties a vacancy."""
    if market.max_travel_minutes is None or not len(candidates):
        return candidates
    minutes, _, known = pair_travel(market, candidates.vacancy, candidates.offer)
    too_far = known & in_person(market, candidates.vacancy, candidates.offer)
    too_far &= ~(minutes <= market.max_travel_minutes)  # NaN (unreachable in time) is too far too
    if not too_far.any():
        return candidates
    kept = candidates.subset(np.flatnonzero(~too_far))
    kept.gaps = dict(candidates.gaps)
    emptied = set(candidates.vacancy[too_far].tolist()) - set(kept.vacancy.tolist())
    kept.gaps.update(dict.fromkeys(sorted(emptied), GapReason.OUT_OF_REACH_BY_TRANSPORT))
    return kept
