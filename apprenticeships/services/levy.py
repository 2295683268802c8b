"""How training is paid for: levy funds, co-investment, levy transfers.

Rates come from settings (LEVY_RATE, LEVY_ALLOWANCE_GBP, LEVY_TOP_UP_RATE, CO_INVESTMENT_RATE,
LEVY_FUNDS_EXPIRY_MONTHS). Until a vacancy is matched to an offer, its training is costed at the
standard's maximum funding band for each position.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import F, OuterRef, Subquery, Sum

from apprenticeships.models import Employer, Vacancy

PENNY = Decimal("0.01")
# Vacancies whose training the employer is planning to pay for.
COMMITTING_STATUSES = [Vacancy.Status.SUBMITTED, Vacancy.Status.LIVE, Vacancy.Status.FILLED]


def _money(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LevyPosition:
    employer_id: int
    is_levy_payer: bool
    annual_pay_bill: Decimal
    annual_levy: Decimal  # what the employer pays in a year, before the government top-up
    top_up: Decimal
    annual_funds: Decimal  # levy plus top-up: what enters the employer's account in a year
    committed: Decimal  # estimated training cost of its submitted, live and filled vacancies
    available: Decimal
    expiry_months: int
    transfer_allowance: Decimal  # most it may give to other employers as levy transfers

    def as_dict(self) -> dict:
        return {
            "employer": self.employer_id,
            "is_levy_payer": self.is_levy_payer,
            "annual_pay_bill": self.annual_pay_bill,
            "annual_levy": self.annual_levy,
            "top_up": self.top_up,
            "annual_funds": self.annual_funds,
            "monthly_funds": _money(self.annual_funds / 12),
            "committed": self.committed,
            "available": self.available,
            "funds_expire_after_months": self.expiry_months,
            "transfer_allowance": self.transfer_allowance,
        }


def annual_levy(pay_bill: Decimal) -> Decimal:
    """0.5% of the pay bill less the £15,000 allowance, never below zero."""
    return _money(max(Decimal(0), pay_bill * settings.LEVY_RATE - settings.LEVY_ALLOWANCE_GBP))


def levy_position(employer: Employer, *, committed: Decimal | None = None) -> LevyPosition:
    """The employer's levy funds for a year and what its vacancies already call on."""
    if committed is None:
        committed = committed_by_employer([employer.pk]).get(employer.pk, Decimal(0))
    committed = Decimal(committed or 0)
    levy = annual_levy(employer.annual_pay_bill) if employer.is_levy_payer else Decimal(0)
    top_up = _money(levy * settings.LEVY_TOP_UP_RATE)
    funds = levy + top_up
    return LevyPosition(
        employer_id=employer.pk,
        is_levy_payer=employer.is_levy_payer,
        annual_pay_bill=employer.annual_pay_bill,
        annual_levy=levy,
        top_up=top_up,
        annual_funds=funds,
        committed=_money(committed),
        available=_money(max(Decimal(0), funds - committed)),
        expiry_months=settings.LEVY_FUNDS_EXPIRY_MONTHS,
        transfer_allowance=_money(funds * settings.LEVY_TRANSFER_MAX_SHARE),
    )


def committed_by_employer(employer_ids: Iterable[int]) -> dict[int, Decimal]:
    """Estimated training cost of each employer's committing vacancies, in one query."""
    rows = (
        Vacancy.objects.filter(employer_id__in=list(employer_ids), status__in=COMMITTING_STATUSES)
        .values("employer_id")
        .annotate(total=Sum(F("standard__max_funding") * F("positions")))
    )
    return {row["employer_id"]: Decimal(row["total"] or 0) for row in rows}


def committed_subquery() -> Subquery:
    """Per vacancy row: its employer's committed training cost, for annotating a list in one query."""
    totals = (
        Vacancy.objects.filter(employer=OuterRef("employer"), status__in=COMMITTING_STATUSES)
        .order_by()
        .values("employer")
        .annotate(total=Sum(F("standard__max_funding") * F("positions")))
        .values("total")
    )
    return Subquery(totals)


def estimated_training_cost(vacancy: Vacancy) -> Decimal:
    return Decimal(vacancy.standard.max_funding) * vacancy.positions


@dataclass(frozen=True)
class Funding:
    method: str  # "levy", "co_investment" or "levy_transfer"
    estimated_cost: Decimal
    employer_pays: Decimal
    government_pays: Decimal
    levy_used: Decimal
    shortfall: Decimal

    @property
    def summary(self) -> str:
        cost = f"£{self.estimated_cost:,.0f}"
        if self.method == "co_investment":
            share = f"{settings.CO_INVESTMENT_RATE:.0%}"
            return (
                f"Co-investment: you pay £{self.employer_pays:,.2f} ({share}) of an estimated {cost}; "
                f"the government pays £{self.government_pays:,.2f}."
            )
        if self.method == "levy":
            return f"Paid from your levy funds: an estimated {cost}."
        return (
            f"Needs a levy transfer: your levy funds cover £{self.levy_used:,.2f} of an estimated {cost}, "
            f"leaving £{self.shortfall:,.2f} to find."
        )

    def as_dict(self) -> dict:
        return {
            "method": self.method,
            "estimated_cost": self.estimated_cost,
            "employer_pays": self.employer_pays,
            "government_pays": self.government_pays,
            "levy_used": self.levy_used,
            "shortfall": self.shortfall,
            "summary": self.summary,
        }


def vacancy_funding(vacancy: Vacancy, position: LevyPosition) -> Funding:
    """How this vacancy's training would be paid for, given the employer's levy position."""
    cost = _money(estimated_training_cost(vacancy))
    zero = Decimal("0.00")
    if not position.is_levy_payer:
        employer_pays = _money(cost * settings.CO_INVESTMENT_RATE)
        return Funding("co_investment", cost, employer_pays, cost - employer_pays, zero, zero)
    # Funds left for this vacancy once the employer's other committing vacancies are paid for.
    own_share = cost if vacancy.pk is not None and vacancy.status in COMMITTING_STATUSES else Decimal(0)
    funds = max(Decimal(0), position.annual_funds - (position.committed - own_share))
    if cost <= funds:
        return Funding("levy", cost, zero, zero, cost, zero)
    return Funding("levy_transfer", cost, zero, zero, _money(funds), _money(cost - funds))
