"""What the reports share: areas, deciles and summing grouped rows (status groups are on the Suggestion model)."""

from django.db.models import Case, Count, DecimalField, Expression, F, Q, Value, When

from apprenticeships.models import LocalAuthority, Standard
from matching.models import Suggestion

S = Suggestion.Status
OUTSIDE = "Outside the city region"
# IMD 2019 ranks England's 317 local authority districts; 1 = most deprived.
IMD_AUTHORITIES = 317
MONEY = DecimalField(max_digits=16, decimal_places=2)


# --- Areas: the city region's six authorities one by one, everywhere else together -----------


def area_keys(path: str) -> dict[str, Expression]:
    """Group keys for the local authority at `path`: its name and code, or OUTSIDE."""
    inside = Q(**{f"{path}__in_city_region": True})
    return {
        "area": Case(When(inside, then=F(f"{path}__name")), default=Value(OUTSIDE)),
        "area_code": Case(When(inside, then=F(f"{path}__code")), default=Value("")),
    }


def area_order(row: dict) -> tuple:
    return (row["area"] == OUTSIDE, row["area"])


def city_region_authorities() -> list[dict]:
    """The city region's authorities, with how many neighbourhoods (LSOAs) each has."""
    return list(
        LocalAuthority.objects.filter(in_city_region=True)
        .annotate(lsoa_count=Count("lsoas"))
        .values("name", "code", "lsoa_count")
        .order_by("name")
    )


def every_authority(rows: list[dict], authorities: list[dict], zero: dict) -> list[dict]:
    """The grouped rows, plus a row of zeros for each city region authority that had none, in area order."""
    present = {row["area"] for row in rows}
    missing = [{"area": a["name"], "area_code": a["code"], **zero} for a in authorities if a["name"] not in present]
    return sorted(rows + missing, key=area_order)


def decile(path: str) -> Expression:
    """The IMD 2019 decile of the local authority at `path` among England's 317 (1 = most deprived)."""
    rank = F(f"{path}__imd_rank")
    return Case(When(**{f"{path}__imd_rank__isnull": True}, then=None), default=(rank - 1) * 10 / IMD_AUTHORITIES + 1)


def share(part: int | None, whole: int) -> float | None:
    return round(100 * (part or 0) / whole, 1) if whole else None


def summed(rows: list[dict], by: tuple[str, ...], fields: tuple[str, ...]) -> list[dict]:
    """Sum `fields` of already aggregated rows for each value of `by` (rows per standard and area at most)."""
    totals: dict[tuple, dict] = {}
    for row in rows:
        total = totals.setdefault(tuple(row[k] for k in by), {**{k: row[k] for k in by}, **dict.fromkeys(fields, 0)})
        for field in fields:
            total[field] += row[field] or 0
    return list(totals.values())


def standard_names(ids: set[int]) -> dict[int, dict]:
    """Standards' codes and names, looked up once rather than grouped by (text makes grouping slow)."""
    rows = Standard.objects.filter(id__in=ids).values("id", "lars_code", "level", "route", standard_title=F("title"))
    return {row.pop("id"): row for row in rows}
