"""Levy-transfer rules as dated data, and the amount a transfer must cover (no database).

The rules (minimum pledge, closing threshold, the 42-day and 3-month clocks, the location limit)
are in apprenticeships/data/levy_transfer_rules.json, each with its source; the share of last
year's funds a levy payer may pledge is the funding rule book's `transfer_share`.
"""

import json
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

from apprenticeships.funding.rules import rules_on

TRANSFER_RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "levy_transfer_rules.json"


@dataclass(frozen=True)
class TransferRules:
    name: str
    effective_from: date
    effective_to: date | None
    source: str
    minimum_pledge: Decimal
    close_below: Decimal
    delayed_auto_approval_days: int
    approval_acceptance_days: int
    accepted_expiry_months: int
    max_locations: int
    instalment_share: Decimal
    yearly_months: int
    transfer_share: Decimal  # from the funding rule book
    sources: dict

    def covers(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


def _rules(raw: dict, day: date) -> TransferRules:
    return TransferRules(
        name=raw["name"],
        effective_from=date.fromisoformat(raw["effective_from"]),
        effective_to=date.fromisoformat(raw["effective_to"]) if raw["effective_to"] else None,
        source=raw["source"],
        minimum_pledge=Decimal(raw["minimum_pledge"]["amount"]),
        close_below=Decimal(raw["close_below"]["amount"]),
        delayed_auto_approval_days=int(raw["delayed_auto_approval"]["days"]),
        approval_acceptance_days=int(raw["approval_acceptance"]["days"]),
        accepted_expiry_months=int(raw["accepted_expiry"]["months"]),
        max_locations=int(raw["locations"]["max"]),
        instalment_share=Decimal(raw["cost"]["instalment_share"]),
        yearly_months=int(raw["cost"]["yearly_months"]),
        transfer_share=rules_on(day).transfer_share,
        sources={k: v["source"] for k, v in raw.items() if isinstance(v, dict) and "source" in v},
    )


@lru_cache(maxsize=2)
def _raw_sets(path: str = str(TRANSFER_RULES_FILE)) -> tuple[dict, ...]:
    with open(path, encoding="utf-8") as handle:
        return tuple(sorted(json.load(handle)["rule_sets"], key=lambda s: s["effective_from"]))


def transfer_rules_on(day: date) -> TransferRules:
    """The levy-transfer rules in force on `day` (before the first set: the first)."""
    sets = _raw_sets()
    chosen = sets[0]
    for raw in sets:
        if date.fromisoformat(raw["effective_from"]) <= day:
            chosen = raw
    return _rules(chosen, day)


def transfer_amount(
    *, band_max: Decimal | int, apprentices: int, duration_months: int, price: Decimal | None = None, on: date
) -> Decimal:
    """What a pledge must hold for these apprentices: the national service's cost of an application.

    The price is capped at the funding band (a transfer never pays above it). Up to a year's
    training, the whole of it, completion payment included; longer, a year's share of the
    instalments (80% of the total spread over the duration, times 12), as the national service
    debits a pledge (das-levy-transfer-matching-api, Application.GetCost). Whole pounds.
    """
    rules = transfer_rules_on(on)
    each = Decimal(band_max) if price is None else min(Decimal(price), Decimal(band_max))
    total = each * apprentices
    months = max(1, int(duration_months))
    yearly = total * rules.instalment_share / months * rules.yearly_months
    amount = total if months <= rules.yearly_months else yearly
    return amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def months_later(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return date(year, month, min(day.day, last[month - 1]))


__all__ = ["TransferRules", "months_later", "transfer_amount", "transfer_rules_on"]


def criteria_misses(
    *,
    levels: list[int],
    routes: list[str],
    local_authorities: list[str],
    age_groups: list[str],
    level: int,
    route: str,
    local_authority: str,
    vacancy_age_groups: list[str],
    region: set[str] | None = None,
) -> list[str]:
    """Why a vacancy falls outside a pledge's criteria (empty: it fully meets them).

    Empty routes or age groups mean any; empty local authorities mean the whole city region
    (`region`, when given). A vacancy open to several age groups meets an age criterion only
    when every group it is open to is one the pledge funds.
    """
    misses = []
    if levels and level not in levels:
        misses.append(f"the pledge funds levels {', '.join(str(n) for n in sorted(levels))}, not level {level}")
    if routes and route not in routes:
        misses.append(f"the pledge funds {', '.join(routes)}, not {route}")
    if local_authorities and local_authority not in local_authorities:
        misses.append("the vacancy is outside the pledge's local authorities")
    elif not local_authorities and region is not None and local_authority not in region:
        misses.append("the vacancy is outside the city region")
    if age_groups and not set(vacancy_age_groups or []) <= set(age_groups):
        misses.append(f"the pledge funds apprentices aged {', '.join(age_groups)} only")
    return misses
