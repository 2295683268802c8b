"""Features of each candidate pair, computed in bulk (numpy and scipy sparse, never per pair)."""

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from matching.ml.candidates import Candidates
from matching.ml.market import Market
from matching.ml.travel import pair_travel

FEATURES = [
    "distance_km",
    "text_similarity",
    "start_gap_days",
    "delivery_fit",
    "ofsted_grade",
    "achievement_rate",
    "price_ratio",
    "places_left",
    "provider_share",
    "travel_minutes",
    "travel_changes",
]

# popcount of a 4-bit delivery mask
_BITS = np.array([bin(m).count("1") for m in range(16)], dtype=float)


@dataclass
class TextVectors:
    """TF-IDF rows (L2-normalised) of every vacancy's and every offer's text, computed once per market."""

    vacancies: sparse.csr_matrix
    offers: sparse.csr_matrix


def text_vectors(vectorizer: TfidfVectorizer, market: Market) -> TextVectors:
    return TextVectors(_tfidf(vectorizer, market.vacancies.text), _tfidf(vectorizer, market.offers.text))


def _tfidf(vectorizer: TfidfVectorizer, texts: list[str]) -> sparse.csr_matrix:
    if not texts:  # scikit-learn refuses an empty batch; a standard with no offer (or no vacancy) has one
        return sparse.csr_matrix((0, len(vectorizer.vocabulary_)))
    return sparse.csr_matrix(vectorizer.transform(texts))


def text_similarity(
    vectors: TextVectors, vacancy: np.ndarray, offer: np.ndarray, block: np.ndarray | None = None
) -> np.ndarray:
    """Cosine similarity of each (vacancy, offer) pair's texts, in sparse matrix products.

    Pairs are blocked by standard (`block`: each pair's), and in a standard most vacancies meet most
    offers: one product of a group of its vacancies' rows with the rows of the offers they meet costs
    far less than copying both rows out for every pair. Each pair's value is summed over the
    vacancy's terms in their order whatever the group, so the same pair gets the same float in a
    full run, a chunk or a re-match of one vacancy.
    """
    similarity = np.zeros(len(vacancy))
    if not len(vacancy):
        return similarity
    blocks = np.zeros(len(vacancy), dtype=np.int64) if block is None else block
    order = np.lexsort((vacancy, blocks))  # by block, then vacancy
    vacancy_sorted, block_sorted = vacancy[order], blocks[order]
    edges = np.flatnonzero(np.r_[True, block_sorted[1:] != block_sorted[:-1], True])
    for start, end in zip(edges[:-1], edges[1:], strict=True):
        n_offers = len(np.unique(offer[order[start:end]]))
        rows = max(1, PRODUCT_ENTRIES // max(n_offers, 1))  # vacancies per product, so it stays this size
        firsts = start + np.flatnonzero(np.r_[True, vacancy_sorted[start + 1 : end] != vacancy_sorted[start : end - 1]])
        cuts = np.r_[firsts[::rows], end]
        for lo, hi in zip(cuts[:-1], cuts[1:], strict=True):
            pairs = order[lo:hi]
            vacancies, row = np.unique(vacancy[pairs], return_inverse=True)
            offers, column = np.unique(offer[pairs], return_inverse=True)
            products = (vectors.vacancies[vacancies] @ vectors.offers[offers].T).toarray()
            similarity[pairs] = products[row, column]
    return similarity


# Entries of one vacancies × offers similarity product (dense: 16 MB).
PRODUCT_ENTRIES = 2_000_000


def pair_features(market: Market, candidates: Candidates, vectors: TextVectors) -> np.ndarray:
    """A (pairs × FEATURES) float matrix; NaN where a value is unknown (no Ofsted grade, say)."""
    vac, off, coh = market.vacancies, market.offers, market.cohorts
    v, c, o = candidates.vacancy, candidates.cohort, candidates.offer
    if not len(v):
        return np.zeros((0, len(FEATURES)))
    vac_mask = vac.delivery_mask[v]
    wanted = np.maximum(_BITS[vac_mask & 15], 1.0)
    share = np.array([market.provider_share.get(p, 0.0) for p in off.provider.tolist()], dtype=float)
    travel_minutes, travel_changes, _ = pair_travel(market, v, o)
    columns = {
        "distance_km": candidates.distance_km,
        "text_similarity": text_similarity(vectors, v, o, block=vac.standard[v]),
        "start_gap_days": (coh.start_day[c] - vac.start_day[v]).astype(float),
        "delivery_fit": _BITS[(vac_mask & off.delivery_mask[o]) & 15] / wanted,
        "ofsted_grade": off.ofsted_grade[o],
        "achievement_rate": off.achievement_rate[o],
        "price_ratio": off.price[o] / np.maximum(vac.band[v], 1.0),
        "places_left": coh.places[c].astype(float),
        "provider_share": share[o],
        "travel_minutes": travel_minutes,
        "travel_changes": travel_changes,
    }
    return np.column_stack([columns[name] for name in FEATURES])
