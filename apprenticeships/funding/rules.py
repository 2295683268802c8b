"""The dated rule book: every funding rate, age limit and minimum as data with its source."""

import json
import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "funding_rules.json"

AGE_GROUPS = ("16-18", "19-21", "22-24", "25+")
# Each age group as the pages say it ("16-18" is a key, not words).
AGE_GROUP_WORDS = {"16-18": "16 to 18", "19-21": "19 to 21", "22-24": "22 to 24", "25+": "25 and over"}
# The youngest age in each group stands for the whole group: every rule's age limit (18, 21, 24) ends a group.
AGE_GROUP_AGES = {"16-18": 16, "19-21": 19, "22-24": 22, "25+": 25}
MINIMUM_APPRENTICE_AGE = 16


@dataclass(frozen=True)
class Incentive:
    name: str
    amount: Decimal
    min_age: int
    max_age: int
    max_age_ehc_or_care_leaver: int
    employer: str  # "any" or "non_levy"
    foundation: bool | None  # None: either
    paid: str
    source: str

    def applies(self, *, age: int, ehc: bool, levy_payer: bool, foundation: bool) -> bool:
        top = max(self.max_age, self.max_age_ehc_or_care_leaver) if ehc else self.max_age
        if not self.min_age <= age <= top:
            return False
        if self.employer == "non_levy" and levy_payer:
            return False
        return self.foundation is None or self.foundation == foundation


