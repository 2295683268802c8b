"""How training is paid for: an employer's Growth and Skills Levy account and each vacancy's funding.

Every rate comes from the dated rule book (apprenticeships/data/funding_rules.json, through
apprenticeships.funding); the account is kept month by month from the employer's declared pay
bills (apprenticeships.services.funding). Until a vacancy is matched to an offer, its training
is costed at the standard's maximum funding band for each position.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.db.models import F, OuterRef, Subquery, Sum
from django.utils import timezone

from apprenticeships.funding.account import (
    AT_RISK_MONTHS,
    Account,
    Commitment,
    Coverage,
    Declaration,
    levy_account,
    money,
)
from apprenticeships.funding.account import annual_levy as levy_for_rules
from apprenticeships.funding.estimate import Estimate, estimate
from apprenticeships.funding.rules import AGE_GROUP_AGES, rules_on
from apprenticeships.models import Employer, Vacancy
from apprenticeships.services.funding import (
    commitments_by_employer,
    declarations_by_employer,
    employer_commitments,
    employer_declarations,
    programme_of,
    vacancy_commitment,
)
from lcr_skills import formats

__all__ = ["annual_levy", "levy_position", "levy_positions", "vacancy_funding"]


def annual_levy(pay_bill: Decimal | int, *, on: date | None = None) -> Decimal:
    """The Growth and Skills Levy for a year: 0.5% of the pay bill less the £15,000 allowance, never below zero."""
    return levy_for_rules(Decimal(pay_bill), rules_on(on or timezone.localdate()))


@dataclass(frozen=True)
class LevyPosition:
    employer_id: int
    is_levy_payer: bool
    annual_pay_bill: Decimal
    annual_levy: Decimal  # what the employer pays in a year
    top_up: Decimal  # the government's top-up on a year's funds entering now (none from August 2026)
    annual_funds: Decimal  # levy plus top-up: what enters the employer's account in a year from now
    committed: Decimal  # payments still to come for its submitted, live and filled vacancies
    available: Decimal  # in the account now, less what is committed
    expiry_months: int  # how long funds entering now last
    transfer_allowance: Decimal  # most it may give to other employers: half the last 12 months' funds
    account: Account = field(repr=False, compare=False)
    declarations: tuple[Declaration, ...] = field(default=(), repr=False, compare=False)
    commitments: tuple[Commitment, ...] = field(default=(), repr=False, compare=False)

    def as_dict(self) -> dict:
        rules = rules_on(self.account.today)
        return {
            "employer": self.employer_id,
            "is_levy_payer": self.is_levy_payer,
            "annual_pay_bill": self.annual_pay_bill,
            "annual_levy": self.annual_levy,
            "top_up": self.top_up,
            "annual_funds": self.annual_funds,
            "monthly_funds": money(self.annual_funds / 12),
            "committed": self.committed,
            "available": self.available,
            "funds_expire_after_months": self.expiry_months,
            "transfer_allowance": self.transfer_allowance,
            "rule_set": rules.name,
            "as_of": self.account.today,
            "balance": self.account.balance,
            "expiring_next_3_months": self.account.expiring_within(AT_RISK_MONTHS),
            "funds_in": [
                {
                    "month": m.month,
                    "levy": m.levy,
                    "top_up": m.top_up,
                    "funds_in": m.funds_in,
                    "expires": m.expires,
                    "expired": m.expired,
                    "paid": m.paid,
                    "balance": m.balance,
                }
                for m in self.account.past_and_present()
                if m.funds_in or m.expired or m.paid
            ],
            "committed_by_vacancy": [
                {
                    "vacancy": c.commitment.key,
                    "title": c.commitment.label,
                    "start_date": c.commitment.start,
                    "duration_months": c.commitment.months,
                    "cost": c.cost,
                    "levy_funds_used": money(c.levy_used),
                    "not_covered": money(c.uncovered),
                    "still_to_pay": money(c.remaining),
                }
                for c in self.account.coverage.values()
            ],
            "projection": [
                {
                    "month": m.month,
                    "funds_in": m.funds_in,
                    "paid": m.paid,
                    "expired": m.expired,
                    "balance": m.balance,
                }
                for m in self.account.projection()
            ],
        }


def levy_positions(employers: Iterable[Employer], *, today: date | None = None) -> dict[int, LevyPosition]:
    """Several employers' accounts, in two queries whatever their number."""
    employers = {e.pk: e for e in employers}
    declarations = declarations_by_employer(employers)
    commitments = commitments_by_employer(employers)
    return {
        pk: levy_position(
            e,
            today=today,
            loaded=(tuple(declarations.get(pk, ())) if e.is_levy_payer else (), tuple(commitments.get(pk, ()))),
        )
        for pk, e in employers.items()
    }


def levy_position(
    employer: Employer,
    *,
    committed: object = None,
    today: date | None = None,
    loaded: tuple[tuple[Declaration, ...], tuple[Commitment, ...]] | None = None,
) -> LevyPosition:
    """The employer's account today: a year's funds, what its vacancies commit, what is left and what may expire.

    `committed` is accepted for callers that used to pass a precomputed total; the account computes it.
    """
    today = today or timezone.localdate()
    if loaded is None:
        loaded = (tuple(employer_declarations(employer)) if employer.is_levy_payer else (),)
        loaded += (tuple(employer_commitments(employer)),)
    declarations, commitments = loaded
    account = levy_account(
        today=today, is_levy_payer=employer.is_levy_payer, declarations=declarations, commitments=commitments
    )
    rules = rules_on(today)
    levy = levy_for_rules(Decimal(employer.annual_pay_bill), rules) if employer.is_levy_payer else Decimal("0.00")
    top_up = money(levy * rules.top_up_rate)
    return LevyPosition(
        employer_id=employer.pk,
        is_levy_payer=employer.is_levy_payer,
        annual_pay_bill=Decimal(employer.annual_pay_bill),
        annual_levy=levy,
        top_up=top_up,
        annual_funds=levy + top_up,
        committed=account.committed,
        available=account.available,
        expiry_months=rules.expiry_months,
        transfer_allowance=money(account.funds_in_last_year() * rules.transfer_share),
        account=account,
        declarations=declarations,
        commitments=commitments,
    )


