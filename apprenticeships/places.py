"""Places: postcodes to districts, coordinates, local authorities and deprivation; distances.

Locations are resolved to the postcode district (outcode) centroid from OS Code-Point Open,
which is as precise as the shipped data allows.
"""

import re
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError

from apprenticeships.models import FullPostcode, LocalAuthority, PostcodeDistrict

__all__ = ["Place", "place_lookup", "places_changed", "postcode_normalise", "postcode_tidy"]

# Places found are kept in the shared cache (a search by postcode looks one up on every request, and the
# reference data under them changes only when it is reloaded). Each is kept with the version of the reference
# data it was read under, which the loaders move on (`places_changed`) once they commit: a reload is seen at
# once, and a place read while one commits is kept under the old version, so it is read again. The time limit
# only bounds what the cache holds.
PLACE_SECONDS = 24 * 60 * 60
PLACES_VERSION_KEY = "places:version"


_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_FULL_POSTCODE = re.compile(rf"^({_OUTWARD})([0-9][A-Z]{{2}})$")
_OUTCODE_ONLY = re.compile(rf"^{_OUTWARD}$")
# The start of an inward code, typed after its district and a space ("L1 8", "L1 8J"): not the district L18.
_PART_INWARD = re.compile(r"^[0-9][A-Z]?$")


@dataclass(frozen=True)
class Place:
    postcode: str
    outcode: str
    latitude: float
    longitude: float
    local_authority: LocalAuthority

    @property
    def in_city_region(self) -> bool:
        return self.local_authority.in_city_region

    @property
    def in_england(self) -> bool:
        return self.local_authority.is_england

    @property
    def imd_rank(self) -> int | None:
        return self.local_authority.imd_rank


def postcode_normalise(raw: str) -> tuple[str, str]:
    """Return (normalised postcode, outcode) for a full postcode or a district, or raise ValidationError."""
    compact = re.sub(r"\s+", "", str(raw or "")).upper()
    if not compact:
        raise ValidationError("Enter a postcode, like L1 8JQ.", code="required")
    if match := _FULL_POSTCODE.match(compact):
        outcode, inward = match.groups()
        return f"{outcode} {inward}", outcode
    parts = str(raw).upper().split()
    if len(parts) == 2 and _OUTCODE_ONLY.match(parts[0]) and _PART_INWARD.match(parts[1]):
        # Read without its space, "L1 8" would be the district L18, somewhere else.
        raise ValidationError(
            "“%(postcode)s” is not a whole postcode. "
            "Enter all of it, like L1 8JQ, or just the district, like %(district)s.",
            code="partial_postcode",
            params={"postcode": str(raw).strip()[:20], "district": parts[0]},
        )
    if _OUTCODE_ONLY.match(compact):
        return compact, compact
    raise ValidationError(
        "“%(postcode)s” is not a valid UK postcode. Enter a postcode like L1 8JQ or a district like WA7.",
        code="invalid_postcode",
        params={"postcode": str(raw)[:20]},
    )


def postcode_tidy(raw: str) -> str:
    """A postcode someone gave about themselves, as others read it ("L36 9GD"): blank stays blank, and one
    that is not a UK postcode or district raises ValidationError (it need not be in the shipped data)."""
    return postcode_normalise(raw)[0] if str(raw or "").strip() else ""


def place_lookup(raw: str) -> Place:
    """Resolve any UK postcode string to its district, coordinates, authority and deprivation (from the cache
    when it was looked up since the reference data last changed)."""
    postcode, outcode = postcode_normalise(raw)
    key = f"place:{postcode.replace(' ', '')}"
    kept = cache.get_many([key, PLACES_VERSION_KEY])  # one round trip
    version = kept.get(PLACES_VERSION_KEY, 0)
    if (found := kept.get(key)) is not None and found[0] == version:
        return found[1]
    place = _place_read(postcode, outcode)
    cache.set(key, (version, place), PLACE_SECONDS)  # kept with the version it was read under
    return place


def places_changed() -> None:
    """The postcodes, districts or local authorities changed: places looked up before are not used again."""
    cache.set(PLACES_VERSION_KEY, cache.get(PLACES_VERSION_KEY, 0) + 1, None)


def _place_read(postcode: str, outcode: str) -> Place:
    """`place_lookup` from the database."""
    district = PostcodeDistrict.objects.select_related("local_authority").filter(outcode=outcode).first()
    if district is None:
        where = (
            f"the postcode district {outcode} of “{postcode}”" if postcode != outcode else f"the district “{outcode}”"
        )
        raise ValidationError(
            "We could not find %(where)s. Check the postcode: only postcodes in Great Britain are covered.",
            code="unknown_postcode",
            params={"where": where, "outcode": outcode, "postcode": postcode},
        )
    # A full postcode loaded from the ONS Postcode Directory (load_postcodes) is more precise.
    full = FullPostcode.objects.filter(postcode=postcode).first() if postcode != outcode else None
    return Place(
        postcode=postcode,
        outcode=outcode,
        latitude=full.latitude if full else district.latitude,
        longitude=full.longitude if full else district.longitude,
        local_authority=district.local_authority,
    )
