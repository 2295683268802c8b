"""Who pays what for one apprenticeship, under the rules in force on its start date."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from apprenticeships.funding.account import Commitment, Declaration, levy_account, money
from apprenticeships.funding.rules import MINIMUM_APPRENTICE_AGE, Incentive, RuleSet, rules_on
from lcr_skills import formats

ESTIMATE_KEY = "estimate"


@dataclass(frozen=True)
class Programme:
    """The standard as the rules see it."""

    band_max: Decimal
    level: int
    is_foundation: bool
    typical_duration_months: int


@dataclass
class Estimate:
    rule_set: RuleSet
    band_max: Decimal
    price: Decimal
    eligible: bool
    reason: str
    levy_funds_used: Decimal
    government_pays: Decimal
    employer_pays: Decimal
    employer_excess: Decimal
    co_investment_rate: Decimal
    incentives: list[Incentive]
    minimum_hourly_wage: Decimal
    minimum_duration_months: int
    duration_months: int
    explanation: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """Money as decimal strings in pounds, for the API."""
        return {
            "rule_set": self.rule_set.name,
            "rule_set_source": self.rule_set.source,
            "band_max": str(self.band_max),
            "price": str(self.price),
            "eligible": self.eligible,
            "reason": self.reason,
            "levy_funds_used": str(self.levy_funds_used),
            "government_pays": str(self.government_pays),
            "employer_pays": str(self.employer_pays),
            "employer_excess": str(self.employer_excess),
            "co_investment_rate": str(self.co_investment_rate),
            "incentives": [{"name": i.name, "amount": str(money(i.amount))} for i in self.incentives],
            "minimum_hourly_wage": str(self.minimum_hourly_wage),
            "minimum_duration_months": self.minimum_duration_months,
            "duration_months": self.duration_months,
            "explanation": self.explanation,
        }


def _pounds(value: Decimal) -> str:
    return formats.money(value)


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def ineligibility(programme: Programme, rules: RuleSet, *, age: int, ehc: bool) -> str:
    """Why nothing would be funded, or "" when the apprenticeship can be funded."""
    if age < MINIMUM_APPRENTICE_AGE:
        return f"An apprentice must be at least {MINIMUM_APPRENTICE_AGE} at the start."
    if programme.level == 7 and not rules.level_7_allows(age, ehc=ehc):
        return (
            f"Under these rules level 7 apprenticeships are funded only for apprentices aged {MINIMUM_APPRENTICE_AGE} "
            f"to {rules.level_7_max_age} at the start ({rules.level_7_max_age_ehc} with an EHC plan or for care "
            "leavers)."
        )
    if programme.is_foundation and not rules.foundation_available:
        return "Foundation apprenticeships are funded for starts from 1 August 2025."
    if programme.is_foundation and not rules.foundation_allows(age, ehc=ehc):
        return (
            f"Foundation apprenticeships are for apprentices aged {rules.foundation_min_age} to "
            f"{rules.foundation_max_age} ({rules.foundation_max_age_ehc} with an EHC plan or for care leavers)."
        )
    return ""


def estimate(
    programme: Programme,
    *,
    start_date: date,
    apprentice_age: int,
    today: date,
    is_levy_payer: bool,
    price: Decimal | None = None,
    duration_months: int | None = None,
    hours_per_week: Decimal | None = None,
    ehc_plan_or_care_leaver: bool = False,
    declarations: Iterable[Declaration] = (),
    commitments: Iterable[Commitment] = (),
    positions: int = 1,
    key: object = ESTIMATE_KEY,
    order: int = 1,
) -> Estimate:
    """Who pays what for `positions` apprentices of this age starting on `start_date`.

    `key` and `order` place the training among the account's `commitments` (which must not hold it):
    by default after everything committed to start in the same month; a committed vacancy's own key
    and order 0 put it where the account has it, so that it draws on the levy as it does there.
    """
    rules = rules_on(start_date)
    band = money(programme.band_max)
    price = money(band if price is None else price)
    ehc = ehc_plan_or_care_leaver
    duration = int(duration_months or programme.typical_duration_months)
    minimum = rules.minimum_duration_for(hours_per_week)
    funded_each = min(price, band)
    excess = money((price - funded_each) * positions)
    funded = money(funded_each * positions)
    explain = [f"The {rules.name} funding rules apply to a start on {formats.long_date(start_date)}."]
    if excess:
        explain.append(
            f"The price is {_pounds(price - funded_each)} above the funding band of {_pounds(band)}: "
            "the employer pays that excess in full."
        )
    reason = ineligibility(programme, rules, age=apprentice_age, ehc=ehc)
    incentives: list[Incentive] = []
    zero = Decimal("0.00")
    if reason:
        explain.append(reason + " Nothing is funded: the employer would pay the whole price.")
        levy_used, government, employer, rate = zero, zero, funded, Decimal("1")
    else:
        levy_used = zero
        if is_levy_payer:
            planned = Commitment(key, "this estimate", start_date, max(duration, 1), funded, order=order)
            account = levy_account(
                today=today, is_levy_payer=True, declarations=declarations, commitments=[*commitments, planned]
            )
            levy_used = money(account.coverage[key].levy_used)
            rate = rules.levy_payer_co_investment
            explain.append(
                f"Levy funds in the employer's account would pay {_pounds(levy_used)} of {_pounds(funded)}, "
                "taken month by month as the training is paid for (80% over the duration, 20% on completion)."
            )
        else:
            rate = rules.non_levy_rate_for(apprentice_age, ehc=ehc)
        rest = funded - levy_used
        employer = money(rest * rate)
        government = money(rest - employer)
        if rest:
            who = "A levy payer whose funds run out" if is_levy_payer else "A non-levy employer"
            explain.append(
                f"{who} co-invests {_percent(rate)} of the rest for an apprentice aged {apprentice_age}: "
                f"the employer pays {_pounds(employer)} and the government {_pounds(government)}."
            )
        incentives = rules.incentives_for(
            age=apprentice_age, ehc=ehc, levy_payer=is_levy_payer, foundation=programme.is_foundation
        )
        for incentive in incentives:
            amount = _pounds(money(incentive.amount))
            explain.append(f"{incentive.name}: {amount} to the employer, paid {incentive.paid}.")
    explain.append(
        f"The apprentice minimum wage on the start date is {_pounds(rules.minimum_hourly_wage)} an hour; "
        f"the apprenticeship must last at least {minimum} months"
        + (f" at {Decimal(hours_per_week):g} hours a week." if hours_per_week else ".")
    )
    return Estimate(
        rule_set=rules,
        band_max=band,
        price=price,
        eligible=not reason,
        reason=reason,
        levy_funds_used=levy_used,
        government_pays=government,
        employer_pays=employer,
        employer_excess=excess,
        co_investment_rate=rate,
        incentives=incentives,
        minimum_hourly_wage=rules.minimum_hourly_wage,
        minimum_duration_months=minimum,
        duration_months=duration,
        explanation=explain,
    )
