"""Pair features computed in bulk give each pair the value it has on its own."""

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from matching.ml.features import TextVectors, text_similarity
from matching.ml.travel import pair_travel
from tests.matching.markets import market, offer, vacancy

TEXTS = [
    "software developer apprentice writing python web services",
    "network engineer apprentice cabling routers and switches",
    "electrician apprentice wiring homes and offices",
    "data analyst apprentice spreadsheets python and reports",
]


def vectors() -> TextVectors:
    tfidf = TfidfVectorizer().fit(TEXTS)
    rows = sparse.csr_matrix(tfidf.transform(TEXTS))
    return TextVectors(vacancies=rows, offers=rows[::-1])


def test_text_similarity_is_each_pairs_cosine_and_the_same_float_alone_or_among_others():
    v = np.array([0, 0, 1, 2, 3, 3, 1, 0])
    o = np.array([0, 3, 1, 2, 0, 1, 3, 2])
    block = np.array([7, 7, 8, 8, 7, 8, 8, 7])
    tv = vectors()

    together = text_similarity(tv, v, o, block=block)

    cosine = [float(tv.vacancies[i].multiply(tv.offers[j]).sum()) for i, j in zip(v, o, strict=True)]
    assert np.allclose(together, cosine, rtol=0, atol=1e-15)
    alone = [text_similarity(tv, v[[k]], o[[k]])[0] for k in range(len(v))]
    assert together.tolist() == alone  # bit for bit, as a re-match of one vacancy computes it
    assert together.tolist() == text_similarity(tv, v, o).tolist()


def test_a_pairs_journey_is_looked_up_by_its_vacancy_and_offer_and_unknown_ones_stay_unknown():
    m = market([vacancy(1), vacancy(2)], [offer(1), offer(2)])
    m.travel = {(1, int(m.offers.id[0])): (35.0, 1.0), (2, int(m.offers.id[1])): (None, None)}

    minutes, changes, known = pair_travel(m, np.array([0, 1, 0, 1]), np.array([0, 1, 1, 0]))

    assert known.tolist() == [True, True, False, False]
    assert minutes[0] == 35.0 and changes[0] == 1.0
    assert np.isnan(minutes[1:]).all() and np.isnan(changes[1:]).all()
