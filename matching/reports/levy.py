"""Levy: levy payers' funds, what their vacancies commit, what agreed matches use, what may expire."""

from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Expression, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Least, Round

from apprenticeships.models import Employer
from apprenticeships.services.levy import COMMITTING_STATUSES
from matching.models import Suggestion
from matching.reports.common import MONEY, OUTSIDE, S, area_keys, city_region_authorities

LEVY_AT_RISK_HORIZON_MONTHS = 3  # "funds at risk of expiring in the next 3 months" (issue 6)


def _money(expression: Expression) -> Expression:
    return ExpressionWrapper(expression, output_field=MONEY)


def annual_funds() -> Expression:
    """An employer's levy plus the government top-up for a year, as levy.levy_position rounds them."""
    levy = _money(Greatest(F("annual_pay_bill") * settings.LEVY_RATE - settings.LEVY_ALLOWANCE_GBP, Value(0)))
    return _money(Round(levy, 2) + Round(levy * settings.LEVY_TOP_UP_RATE, 2))


def funds_at_risk(funds: Expression, committed: Expression) -> Expression:
    """Levy funds likely to expire in the next LEVY_AT_RISK_HORIZON_MONTHS months: max(0, H·m − committed).

    An estimate: the employer has paid in steadily for the last LEVY_FUNDS_EXPIRY_MONTHS (E)
    months, m = annual funds / 12 a month, so its account holds E·m; spending takes the oldest
    funds first (as the levy does), and the cost of its committed vacancies is that spending.
    What is left of the oldest H months' inflow, the part older than E − H months, expires within
    H months: max(0, E·m − committed − (E − H)·m) = max(0, H·m − committed), whatever E is.
    """
    horizon = Value(Decimal(LEVY_AT_RISK_HORIZON_MONTHS) / 12, output_field=MONEY)
    return _money(Greatest(funds * horizon - committed, Value(0)))


def levy_payers(*fields: str) -> QuerySet:
    """One row per levy-paying employer (and `fields`): its area, a year's funds and its committed cost."""
    committed = Sum(
        F("vacancies__standard__max_funding") * F("vacancies__positions"),
        filter=Q(vacancies__status__in=COMMITTING_STATUSES),
    )
    return (
        Employer.objects.filter(is_levy_payer=True)
        .values("id", *fields)
        .annotate(**area_keys("local_authority"), funds=annual_funds(), committed=_money(Coalesce(committed, Value(0))))
        .order_by()
    )


def _levy_measures(where: Q) -> dict[str, Expression]:
    funds, committed = F("funds"), F("committed")
    unused = _money(Greatest(funds - committed, Value(0)))
    return {
        "levy_payers": Count("id", filter=where),
        "annual_funds": Sum(funds, filter=where),
        "committed_cost": Sum(committed, filter=where),
        "available": Sum(unused, filter=where),
        "at_risk": Sum(funds_at_risk(funds, committed), filter=where),
        "transferable": Sum(_money(Least(funds * settings.LEVY_TRANSFER_MAX_SHARE, unused)), filter=where),
        "needing_transfer": Count("id", filter=where & Q(committed__gt=funds)),
        "shortfall": Sum(_money(Greatest(committed - funds, Value(0))), filter=where),
    }


def levy_by_authority(*, authorities: list[dict] | None = None) -> list[dict]:
    """Levy payers' funds per area: a year's funds, committed, available, agreed use, at risk, transfers."""
    authorities = city_region_authorities() if authorities is None else authorities
    areas = [(a["name"], a["code"]) for a in authorities] + [(OUTSIDE, "")]
    # Two levels in one query: per employer (a year's funds less its commitments, floored at nothing),
    # then per area; the sums of the floors can't come from one GROUP BY.
    totals = levy_payers().aggregate(
        **{
            f"{measure}__{i}": aggregate
            for i, (name, _) in enumerate(areas)
            for measure, aggregate in _levy_measures(Q(area=name)).items()
        }
    )
    used = dict(
        Suggestion.objects.filter(status=S.AGREED, vacancy__employer__is_levy_payer=True)
        .values(area=area_keys("vacancy__employer__local_authority")["area"])
        .annotate(total=Sum(F("course_offer__price") * F("vacancy__positions")))
        .order_by()
        .values_list("area", "total")
    )
    rows = []
    for i, (name, code) in enumerate(areas):
        row = {"area": name, "area_code": code, **{m: totals[f"{m}__{i}"] or 0 for m in _levy_measures(Q())}}
        if row["levy_payers"]:
            rows.append({**row, "agreed_use": used.get(name) or 0})  # one apprentice per position at its price
    return rows


def levy_transfers_needed(*, limit: int | None = None) -> list[dict]:
    """Levy payers whose committed vacancies cost more than a year's funds: biggest shortfall first."""
    rows = (
        levy_payers("name")
        .filter(committed__gt=F("funds"))
        .annotate(employer_id=F("id"), annual_funds=F("funds"), committed_cost=F("committed"))
        .annotate(shortfall=_money(F("committed") - F("funds")))
        .order_by("-shortfall", "name")
    )
    return list(rows[:limit] if limit else rows)
