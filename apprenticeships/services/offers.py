"""Course offers: what a provider delivers, where, how, when and at what price."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from apprenticeships.models import Cohort, CourseOffer, OfferLocation, Provider, Standard
from apprenticeships.models.delivery import modes_to_mask
from apprenticeships.models.offers import MAX_RADIUS_KM
from apprenticeships.places import place_lookup
from apprenticeships.rules import Problem, delivery_modes_problem, problems_raise, retired_standard_problem
from apprenticeships.signals import standards_changed
from lcr_skills.errors import Conflict
from lcr_skills.formats import long_date, money

MAX_PLACES = 500  # in one cohort
# At most this many delivery locations and cohorts on one offer: far more than a provider lists (a few campuses,
# a cohort a month for four years), and each location is a postcode look-up when the offer is saved (20,000 took
# half a minute). Checked before any row is looked at.
MAX_LOCATIONS = 20
MAX_COHORTS = 50
OFFER_FIELDS = frozenset(
    {"standard", "title", "description", "price", "delivery_modes", "national", "locations", "cohorts", "status"}
)


def offer_rules_check(values: dict, *, instance: CourseOffer | None = None, today: date | None = None) -> list[dict]:
    """Check an offer's business rules; return its delivery locations, located.

    Raises ValidationError with messages per field; a message about one location or cohort names
    it by position ("Location 2: …").
    """
    today = today or timezone.localdate()
    standard: Standard | None = values.get("standard", instance.standard if instance else None)
    locations, cohorts = values.get("locations") or [], values.get("cohorts") or []
    # Too many to look at one by one: refused whole, before any postcode is looked up.
    too_many = [
        *_too_many_rule("locations", locations, most=MAX_LOCATIONS, noun="delivery locations"),
        *_too_many_rule("cohorts", cohorts, most=MAX_COHORTS, noun="cohorts"),
    ]
    located, location_problems = _locations_located([] if len(locations) > MAX_LOCATIONS else locations)
    problems_raise(
        [
            *_standard_rule(values, instance),
            *_price_rule(values.get("price", instance.price if instance else None), standard),
            *_delivery_modes_rule(values),
            *too_many,
            *location_problems,
            *_national_or_located_rule(values, instance),
            *_cohorts_rule([] if len(cohorts) > MAX_COHORTS else cohorts, instance, today),
            *_decided_cohorts_kept_rule(values, instance),
        ]
    )
    return located


def _standard_rule(values: dict, instance: CourseOffer | None) -> list[Problem]:
    current = instance.standard if instance else None
    problem = retired_standard_problem(values.get("standard", current), current=current)
    return [("standard", problem)] if problem else []


def _price_rule(price: Decimal | None, standard: Standard | None) -> list[Problem]:
    if price is None or standard is None:
        return []
    if price < 0:
        return [("price", "The price can't be negative.")]
    if price > standard.max_funding and settings.REFUSE_PRICE_ABOVE_FUNDING_BAND:
        # The funding rules allow it (the employer pays the excess); the hub's policy setting refuses it.
        return [
            (
                "price",
                f"The price {money(price)} is above the maximum funding band for {standard.title} "
                f"({money(standard.max_funding)}).",
            )
        ]
    return []


def _delivery_modes_rule(values: dict) -> list[Problem]:
    none_chosen = "Choose at least one way the training is delivered."
    problem = delivery_modes_problem(values.get("delivery_modes"), none_chosen=none_chosen)
    return [("delivery_modes", problem)] if problem else []


def _too_many_rule(field: str, rows: list, *, most: int, noun: str) -> list[Problem]:
    return [(field, f"Add at most {most} {noun}, not {len(rows):,}.")] if len(rows) > most else []


def _locations_located(locations: list[dict]) -> tuple[list[dict], list[Problem]]:
    """Each location's radius within limits and its postcode located, in England."""
    located, problems = [], []
    for number, location in enumerate(locations, start=1):
        radius = location.get("radius_km")
        if radius is None or not 1 <= radius <= MAX_RADIUS_KM:
            problems.append(("locations", f"Location {number}: the radius must be between 1 and {MAX_RADIUS_KM} km."))
        try:
            place = place_lookup(location.get("postcode", ""))
        except ValidationError as invalid:
            problems.append(("locations", f"Location {number}: {invalid.messages[0]}"))
            continue
        if not place.in_england:
            problems.append(("locations", f"Location {number}: {place.postcode} is outside England."))
        located.append(
            {
                "postcode": place.postcode,
                "radius_km": radius,
                "latitude": place.latitude,
                "longitude": place.longitude,
                "local_authority": place.local_authority,
            }
        )
    return located, problems


def _national_or_located_rule(values: dict, instance: CourseOffer | None) -> list[Problem]:
    national = values.get("national", instance.national if instance else False)
    if "locations" in values:
        has_locations = bool(values["locations"])
    else:
        has_locations = bool(instance and instance.locations.exists())
    if national or has_locations:
        return []
    return [("locations", "Add at least one delivery location, or mark the offer as national.")]


