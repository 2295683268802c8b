"""Loads the shipped reference data (standards, places, deprivation) idempotently and in bulk.

Each dataset is synced by its natural key: new rows are created, changed rows updated, unchanged
rows left alone, so a second run creates nothing. Fields that hub staff manage (a standard's
status) are set on creation only.
"""

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import models, transaction

from apprenticeships.models import LocalAuthority, Lsoa, PostcodeDistrict, Standard
from apprenticeships.places import places_changed
from apprenticeships.transport.reference import transport_reference_load

Progress = Callable[[int], None]


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def _read_csv(name: str) -> list[dict[str, str]]:
    path = Path(settings.REFERENCE_DATA_DIR) / name
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _decimal_or_none(value: str) -> Decimal | None:
    return Decimal(value) if value.strip() else None


def _int_or_none(value: str) -> int | None:
    return int(value) if value.strip() else None


def _sync(
    model: type[models.Model],
    key: str,
    wanted: dict[object, dict],
    *,
    create_only: Iterable[str] = (),
    progress: Progress = lambda n: None,
) -> SyncResult:
    """Make the table hold `wanted` (natural key -> field values) without touching other rows."""
    result = SyncResult()
    existing = model.objects.in_bulk(list(wanted), field_name=key)
    to_create, to_update, changed_fields = [], [], set()
    for natural_key, values in wanted.items():
        obj = existing.get(natural_key)
        if obj is None:
            to_create.append(model(**{key: natural_key}, **values))
            continue
        diff = [f for f, v in values.items() if f not in create_only and getattr(obj, f) != v]
        for field in diff:
            setattr(obj, field, values[field])
        if diff:
            to_update.append(obj)
            changed_fields.update(diff)
        else:
            result.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=1000)
    result.created, result.updated = len(to_create), len(to_update)
    progress(len(wanted))
    return result


def _clean_authority_name(name: str) -> str:
    # Code-Point Open writes "Liverpool District (B)", "Camden London Boro"; people write "Liverpool".
    name = re.sub(r"\s*\(B\)$", "", name.strip())
    return re.sub(r"\s+(District|London Boro)$", "", name)


def local_authorities_wanted() -> dict[str, dict]:
    imd_by_code = {row["lad19cd"]: row for row in _read_csv("lad_imd2019.csv")}
    imd_by_name = {row["lad19nm"]: row for row in imd_by_code.values()}
    city_region = set(settings.CITY_REGION_AUTHORITY_CODES)
    wanted: dict[str, dict] = {}
    for row in _read_csv("outcodes.csv"):
        code = row["admin_district_code"]
        if code not in wanted:
            wanted[code] = {
                "name": _clean_authority_name(row["admin_district_name"]),
                "country_code": row["country_code"],
            }
    current_english_names = {values["name"] for code, values in wanted.items() if code.startswith("E")}
    for code, row in imd_by_code.items():
        # Districts abolished since 2019 keep their IMD record even with no postcode district now.
        # A district that only changed its code (matched by name below) is not abolished: one row,
        # so that each of the 317 IMD records belongs to exactly one authority.
        if code not in wanted and row["lad19nm"] in current_english_names:
            continue
        wanted.setdefault(code, {"name": row["lad19nm"], "country_code": "E92000001"})
    for code, values in wanted.items():
        # Barnsley and Sheffield changed code after a 2023 boundary change; IMD 2019 has the old one.
        imd = imd_by_code.get(code) or (imd_by_name.get(values["name"]) if code.startswith("E") else None)
        if imd:
            values["name"] = imd["lad19nm"]
        values.update(
            in_city_region=code in city_region,
            imd_rank=_int_or_none(imd["imd_rank_of_average_score"]) if imd else None,
            imd_average_score=_decimal_or_none(imd["imd_average_score"]) if imd else None,
            imd_rank_of_average_rank=_int_or_none(imd["imd_rank_of_average_rank"]) if imd else None,
            imd_prop_lsoas_most_deprived_10pct=(
                _decimal_or_none(imd["imd_prop_lsoas_most_deprived_10pct"]) if imd else None
            ),
            imd_rank_of_prop_lsoas_most_deprived_10pct=(
                _int_or_none(imd["imd_rank_of_prop_lsoas_most_deprived_10pct"]) if imd else None
            ),
        )
    return wanted


def postcode_districts_wanted(authority_ids: dict[str, int]) -> dict[str, dict]:
    return {
        row["outcode"]: {
            "postcode_area": row["postcode_area"],
            "latitude": float(row["latitude"]),
            "longitude": float(row["longitude"]),
            "local_authority_id": authority_ids[row["admin_district_code"]],
            "postcodes_total": int(row["postcodes_total"]),
        }
        for row in _read_csv("outcodes.csv")
    }


def lsoas_wanted(authority_ids: dict[str, int]) -> dict[str, dict]:
    return {
        row["lsoa11cd"]: {
            "name": row["lsoa11nm"],
            "local_authority_id": authority_ids[row["lad19cd"]],
            "imd_rank": int(row["imd_rank"]),
            "imd_decile": int(row["imd_decile"]),
        }
        for row in _read_csv("lsoa_imd2019_lcr.csv")
    }


def standards_wanted() -> dict[int, dict]:
    return {
        int(row["lars_code"]): {
            "title": row["title"],
            "level": int(row["level"]),
            "route": row["route"],
            "typical_duration_months": int(row["typical_duration_months"]),
            "max_funding": int(row["max_funding_gbp"]),
            "keywords": row["keywords"],
            "typical_job_titles": row["typical_job_titles"],
            "overview": row["overview_of_role"],
            "status": Standard.Status.APPROVED,
        }
        for row in _read_csv("standards.csv")
    }


def reference_data_row_count() -> int:
    """How many rows a full load reads, for a progress bar."""
    return sum(
        len(_read_csv(name))
        for name in (
            "standards.csv",
            "outcodes.csv",
            "lsoa_imd2019_lcr.csv",
            "transport/lsoa21_pop_centroids_lcr.csv",
            "transport/naptan_stops_lcr.csv",
        )
    ) + len(local_authorities_wanted())


@transaction.atomic
def reference_data_load(*, progress: Progress = lambda n: None) -> dict[str, SyncResult]:
    """Load or refresh every reference dataset the service uses; safe to run again."""
    results = {"local authorities": _sync(LocalAuthority, "code", local_authorities_wanted(), progress=progress)}
    authority_ids = dict(LocalAuthority.objects.values_list("code", "id"))
    results["postcode districts"] = _sync(
        PostcodeDistrict, "outcode", postcode_districts_wanted(authority_ids), progress=progress
    )
    results["LSOAs"] = _sync(Lsoa, "code", lsoas_wanted(authority_ids), progress=progress)
    results["standards"] = _sync(Standard, "lars_code", standards_wanted(), create_only=["status"], progress=progress)
    results.update(transport_reference_load(_read_csv, _sync, progress))
    transaction.on_commit(places_changed, robust=True)
    return results
