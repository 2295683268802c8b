"""Full postcodes from the ONS Postcode Directory (ONSPD), loaded by the hub with `load_postcodes`.

Columns read (ONSPD user guide): `pcds` (the postcode with one space, "L1 8JQ"), `lat`, `long`
(WGS84; 99.999999 / 0.000000 where the postcode has no grid reference), `oslaua` (local
authority district GSS code), `lsoa21` (2021 LSOA code), `doterm` (date terminated; empty while
live). Every other column is ignored.
"""

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

from django.db import transaction

from apprenticeships.models import FullPostcode, LocalAuthority, Neighbourhood

REQUIRED_COLUMNS = ("pcds", "lat", "long", "oslaua", "lsoa21")
NO_GRID_REFERENCE_LATITUDE = 99.999999
BATCH = 5000


class PostcodeFileError(ValueError):
    pass


@dataclass
class PostcodeLoad:
    loaded: int = 0
    skipped_terminated: int = 0
    skipped_unlocated: int = 0
    skipped_outside: int = 0


def _rows(handle: TextIO) -> Iterable[dict[str, str]]:
    reader = csv.DictReader(handle)
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise PostcodeFileError(f"The file has no {', '.join(missing)} column: is it the ONS Postcode Directory CSV?")
    yield from reader


@transaction.atomic
def postcodes_load(*, handle: TextIO, everywhere: bool = False) -> PostcodeLoad:
    """Replace the full-postcode table with the file's live, located postcodes (the city region's unless everywhere)."""
    region = set(LocalAuthority.objects.filter(in_city_region=True).values_list("code", flat=True))
    ranks = dict(Neighbourhood.objects.values_list("code", "imd_rank"))
    result, batch = PostcodeLoad(), []
    rows = _rows(handle)
    FullPostcode.objects.all().delete()
    for row in rows:
        if row.get("doterm", "").strip():
            result.skipped_terminated += 1
            continue
        if not everywhere and row["oslaua"] not in region:
            result.skipped_outside += 1
            continue
        try:
            latitude, longitude = float(row["lat"]), float(row["long"])
        except ValueError:
            latitude, longitude = NO_GRID_REFERENCE_LATITUDE, 0.0
        if latitude >= NO_GRID_REFERENCE_LATITUDE or (latitude == 0 and longitude == 0):
            result.skipped_unlocated += 1
            continue
        batch.append(
            FullPostcode(
                postcode=row["pcds"].strip().upper()[:8],
                latitude=latitude,
                longitude=longitude,
                local_authority_code=row["oslaua"][:9],
                lsoa21=row["lsoa21"][:9],
                imd_rank=ranks.get(row["lsoa21"]),
            )
        )
        if len(batch) >= BATCH:
            FullPostcode.objects.bulk_create(batch, ignore_conflicts=True)
            result.loaded += len(batch)
            batch = []
    FullPostcode.objects.bulk_create(batch, ignore_conflicts=True)
    result.loaded += len(batch)
    return result
