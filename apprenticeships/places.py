"""Places: postcodes to districts, coordinates, local authorities and deprivation; distances.

Locations are resolved to the postcode district (outcode) centroid from OS Code-Point Open,
which is as precise as the shipped data allows.
"""

import re
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError

from apprenticeships.models import FullPostcode, LocalAuthority, PostcodeDistrict

__all__ = ["Place", "place_lookup", "places_changed", "postcode_normalise", "postcode_tidy"]

# A postcode district's place is kept in the cache (a search by postcode looks one up on every request, and the
# reference data under it changes only when it is reloaded): districts only, about 2,900 keys at most, however
# many postcodes are typed. Each is kept with the token of the reference data it was read under, which the
# loaders replace once they commit (`places_changed`): where the cache is shared (Redis, as in production) a
# reload is seen at once; a process's own cache (the embedded default), or Redis unreachable when the token
# was replaced, keeps the old place for PLACE_SECONDS at most. The key's schema number changes with Place.
PLACE_SECONDS = 10 * 60
PLACES_TOKEN_KEY = "places:token"
PLACE_KEY = "place:1:{outcode}"


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
            params={"postcode": " ".join(parts)[:20], "district": parts[0]},
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
    """Resolve any UK postcode string to its district, coordinates, authority and deprivation; a full postcode
    loaded from the ONS Postcode Directory (load_postcodes) is placed more precisely."""
    postcode, outcode = postcode_normalise(raw)
    latitude, longitude, local_authority = _district_place(postcode, outcode)
    full = FullPostcode.objects.filter(postcode=postcode).first() if postcode != outcode else None
    return Place(
        postcode=postcode,
        outcode=outcode,
        latitude=full.latitude if full else latitude,
        longitude=full.longitude if full else longitude,
        local_authority=local_authority,
    )


def places_changed() -> None:
    """The districts or local authorities changed: places kept before are not used again."""
    cache.set(PLACES_TOKEN_KEY, uuid.uuid4().hex, None)


def _district_place(postcode: str, outcode: str) -> tuple[float, float, LocalAuthority]:
    """The district's centre and local authority: from the cache (`PLACE_KEY`), else the database."""
    key = PLACE_KEY.format(outcode=outcode)
    kept = cache.get_many([key, PLACES_TOKEN_KEY])  # one round trip
    token = kept.get(PLACES_TOKEN_KEY)
    if token is None:  # never set, or lost: a new one, so that nothing kept before it is trusted
        token = uuid.uuid4().hex
        if not cache.add(PLACES_TOKEN_KEY, token, None):
            token = cache.get(PLACES_TOKEN_KEY) or token  # another process set one first
    if (found := kept.get(key)) is not None and found[0] == token:
        return found[1]
    place = _district_read(postcode, outcode)
    cache.set(key, (token, place), PLACE_SECONDS)  # kept with the token it was read under
    return place


def _district_read(postcode: str, outcode: str) -> tuple[float, float, LocalAuthority]:
    """`_district_place` from the database."""
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
    return district.latitude, district.longitude, district.local_authority
