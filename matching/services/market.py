"""Reading the market from the database into matching.ml's arrays: what a run matches.

matching.ml works on plain arrays and never touches Django; this module is where the two meet.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import fields
from datetime import date
from typing import TypeVar

import numpy as np
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from apprenticeships.models import Cohort, CourseOffer, OfferLocation, Standard, Vacancy
from matching.ml.market import Cohorts, Locations, Market, Offers, Vacancies, day_numbers, floats
from matching.models import MatchRun, ProviderShare, Suggestion
from matching.services.travel import market_travel_attach

T = TypeVar("T")
VACANCY_FIELDS = (
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
OFFER_FIELDS = (
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


def market_load(
    standard_ids: Sequence[int] | None = None,
    *,
    today: date | None = None,
    vacancy_ids: Sequence[int] | None = None,
    provider_share: dict[int, float] | None = None,
) -> Market:
    """Live vacancies and open offers (with cohorts from today on) for the standards (None: all), as arrays;
    only these vacancies of them when `vacancy_ids` is given (a re-match of one vacancy). Scored with
    `provider_share` (a full run's chunks: the run's own), else with the shares in force."""
    in_scope = Q(standard_id__in=standard_ids) if standard_ids is not None else Q()
    vacancies = _vacancies(in_scope & Q(id__in=vacancy_ids) if vacancy_ids is not None else in_scope)
    offers = _offers(in_scope)
    # Cohorts and locations point at their offer by its index in `offers`, as matching.ml expects.
    offer_index = {int(offer_id): k for k, offer_id in enumerate(offers.id)}
    # Their offers are picked by the same query as a subquery, not by a list of thousands of ids (which
    # took Django longer to compile than PostgreSQL to run); any offer opened since is left out.
    offers_in_scope = CourseOffer.objects.filter(in_scope, status=CourseOffer.Status.OPEN).values("id")
    market = Market(
        vacancies=vacancies,
        offers=offers,
        cohorts=_cohorts(offer_index, offers_in_scope, today=today or timezone.localdate()),
        locations=_locations(offer_index, offers_in_scope),
        provider_share=shares_in_force() if provider_share is None else provider_share,
        excluded_pairs=_decided_pairs(vacancies.id.tolist()),
    )
    return market_travel_attach(market)


def market_with_vacancies(market: Market, vacancy_ids: Sequence[int]) -> Market:
    """The market's offers and cohorts with these of its live vacancies instead (a re-match reading a
    few more of a standard's vacancies without reading its offers again)."""
    vacancies = _vacancies(Q(id__in=vacancy_ids))
    return market_travel_attach(
        Market(
            vacancies=vacancies,
            offers=market.offers,
            cohorts=market.cohorts,
            locations=market.locations,
            provider_share=market.provider_share,
            excluded_pairs=_decided_pairs(vacancies.id.tolist()),
        )
    )


def standard_vacancies(standard_id: int) -> Vacancies:
    """Every vacancy of the standard a run would match (live, not yet matched)."""
    return _vacancies(Q(standard_id=standard_id))


def market_part(market: Market, cohorts: np.ndarray, vacancies: Vacancies) -> Market:
    """These of the market's cohorts (indices), their offers and where those are taught, with these
    vacancies: the pairs a re-match needs to see who else could take a cohort, without the rest."""
    offers = np.unique(market.cohorts.offer[cohorts])
    offer_index = np.full(len(market.offers), -1, dtype=np.int64)
    offer_index[offers] = np.arange(len(offers))
    locations = np.flatnonzero(offer_index[market.locations.offer] >= 0)
    part = Market(
        vacancies=vacancies,
        offers=_take(market.offers, offers),
        cohorts=_take(market.cohorts, cohorts),
        locations=_take(market.locations, locations),
        provider_share=market.provider_share,
        excluded_pairs=_decided_pairs(vacancies.id.tolist(), cohort_ids=market.cohorts.id[cohorts].tolist()),
    )
    part.cohorts.offer = offer_index[part.cohorts.offer]
    part.locations.offer = offer_index[part.locations.offer]
    return market_travel_attach(part)


def _take(rows: T, index: np.ndarray) -> T:
    """These rows of one of matching.ml.market's column sets (arrays and lists alike)."""
    picked = {}
    for f in fields(rows):
        column = getattr(rows, f.name)
        picked[f.name] = column[index] if isinstance(column, np.ndarray) else [column[i] for i in index.tolist()]
    return type(rows)(**picked)


