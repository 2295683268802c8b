"""Course offers: what a provider delivers, where, how, when and at what price."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from apprenticeships.models import Cohort, CourseOffer, DeliveryMode, OfferLocation, Provider, Standard
from apprenticeships.models.delivery import modes_to_mask
from apprenticeships.places import place_lookup
from matching.services import rematch_after_commit

MAX_RADIUS_KM = 200
MAX_PLACES = 500
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
    errors: dict[str, list[str]] = {}

    def error(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    standard: Standard | None = values.get("standard", instance.standard if instance else None)
    newly_chosen = "standard" in values and (instance is None or standard != instance.standard)
    if newly_chosen and standard.status == Standard.Status.RETIRED:
        error("standard", f"{standard.title} (LARS {standard.lars_code}) is retired; choose a current standard.")
    price = values.get("price", instance.price if instance else None)
    if price is not None and standard is not None:
        if price < 0:
            error("price", "The price can't be negative.")
        elif price > standard.max_funding and settings.REFUSE_PRICE_ABOVE_FUNDING_BAND:
            # The funding rules allow it (the employer pays the excess); the hub's policy setting refuses it.
            error(
                "price",
                f"The price £{price:,.2f} is above the maximum funding band for {standard.title} "
                f"(£{standard.max_funding:,}).",
            )
    modes = values.get("delivery_modes")
    if modes is not None and not modes:
        error("delivery_modes", "Choose at least one way the training is delivered.")
    elif modes and set(modes) - set(DeliveryMode.values):
        error("delivery_modes", f"Choose from {', '.join(DeliveryMode.values)}.")

    located = []
    locations, cohorts = values.get("locations") or [], values.get("cohorts") or []
    if len(locations) > MAX_LOCATIONS:
        error("locations", f"Add at most {MAX_LOCATIONS} delivery locations, not {len(locations):,}.")
        locations = []  # too many to look at one by one
    if len(cohorts) > MAX_COHORTS:
        error("cohorts", f"Add at most {MAX_COHORTS} cohorts, not {len(cohorts):,}.")
        cohorts = []
    for number, location in enumerate(locations, start=1):
        radius = location.get("radius_km")
        if radius is None or not 1 <= radius <= MAX_RADIUS_KM:
            error("locations", f"Location {number}: the radius must be between 1 and {MAX_RADIUS_KM} km.")
        try:
            place = place_lookup(location.get("postcode", ""))
        except ValidationError as invalid:
            error("locations", f"Location {number}: {invalid.messages[0]}")
            continue
        if not place.in_england:
            error("locations", f"Location {number}: {place.postcode} is outside England.")
        located.append(
            {
                "postcode": place.postcode,
                "radius_km": radius,
                "latitude": place.latitude,
                "longitude": place.longitude,
                "local_authority": place.local_authority,
            }
        )
    national = values.get("national", instance.national if instance else False)
    has_locations = (
        bool(values["locations"]) if "locations" in values else bool(instance and instance.locations.exists())
    )
    if not national and not has_locations:
        error("locations", "Add at least one delivery location, or mark the offer as national.")

    existing = {cohort.id: cohort for cohort in instance.cohorts.all()} if instance else {}
    seen_dates: set[date] = set()
    for number, cohort in enumerate(cohorts, start=1):
        start, places, cohort_id = cohort.get("start_date"), cohort.get("places"), cohort.get("id")
        if cohort_id is not None and cohort_id not in existing:
            error("cohorts", f"Cohort {number}: this offer has no cohort {cohort_id}.")
        if places is None or not 1 <= places <= MAX_PLACES:
            error("cohorts", f"Cohort {number}: places must be between 1 and {MAX_PLACES}.")
        if start is None:
            error("cohorts", f"Cohort {number}: enter a start date.")
            continue
        unchanged = cohort_id in existing and existing[cohort_id].start_date == start
        if start < today and not unchanged:
            error("cohorts", f"Cohort {number}: the start date {start:%d %B %Y} is in the past.")
        if start in seen_dates:
            error("cohorts", f"Cohort {number}: another cohort already starts on {start:%d %B %Y}.")
        seen_dates.add(start)
    if instance is not None and "cohorts" in values and len(values["cohorts"]) <= MAX_COHORTS:
        kept = {cohort.get("id") for cohort in values["cohorts"]}
        decided = instance.cohorts.exclude(id__in=kept).filter(suggestions__events__isnull=False).distinct()
        for cohort in decided.order_by("start_date"):  # the audit trail keeps its decisions
            error(
                "cohorts",
                f"The cohort starting {cohort.start_date:%d %B %Y} has matches the hub has decided on, so it "
                "can't be removed: keep it, or close the offer.",
            )
    if errors:
        raise ValidationError(errors)
    return located


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
    rematch_after_commit([offer.standard_id])
    return offer


@transaction.atomic
def offer_update(offer: CourseOffer, **values: object) -> CourseOffer:
    """Change an offer; locations given replace the old ones, cohorts are matched by id."""
    _check_fields(values)
    locked = CourseOffer.objects.select_for_update().select_related("standard").get(pk=offer.pk)
    located = offer_rules_check(values, instance=locked)
    old_standard = locked.standard_id
    offer = _save(locked, values, located)
    rematch_after_commit([old_standard, offer.standard_id])
    return offer


class OfferInUse(Exception):
    """The offer's cohorts are in matches with a recorded decision: it may be closed, not deleted."""


def offer_delete(offer: CourseOffer) -> None:
    """Delete an offer with its locations and cohorts (refused once a decision refers to it)."""
    standard_id = offer.standard_id
    try:
        with transaction.atomic():
            offer.delete()
    except ProtectedError:  # the audit trail keeps its decisions
        raise OfferInUse("Matches with this offer have been decided, so it can't be deleted: close it.") from None
    rematch_after_commit([standard_id])