@dataclass(frozen=True)
class RuleSet:
    """All the rules in force from `effective_from` to `effective_to` (None: still in force)."""

    name: str
    effective_from: date
    effective_to: date | None
    source: str
    levy_rate: Decimal
    levy_allowance: Decimal
    top_up_rate: Decimal
    expiry_months: int
    transfer_share: Decimal
    levy_payer_co_investment: Decimal
    non_levy_co_investment: Decimal
    non_levy_exempt_to_age: int
    non_levy_exempt_to_age_ehc: int
    level_7_max_age: int | None
    level_7_max_age_ehc: int | None
    price_above_band_allowed: bool
    minimum_hourly_wage: Decimal
    minimum_duration_months: int
    full_time_hours: int
    foundation_available: bool
    foundation_min_age: int
    foundation_max_age: int
    foundation_max_age_ehc: int
    incentives: tuple[Incentive, ...]
    sources: dict

    def covers(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def minimum_duration_for(self, hours_per_week: Decimal | float | int | None) -> int:
        """Months: the minimum, extended in proportion under full-time hours (8 × 30 ÷ hours), rounded up."""
        base = self.minimum_duration_months
        if hours_per_week is None or Decimal(hours_per_week) >= self.full_time_hours or Decimal(hours_per_week) <= 0:
            return base
        return math.ceil(Decimal(base) * self.full_time_hours / Decimal(hours_per_week))

    def non_levy_rate_for(self, age: int, *, ehc: bool) -> Decimal:
        exempt_to = self.non_levy_exempt_to_age
        if ehc:
            exempt_to = max(exempt_to, self.non_levy_exempt_to_age_ehc)
        return Decimal(0) if age <= exempt_to else self.non_levy_co_investment

    def level_7_allows(self, age: int, *, ehc: bool) -> bool:
        if self.level_7_max_age is None:
            return True
        top = max(self.level_7_max_age, self.level_7_max_age_ehc or 0) if ehc else self.level_7_max_age
        return age <= top

    def foundation_allows(self, age: int, *, ehc: bool) -> bool:
        top = max(self.foundation_max_age, self.foundation_max_age_ehc) if ehc else self.foundation_max_age
        return self.foundation_min_age <= age <= top

    def incentives_for(self, *, age: int, ehc: bool, levy_payer: bool, foundation: bool) -> list[Incentive]:
        return [i for i in self.incentives if i.applies(age=age, ehc=ehc, levy_payer=levy_payer, foundation=foundation)]


class NoRuleSet(LookupError):
    """No rule set in the rule book covers the date."""


def _rule_set(raw: dict) -> RuleSet:
    levy, co, l7 = raw["levy"], raw["co_investment"], raw["level_7"]
    foundation = raw["foundation"]
    return RuleSet(
        name=raw["name"],
        effective_from=date.fromisoformat(raw["effective_from"]),
        effective_to=date.fromisoformat(raw["effective_to"]) if raw["effective_to"] else None,
        source=raw["source"],
        levy_rate=Decimal(levy["rate"]),
        levy_allowance=Decimal(levy["allowance"]),
        top_up_rate=Decimal(levy["top_up_rate"]),
        expiry_months=int(levy["expiry_months"]),
        transfer_share=Decimal(levy["transfer_share"]),
        levy_payer_co_investment=Decimal(co["levy_payer_rate"]),
        non_levy_co_investment=Decimal(co["non_levy_rate"]),
        non_levy_exempt_to_age=int(co["non_levy_exempt_to_age"]),
        non_levy_exempt_to_age_ehc=int(co["non_levy_exempt_to_age_ehc_or_care_leaver"]),
        level_7_max_age=l7["max_age"],
        level_7_max_age_ehc=l7["max_age_ehc_or_care_leaver"],
        price_above_band_allowed=bool(raw["price_above_band"]["allowed"]),
        minimum_hourly_wage=Decimal(raw["minimum_hourly_wage"]["amount"]),
        minimum_duration_months=int(raw["minimum_duration"]["months"]),
        full_time_hours=int(raw["minimum_duration"]["full_time_hours"]),
        foundation_available=bool(foundation["available"]),
        foundation_min_age=int(foundation["min_age"]),
        foundation_max_age=int(foundation["max_age"]),
        foundation_max_age_ehc=int(foundation["max_age_ehc_or_care_leaver"]),
        incentives=tuple(
            Incentive(
                name=i["name"],
                amount=Decimal(i["amount"]),
                min_age=int(i["min_age"]),
                max_age=int(i["max_age"]),
                max_age_ehc_or_care_leaver=int(i["max_age_ehc_or_care_leaver"]),
                employer=i["employer"],
                foundation=i["foundation"],
                paid=i["paid"],
                source=i["source"],
            )
            for i in raw["incentives"]
        ),
        sources={key: value["source"] for key, value in raw.items() if isinstance(value, dict) and "source" in value},
    )


@lru_cache(maxsize=4)
def rule_book(path: str = str(RULES_FILE)) -> tuple[RuleSet, ...]:
    """Every rule set, oldest first; checked to follow on from each other with no gap or overlap."""
    with open(path, encoding="utf-8") as handle:
        sets = sorted((_rule_set(raw) for raw in json.load(handle)["rule_sets"]), key=lambda s: s.effective_from)
    for earlier, later in zip(sets, sets[1:], strict=False):
        if earlier.effective_to is None or (later.effective_from - earlier.effective_to).days != 1:
            raise ValueError(f"rule sets {earlier.name!r} and {later.name!r} don't follow on from each other")
    return tuple(sets)


def rules_on(day: date) -> RuleSet:
    """The rule set in force on `day`; before the first set, the first (the book starts April 2025)."""
    sets = rule_book()
    for rule_set in sets:
        if rule_set.covers(day):
            return rule_set
    if day < sets[0].effective_from:
        return sets[0]
    raise NoRuleSet(f"no funding rule set covers {day.isoformat()}")


def minimum_hourly_wage(day: date) -> Decimal:
    """The apprentice minimum wage an hour in force on `day`."""
    return rules_on(day).minimum_hourly_wage


def minimum_weekly_wage(day: date, hours_per_week: Decimal) -> Decimal:
    return (minimum_hourly_wage(day) * Decimal(hours_per_week)).quantize(Decimal("0.01"))


def minimum_duration_months(day: date, hours_per_week: Decimal | float | int | None = None) -> int:
    """The shortest an apprenticeship starting on `day` may last, for its hours a week."""
    return rules_on(day).minimum_duration_for(hours_per_week)


def age_group_of(age: int) -> str:
    if age <= 18:
        return "16-18"
    if age <= 21:
        return "19-21"
    if age <= 24:
        return "22-24"
    return "25+"