def _columns(rows: QuerySet, fields: Sequence[str]) -> dict[str, tuple]:
    """A query's values as one tuple per field (empty ones when there are no rows)."""
    values = list(rows.values_list(*fields))
    return dict(zip(fields, zip(*values, strict=True), strict=True)) if values else dict.fromkeys(fields, ())


def _ints(values: Sequence[object]) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def _vacancies(in_scope: Q) -> Vacancies:
    """Live vacancies in scope, except those already matched (introduced or agreed): runs leave them alone."""
    matched = Suggestion.objects.filter(status__in=Suggestion.MATCHED).values("vacancy_id")
    rows = Vacancy.objects.filter(in_scope, status=Vacancy.Status.LIVE).exclude(id__in=matched).order_by("id")
    c = _columns(rows, VACANCY_FIELDS)
    words = zip(c["title"], c["description"], c["notes"], strict=True)
    return Vacancies(
        id=_ints(c["id"]),
        standard=_ints(c["standard_id"]),
        latitude=floats(c["latitude"]),
        longitude=floats(c["longitude"]),
        start_day=day_numbers(c["start_date"]),
        delivery_mask=_ints(c["delivery_mask"]),
        positions=_ints(c["positions"]),
        band=floats(c["standard__max_funding"]),
        text=[f"{title} {description} {notes}" for title, description, notes in words],
    )


def _offers(in_scope: Q) -> Offers:
    """Open offers in scope, with their provider's quality and their standard's words."""
    rows = CourseOffer.objects.filter(in_scope, status=CourseOffer.Status.OPEN).order_by("id")
    c = _columns(rows, OFFER_FIELDS)
    keywords = [k.replace("|", " ") for k in c["standard__keywords"]]
    words = zip(c["title"], c["description"], c["standard__title"], keywords, strict=True)
    return Offers(
        id=_ints(c["id"]),
        provider=_ints(c["provider_id"]),
        standard=_ints(c["standard_id"]),
        price=floats(c["price"]),
        national=np.array(c["national"], dtype=bool),
        delivery_mask=_ints(c["delivery_mask"]),
        ofsted_grade=floats(c["provider__ofsted_grade"]),
        achievement_rate=floats(c["provider__achievement_rate"]),
        text=[f"{title} {description} {standard} {keywords}" for title, description, standard, keywords in words],
    )


def _places_held(offers: QuerySet) -> dict[int, int]:
    """Cohort id -> places held by introductions not yet answered by both (agreed ones are taken off already)."""
    return dict(
        Suggestion.objects.filter(status__in=Suggestion.HOLDING_PLACES, cohort__offer_id__in=offers)
        .values("cohort_id")
        .annotate(n=Sum("vacancy__positions"))
        .values_list("cohort_id", "n")
    )


def _of_offers(c: dict[str, tuple], offer_index: dict[int, int]) -> dict[str, tuple]:
    """Only the rows of the offers read (one opened between the two queries has no index)."""
    keep = [k for k, offer_id in enumerate(c["offer_id"]) if offer_id in offer_index]
    if len(keep) == len(c["offer_id"]):
        return c
    return {name: tuple(column[k] for k in keep) for name, column in c.items()}


def _cohorts(offer_index: dict[int, int], offers: QuerySet, *, today: date) -> Cohorts:
    """The offers' cohorts starting from today on, with the places left for new matches."""
    rows = Cohort.objects.filter(offer_id__in=offers, start_date__gte=today).order_by("id")
    c = _of_offers(_columns(rows, ("id", "offer_id", "start_date", "places")), offer_index)
    held = _places_held(offers)
    return Cohorts(
        id=_ints(c["id"]),
        offer=_ints([offer_index[offer_id] for offer_id in c["offer_id"]]),
        start_day=day_numbers(c["start_date"]),
        places=_ints([max(0, places - held.get(id_, 0)) for id_, places in zip(c["id"], c["places"], strict=True)]),
    )


