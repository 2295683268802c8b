"""The one module of matching.ml that touches Django: it loads a market from the database."""

from collections import defaultdict
from datetime import date

import numpy as np
from django.db.models import Count, Q, Sum
from django.utils import timezone

from apprenticeships.models import Cohort, CourseOffer, OfferLocation, Standard, Vacancy
from matching.ml.market import Cohorts, Locations, Market, Offers, Vacancies
from matching.models import Suggestion

EPOCH = date(1970, 1, 1)
# Suggestions that hold the places of their cohort until both parties agree (then places drop).
HOLDING = [Suggestion.Status.APPROVED, Suggestion.Status.ACCEPTED]
# A vacancy with one of these is matched (being introduced, or agreed): runs leave it alone.
MATCHED = [*HOLDING, Suggestion.Status.AGREED]
DECIDED = [s for s in Suggestion.Status.values if s != Suggestion.Status.SUGGESTED]


def _days(values: list[date]) -> np.ndarray:
    return np.array([(d - EPOCH).days for d in values], dtype=np.int64)


def _floats(values: list) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def standards_corpus() -> list[str]:
    """Every standard's words, for fitting the text vectoriser of the prior."""
    rows = Standard.objects.values_list("title", "keywords", "typical_job_titles", "overview")
    return [" ".join(part.replace("|", " ") for part in row) for row in rows]


def load_market(standard_ids: list[int] | None = None, *, today: date | None = None) -> Market:
    """Live vacancies and open offers (with cohorts from today on) for the standards, as arrays."""
    today = today or timezone.localdate()
    in_scope = Q(standard_id__in=standard_ids) if standard_ids is not None else Q()
    held = Suggestion.objects.filter(status__in=MATCHED)
    vac_rows = list(
        Vacancy.objects.filter(in_scope, status=Vacancy.Status.LIVE)
        .exclude(id__in=held.values("vacancy_id"))
        .order_by("id")
        .values_list(
            "id",
            "standard_id",
            "latitude",
            "longitude",
            "start_date",
            "delivery_mask",
            "positions",
            "standard__max_funding",
            "title",
            "description",
            "notes",
        )
    )
    offer_rows = list(
        CourseOffer.objects.filter(in_scope, status=CourseOffer.Status.OPEN)
        .order_by("id")
        .values_list(
            "id",
            "provider_id",
            "standard_id",
            "price",
            "national",
            "delivery_mask",
            "provider__ofsted_grade",
            "provider__achievement_rate",
            "title",
            "description",
            "standard__title",
            "standard__keywords",
        )
    )
    offer_pos = {row[0]: k for k, row in enumerate(offer_rows)}
    holding = dict(
        Suggestion.objects.filter(status__in=HOLDING, cohort__offer_id__in=offer_pos)
        .values("cohort_id")
        .annotate(n=Sum("vacancy__positions"))
        .values_list("cohort_id", "n")
    )
    cohort_rows = list(
        Cohort.objects.filter(offer_id__in=offer_pos, start_date__gte=today)
        .order_by("id")
        .values_list("id", "offer_id", "start_date", "places")
    )
    location_rows = list(
        OfferLocation.objects.filter(offer_id__in=offer_pos)
        .order_by("id")
        .values_list("offer_id", "latitude", "longitude", "radius_km")
    )
    vacancy_ids = [row[0] for row in vac_rows]
    excluded: dict[int, set[int]] = defaultdict(set)
    for vacancy_id, cohort_id in Suggestion.objects.filter(vacancy_id__in=vacancy_ids, status__in=DECIDED).values_list(
        "vacancy_id", "cohort_id"
    ):
        excluded[vacancy_id].add(cohort_id)
    return Market(
        vacancies=_vacancies(vac_rows),
        offers=_offers(offer_rows),
        cohorts=Cohorts(
            id=np.array([r[0] for r in cohort_rows], dtype=np.int64),
            offer=np.array([offer_pos[r[1]] for r in cohort_rows], dtype=np.int64),
            start_day=_days([r[2] for r in cohort_rows]),
            places=np.array([max(0, r[3] - holding.get(r[0], 0)) for r in cohort_rows], dtype=np.int64),
        ),
        locations=Locations(
            offer=np.array([offer_pos[r[0]] for r in location_rows], dtype=np.int64),
            latitude=_floats([r[1] for r in location_rows]),
            longitude=_floats([r[2] for r in location_rows]),
            radius_km=_floats([r[3] for r in location_rows]),
        ),
        provider_share=provider_shares(),
        excluded_pairs=dict(excluded),
    )


def _vacancies(rows: list[tuple]) -> Vacancies:
    return Vacancies(
        id=np.array([r[0] for r in rows], dtype=np.int64),
        standard=np.array([r[1] for r in rows], dtype=np.int64),
        latitude=_floats([r[2] for r in rows]),
        longitude=_floats([r[3] for r in rows]),
        start_day=_days([r[4] for r in rows]),
        delivery_mask=np.array([r[5] for r in rows], dtype=np.int64),
        positions=np.array([r[6] for r in rows], dtype=np.int64),
        band=_floats([r[7] for r in rows]),
        text=[f"{r[8]} {r[9]} {r[10]}" for r in rows],
    )


def _offers(rows: list[tuple]) -> Offers:
    return Offers(
        id=np.array([r[0] for r in rows], dtype=np.int64),
        provider=np.array([r[1] for r in rows], dtype=np.int64),
        standard=np.array([r[2] for r in rows], dtype=np.int64),
        price=_floats([r[3] for r in rows]),
        national=np.array([r[4] for r in rows], dtype=bool),
        delivery_mask=np.array([r[5] for r in rows], dtype=np.int64),
        ofsted_grade=_floats([r[6] for r in rows]),
        achievement_rate=_floats([r[7] for r in rows]),
        text=[f"{r[8]} {r[9]} {r[10]} {r[11].replace('|', ' ')}" for r in rows],
    )


def provider_shares() -> dict[int, float]:
    """Each provider's share of the suggestions the hub has approved so far."""
    counts = dict(
        Suggestion.objects.filter(status__in=[*HOLDING, Suggestion.Status.AGREED])
        .values("course_offer__provider_id")
        .annotate(n=Count("id"))
        .values_list("course_offer__provider_id", "n")
    )
    total = sum(counts.values())
    return {provider: n / total for provider, n in counts.items()} if total else {}


def standards_with_live_vacancies() -> list[tuple[int, int]]:
    """(standard id, live vacancies) for every standard that has any, most vacancies first."""
    return list(
        Vacancy.objects.filter(status=Vacancy.Status.LIVE)
        .values("standard_id")
        .annotate(n=Count("id"))
        .order_by("-n", "standard_id")
        .values_list("standard_id", "n")
    )