def committed_subquery() -> Subquery:
    """Per vacancy row: its employer's committed training cost at band prices (kept for list annotations)."""
    totals = (
        Vacancy.objects.filter(employer=OuterRef("employer"), status__in=Vacancy.COMMITTING)
        .order_by()
        .values("employer")
        .annotate(total=Sum(F("standard__max_funding") * F("positions")))
        .values("total")
    )
    return Subquery(totals)


# A vacancy's funding in words, to the employer or to the hub about the employer.
SUMMARY_WORDS = {
    "employer": {"you": "you", "your": "your", "pay": "pay", "are": "are", "co-invest": "co-invest"},
    "hub": {"you": "the employer", "your": "the employer's", "pay": "pays", "are": "is", "co-invest": "co-invests"},
}


@dataclass(frozen=True)
class Funding:
    method: str  # "levy", "co_investment" or "levy_transfer"
    estimated_cost: Decimal
    employer_pays: Decimal  # the most, over the age groups the vacancy is open to
    government_pays: Decimal
    levy_used: Decimal
    shortfall: Decimal
    co_investment_rate: Decimal
    by_age_group: tuple[tuple[str, Estimate], ...] = ()

    @property
    def summary(self) -> str:
        """In words, to the employer."""
        return self.described("employer")

    @property
    def summary_for_hub(self) -> str:
        """In words, about the employer (the hub's QA page)."""
        return self.described("hub")

    def described(self, reader: str) -> str:
        w = SUMMARY_WORDS[reader]
        cost = formats.money(self.estimated_cost)
        share = f"{(self.co_investment_rate * 100).normalize():f}%"
        if self.method == "co_investment":
            return (
                f"Co-investment: {w['you']} {w['pay']} up to {formats.money(self.employer_pays)} ({share} for the "
                f"oldest apprentices {w['you']} {w['are']} open to) of an estimated {cost}; the government pays "
                "the rest."
            )
        if self.method == "levy":
            return f"Paid from {w['your']} levy funds: an estimated {cost}."
        return (
            f"Needs a levy transfer: {w['your']} levy funds cover {formats.money(self.levy_used)} of an estimated "
            f"{cost}, leaving {formats.money(self.shortfall)} to find from a transfer, or {w['you']} {w['co-invest']} "
            f"{share} of it."
        )

    def as_dict(self) -> dict:
        return {
            "method": self.method,
            "estimated_cost": self.estimated_cost,
            "employer_pays": self.employer_pays,
            "government_pays": self.government_pays,
            "levy_used": self.levy_used,
            "shortfall": self.shortfall,
            "co_investment_rate": self.co_investment_rate,
            "summary": self.summary,
            "by_age_group": [{"age_group": group, **estimate.as_dict()} for group, estimate in self.by_age_group],
        }


def _coverage(vacancy: Vacancy, position: LevyPosition) -> Coverage:
    """This vacancy's share of the account: as committed, or as if it were added after everything committed."""
    covered = position.account.coverage.get(vacancy.pk)
    if covered is not None:
        return covered
    planned = replace(vacancy_commitment(vacancy), key="planned", order=1)
    account = levy_account(
        today=position.account.today,
        is_levy_payer=position.is_levy_payer,
        declarations=position.declarations,
        commitments=[*position.commitments, planned],
    )
    return account.coverage["planned"]


def vacancy_funding(vacancy: Vacancy, *, position: LevyPosition) -> Funding:
    """How this vacancy's training would be paid for, given the employer's account, for each age group."""
    cost = money(Decimal(vacancy.standard.max_funding) * vacancy.positions)
    rules = rules_on(vacancy.start_date)
    # A committed vacancy (submitted, live or filled) is estimated where the account has it, as the
    # summary's levy funds are (`_coverage`); any other as if added after everything committed.
    place = {"key": vacancy.pk, "order": 0} if vacancy.pk in position.account.coverage else {}
    by_age = tuple(
        (
            group,
            estimate(
                programme_of(vacancy.standard),
                start_date=vacancy.start_date,
                apprentice_age=AGE_GROUP_AGES[group],
                today=position.account.today,
                is_levy_payer=position.is_levy_payer,
                duration_months=vacancy.planned_duration_months,
                hours_per_week=vacancy.hours_per_week,
                declarations=position.declarations,
                commitments=[c for c in position.commitments if c.key != vacancy.pk],
                positions=vacancy.positions,
                **place,
            ),
        )
        for group in (vacancy.age_groups or list(AGE_GROUP_AGES))
        if group in AGE_GROUP_AGES
    )
    zero = Decimal("0.00")
    if not position.is_levy_payer:
        employer_pays = max((e.employer_pays for _, e in by_age), default=zero)
        rate = rules.non_levy_co_investment
        return Funding("co_investment", cost, employer_pays, cost - employer_pays, zero, zero, rate, by_age)
    covered = _coverage(vacancy, position)
    levy_used = money(min(covered.levy_used, cost))
    rate = rules.levy_payer_co_investment
    shortfall = money(cost - levy_used)
    if not shortfall:
        return Funding("levy", cost, zero, zero, cost, zero, rate, by_age)
    employer_pays = money(shortfall * rate)
    return Funding("levy_transfer", cost, employer_pays, shortfall - employer_pays, levy_used, shortfall, rate, by_age)