def _locations(offer_index: dict[int, int], offers: QuerySet) -> Locations:
    """Where the offers are delivered, and how far from there they reach."""
    rows = OfferLocation.objects.filter(offer_id__in=offers).order_by("id")
    c = _of_offers(_columns(rows, ("offer_id", "latitude", "longitude", "radius_km", "postcode")), offer_index)
    return Locations(
        offer=_ints([offer_index[offer_id] for offer_id in c["offer_id"]]),
        latitude=floats(c["latitude"]),
        longitude=floats(c["longitude"]),
        radius_km=floats(c["radius_km"]),
        postcode=list(c["postcode"]),
    )


def _decided_pairs(vacancy_ids: Sequence[int], *, cohort_ids: Sequence[int] | None = None) -> dict[int, set[int]]:
    """Vacancy id -> the cohorts the hub has already decided for it: never suggested again. Given a few
    cohorts (a part of the market), only theirs, read by cohort: there may be thousands of vacancies."""
    decided: dict[int, set[int]] = defaultdict(set)
    if cohort_ids is None:
        rows = Suggestion.objects.filter(vacancy_id__in=vacancy_ids, status__in=Suggestion.DECIDED)
    else:
        rows = Suggestion.objects.filter(cohort_id__in=cohort_ids, status__in=Suggestion.DECIDED)
    wanted = set(vacancy_ids)
    for vacancy_id, cohort_id in rows.values_list("vacancy_id", "cohort_id"):
        if vacancy_id in wanted:
            decided[vacancy_id].add(cohort_id)
    return dict(decided)


def provider_shares() -> dict[int, float]:
    """Each provider's share of the suggestions the hub has approved so far (a full run keeps them as it
    begins: `ProviderShare`)."""
    counts = dict(
        Suggestion.objects.filter(status__in=Suggestion.MATCHED)
        .values("course_offer__provider_id")
        .annotate(n=Count("id"))
        .values_list("course_offer__provider_id", "n")
    )
    total = sum(counts.values())
    return {provider: n / total for provider, n in counts.items()} if total else {}


def full_run_in_force() -> int | None:
    """The last full run to succeed (full runs never overlap: one at a time): the provider shares it began
    with are the ones scores use until the next."""
    last = MatchRun.objects.filter(kind=MatchRun.Kind.FULL, status=MatchRun.Status.SUCCEEDED).order_by("-pk")
    return last.values_list("pk", flat=True).first()


def run_shares(run_id: int | None) -> dict[int, float]:
    """The provider shares a full run began with (none without a run)."""
    return dict(ProviderShare.objects.filter(run_id=run_id).values_list("provider_id", "share")) if run_id else {}


def shares_in_force() -> dict[int, float]:
    """The provider shares scores use between full runs: those the last full run to succeed began with
    (none before the first). So a hub approval moves no score until the next full run, and the slack
    ledgers of the standards it did not touch still bound a priced re-match (matching.models.ProviderShare)."""
    return run_shares(full_run_in_force())


def standards_corpus() -> list[str]:
    """Every standard's words, for fitting the text vectoriser of the prior."""
    rows = Standard.objects.values_list("title", "keywords", "typical_job_titles", "overview")
    return [" ".join(part.replace("|", " ") for part in row) for row in rows]


def standards_work(*, today: date | None = None) -> list[tuple[int, int]]:
    """(standard id, estimated candidate pairs) for every standard with live vacancies, most work first.

    The estimate is live vacancies × cohorts of open offers from today on (plus the vacancies, so a
    standard without cohorts still weighs something): the pairs blocking by standard leaves, before
    distance and dates filter them. Allocating and scoring grow with the pairs, not with vacancies.
    """
    vacancies = dict(standards_with_live_vacancies())
    cohorts = dict(
        Cohort.objects.filter(
            offer__status=CourseOffer.Status.OPEN,
            offer__standard_id__in=list(vacancies),
            start_date__gte=today or timezone.localdate(),
        )
        .values("offer__standard_id")
        .annotate(n=Count("id"))
        .values_list("offer__standard_id", "n")
    )
    work = [(standard_id, n * (cohorts.get(standard_id, 0) + 1)) for standard_id, n in vacancies.items()]
    return sorted(work, key=lambda item: (-item[1], item[0]))


def standards_with_live_vacancies() -> list[tuple[int, int]]:
    """(standard id, live vacancies) for every standard that has any, most vacancies first."""
    return list(
        Vacancy.objects.filter(status=Vacancy.Status.LIVE)
        .values("standard_id")
        .annotate(n=Count("id"))
        .order_by("-n", "standard_id")
        .values_list("standard_id", "n")
    )
