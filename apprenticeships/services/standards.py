"""Standards from a Skills England / IfATE catalogue export: retired, foundation and level 7 marked."""

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from apprenticeships.models import Standard, StandardsCatalogue

RETIRED = {"retired", "withdrawn", "retired from delivery", "withdrawn from delivery"}


class CatalogueError(ValueError):
    """The export can't be loaded; the message names the row and column."""


def _get(row: dict, *names: str) -> object:
    for name in names:
        if row.get(name) not in (None, ""):
            return row[name]
    return None


def _whole(row: dict, number: int, *names: str) -> int:
    value = _get(row, *names)
    try:
        return int(float(str(value).replace(",", "").lstrip("£")))
    except (TypeError, ValueError):
        raise CatalogueError(f"Row {number}: {names[0]} must be a whole number, not {value!r}.") from None


def _foundation(row: dict) -> bool:
    flag = _get(row, "is_foundation", "isFoundation")
    if flag is not None:
        return str(flag).strip().lower() in {"true", "1", "yes", "y"}
    return "foundation" in str(_get(row, "apprenticeshipType", "apprenticeship_type") or "").lower()


def _joined(value: object) -> str:
    return "|".join(str(v) for v in value) if isinstance(value, list) else str(value or "")


def standard_fields(row: dict, *, number: int) -> dict:
    """One export row as Standard fields, or CatalogueError naming what is wrong."""
    if not isinstance(row, dict):
        raise CatalogueError(f"Row {number}: expected an object with named columns.")
    fields = {
        "lars_code": _whole(row, number, "lars_code", "larsCode"),
        "title": str(_get(row, "title") or "").strip()[:255],
        "level": _whole(row, number, "level"),
        "route": str(_get(row, "route") or "").strip()[:100],
        "typical_duration_months": _whole(row, number, "typical_duration_months", "typicalDuration"),
        "max_funding": _whole(row, number, "max_funding", "maxFunding", "max_funding_gbp"),
        "reference": str(_get(row, "reference", "referenceNumber") or "").strip()[:10],
        "keywords": _joined(_get(row, "keywords")),
        "typical_job_titles": _joined(_get(row, "typical_job_titles", "typicalJobTitles")),
        "overview": str(_get(row, "overview_of_role", "overviewOfRole", "overview") or ""),
        "is_foundation": _foundation(row),
    }
    status = str(_get(row, "status") or "approved for delivery").strip().lower()
    fields["status"] = Standard.Status.RETIRED if status in RETIRED else Standard.Status.APPROVED
    if not fields["title"] or not fields["route"]:
        raise CatalogueError(f"Row {number}: title and route are required.")
    if not 2 <= fields["level"] <= 7:
        raise CatalogueError(f"Row {number}: level must be 2 to 7, not {fields['level']}.")
    if fields["lars_code"] < 1 or fields["typical_duration_months"] < 1 or fields["max_funding"] < 0:
        raise CatalogueError(f"Row {number}: LARS code and duration must be positive, the band not negative.")
    return fields


@transaction.atomic
def standards_load(rows: Iterable[dict], *, source: str, published_on: date | None = None) -> StandardsCatalogue:
    """Add or update every standard of the export (all rows or none) and record the load."""
    wanted = [standard_fields(row, number=number) for number, row in enumerate(rows, start=1)]
    if not wanted:
        raise CatalogueError("The export has no rows.")
    for fields in wanted:
        lars_code = fields.pop("lars_code")
        Standard.objects.update_or_create(lars_code=lars_code, defaults=fields)
    return StandardsCatalogue.objects.create(
        source=source,
        published_on=published_on,
        standards=len(wanted),
        retired=sum(f["status"] == Standard.Status.RETIRED for f in wanted),
        foundation=sum(f["is_foundation"] for f in wanted),
        level_7=sum(f["level"] == 7 for f in wanted),
    )