def _cohorts_rule(cohorts: list[dict], instance: CourseOffer | None, today: date) -> list[Problem]:
    """Each cohort the offer's own (if it has an id), with places, on a date of its own, not in the past."""
    existing = {cohort.id: cohort for cohort in instance.cohorts.all()} if instance else {}
    problems: list[Problem] = []
    seen_dates: set[date] = set()
    for number, cohort in enumerate(cohorts, start=1):
        start, places, cohort_id = cohort.get("start_date"), cohort.get("places"), cohort.get("id")
        if cohort_id is not None and cohort_id not in existing:
            problems.append(("cohorts", f"Cohort {number}: this offer has no cohort {cohort_id}."))
        if places is None or not 1 <= places <= MAX_PLACES:
            problems.append(("cohorts", f"Cohort {number}: places must be between 1 and {MAX_PLACES}."))
        if start is None:
            problems.append(("cohorts", f"Cohort {number}: enter a start date."))
            continue
        unchanged = cohort_id in existing and existing[cohort_id].start_date == start
        if start < today and not unchanged:
            problems.append(("cohorts", f"Cohort {number}: the start date {long_date(start)} is in the past."))
        if start in seen_dates:
            problems.append(("cohorts", f"Cohort {number}: another cohort already starts on {long_date(start)}."))
        seen_dates.add(start)
    return problems


def _decided_cohorts_kept_rule(values: dict, instance: CourseOffer | None) -> list[Problem]:
    """A cohort with matches the hub has decided on stays: the audit trail keeps its decisions."""
    if instance is None or "cohorts" not in values or len(values["cohorts"]) > MAX_COHORTS:
        return []
    kept = {cohort.get("id") for cohort in values["cohorts"]}
    decided = instance.cohorts.exclude(id__in=kept).filter(suggestions__events__isnull=False).distinct()
    return [
        (
            "cohorts",
            f"The cohort starting {long_date(cohort.start_date)} has matches the hub has decided on, so it "
            "can't be removed: keep it, or close the offer.",
        )
        for cohort in decided.order_by("start_date")
    ]


def _save(offer: CourseOffer, values: dict, located: list[dict]) -> CourseOffer:
    for field, value in values.items():
        if field == "delivery_modes":
            offer.delivery_mask = modes_to_mask(value)
        elif field not in ("locations", "cohorts"):
            setattr(offer, field, value)
    offer.save()
    if "locations" in values:
        offer.locations.all().delete()
        OfferLocation.objects.bulk_create(OfferLocation(offer=offer, **location) for location in located)
    if "cohorts" in values:
        _cohorts_sync(offer, values["cohorts"])
    return offer


def _cohorts_sync(offer: CourseOffer, cohorts: list[dict]) -> None:
    """Keep cohorts by id (matches will refer to them), add new ones, drop those left out."""
    existing = {cohort.id: cohort for cohort in offer.cohorts.all()}
    kept = {c["id"] for c in cohorts if c.get("id") is not None}
    offer.cohorts.exclude(id__in=kept).delete()
    for cohort in cohorts:
        if cohort.get("id") is not None:
            row = existing[cohort["id"]]
            row.start_date, row.places = cohort["start_date"], cohort["places"]
            row.save(update_fields=["start_date", "places", "updated_at"])
    Cohort.objects.bulk_create(
        Cohort(offer=offer, start_date=c["start_date"], places=c["places"]) for c in cohorts if c.get("id") is None
    )


def _check_fields(values: dict) -> None:
    unknown = set(values) - OFFER_FIELDS
    if unknown:
        raise TypeError(f"not course offer fields: {sorted(unknown)}")


@transaction.atomic
def offer_create(*, provider: Provider, **values: object) -> CourseOffer:
    """Create a course offer for the provider with its locations and cohorts."""
    _check_fields(values)
    located = offer_rules_check(values)
    offer = _save(CourseOffer(provider=provider, price=Decimal(0)), values, located)
    standards_changed.send(sender=CourseOffer, standard_ids=[offer.standard_id])
    return offer


@transaction.atomic
def offer_update(offer: CourseOffer, **values: object) -> CourseOffer:
    """Change an offer; locations given replace the old ones, cohorts are matched by id."""
    _check_fields(values)
    locked = CourseOffer.objects.select_for_update().select_related("standard").get(pk=offer.pk)
    located = offer_rules_check(values, instance=locked)
    old_standard = locked.standard_id
    offer = _save(locked, values, located)
    standards_changed.send(sender=CourseOffer, standard_ids=[old_standard, offer.standard_id])
    return offer


class OfferInUse(Conflict):
    """The offer's cohorts are in matches with a recorded decision: it may be closed, not deleted."""


def offer_delete(offer: CourseOffer) -> None:
    """Delete an offer with its locations and cohorts (refused once a decision refers to it)."""
    standard_id = offer.standard_id
    try:
        with transaction.atomic():
            offer.delete()
    except ProtectedError:  # the audit trail keeps its decisions
        raise OfferInUse("Matches with this offer have been decided, so it can't be deleted: close it.") from None
    standards_changed.send(sender=CourseOffer, standard_ids=[standard_id])
