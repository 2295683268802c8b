"""A levy payer's account, month by month: funds in, first-in-first-out expiry, payments out.

Pure Python over plain values (no database), so every rule can be tested with exact dates. Funds
for a month enter at its start from the pay bill declared by then (the declaration in force);
the top-up and the expiry of each month's funds are those of the rule set in force that month.
Training is paid as the national payment profile pays it: 80% of the price in equal monthly
instalments over the planned duration, the other 20% in the month after the last instalment
(completion). Each payment takes the oldest funds first; what the account can't cover is left to
co-investment (or a levy transfer).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from apprenticeships.funding.rules import RuleSet, rules_on

PENNY = Decimal("0.01")
INSTALMENT_SHARE = Decimal("0.8")  # paid monthly over the duration; the rest on completion
PROJECTION_MONTHS = 24
AT_RISK_MONTHS = 3


def money(value: Decimal | int | float) -> Decimal:
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def annual_levy(pay_bill: Decimal | int, rules: RuleSet) -> Decimal:
    """The levy for a year: the rate times the pay bill less the allowance, never below zero."""
    return money(max(Decimal(0), Decimal(pay_bill) * rules.levy_rate - rules.levy_allowance))


@dataclass(frozen=True)
class Declaration:
    declared_on: date
    annual_pay_bill: Decimal


@dataclass(frozen=True)
class Commitment:
    """Training the employer has committed to: `cost` in all (band price × positions)."""

    key: object
    label: str
    start: date
    months: int
    cost: Decimal
    order: int = 0  # among payments in the same month, lower first (planned before estimated)

    def schedule(self) -> dict[int, Decimal]:
        """Month index → amount due: 80% in equal instalments, 20% on completion."""
        months = max(1, int(self.months))
        instalments = money(self.cost * INSTALMENT_SHARE)
        each = money(instalments / months)
        first = month_index(self.start)
        due = {first + i: each for i in range(months)}
        due[first + months - 1] += instalments - each * months  # pennies left by rounding
        due[first + months] = due.get(first + months, Decimal(0)) + money(self.cost) - instalments
        return due


@dataclass
class Month:
    month: date
    pay_bill: Decimal
    levy: Decimal
    top_up: Decimal
    expires: date | None  # when this month's funds expire
    expired: Decimal = Decimal("0.00")
    paid: Decimal = Decimal("0.00")  # payments taken from the account
    uncovered: Decimal = Decimal("0.00")  # payments due that the account couldn't cover
    balance: Decimal = Decimal("0.00")  # at the end of the month
    projected: bool = False

    @property
    def funds_in(self) -> Decimal:
        return self.levy + self.top_up


@dataclass
class Coverage:
    """What the account pays of one commitment, and what is left to pay."""

    commitment: Commitment
    levy_used: Decimal = Decimal("0.00")
    uncovered: Decimal = Decimal("0.00")
    remaining: Decimal = Decimal("0.00")  # due after this month

    @property
    def cost(self) -> Decimal:
        return money(self.commitment.cost)


@dataclass
class Account:
    today: date
    months: list[Month]
    coverage: dict[object, Coverage] = field(default_factory=dict)

    def _current(self) -> Month | None:
        now = month_index(self.today)
        return next((m for m in self.months if month_index(m.month) == now), None)

    @property
    def balance(self) -> Decimal:
        current = self._current()
        return current.balance if current else Decimal("0.00")

    @property
    def committed(self) -> Decimal:
        return money(sum((c.remaining for c in self.coverage.values()), Decimal(0)))

    @property
    def available(self) -> Decimal:
        return money(max(Decimal(0), self.balance - self.committed))

    def expiring_within(self, months: int = AT_RISK_MONTHS) -> Decimal:
        now = month_index(self.today)
        return money(sum((m.expired for m in self.months if now < month_index(m.month) <= now + months), Decimal(0)))

    def funds_in_last_year(self) -> Decimal:
        now = month_index(self.today)
        return money(sum((m.funds_in for m in self.months if now - 12 <= month_index(m.month) < now), Decimal(0)))

    def past_and_present(self) -> list[Month]:
        return [m for m in self.months if not m.projected]

    def projection(self) -> list[Month]:
        """This month and the next PROJECTION_MONTHS − 1."""
        now = month_index(self.today)
        return [m for m in self.months if now <= month_index(m.month) < now + PROJECTION_MONTHS]


def _pay_bill_on(declarations: list[Declaration], index: int) -> Decimal | None:
    """The pay bill in force for a month: the latest declared on or before its last day."""
    found = None
    for declaration in declarations:
        if month_index(declaration.declared_on) <= index:
            found = declaration.annual_pay_bill
    return found


def levy_account(
    *,
    today: date,
    is_levy_payer: bool,
    declarations: Iterable[Declaration],
    commitments: Iterable[Commitment] = (),
) -> Account:
    """The account from the first declaration (or commitment) to PROJECTION_MONTHS ahead of today."""
    declarations = sorted(declarations, key=lambda d: d.declared_on)
    commitments = sorted(commitments, key=lambda c: (c.start, c.order, str(c.key)))
    schedules = {c.key: c.schedule() for c in commitments}
    now = month_index(today)
    starts = [month_index(d.declared_on) for d in declarations if is_levy_payer] + [
        min(s) for s in schedules.values() if s
    ]
    first = min(starts, default=now)
    last = max([now + PROJECTION_MONTHS - 1] + [max(s) for s in schedules.values() if s])
    coverage = {c.key: Coverage(c) for c in commitments}
    tranches: list[list] = []  # [amount left, expiry month index], oldest first
    months: list[Month] = []
    balance = Decimal("0.00")
    for index in range(first, last + 1):
        day = month_start(index)
        rules = rules_on(day)
        pay_bill = _pay_bill_on(declarations, index) if is_levy_payer else None
        levy = money(annual_levy(pay_bill, rules) / 12) if pay_bill is not None else Decimal("0.00")
        top_up = money(levy * rules.top_up_rate)
        row = Month(
            month=day,
            pay_bill=pay_bill or Decimal(0),
            levy=levy,
            top_up=top_up,
            expires=month_start(index + rules.expiry_months) if levy else None,
            projected=index > now,
        )
        for tranche in tranches:  # funds whose time is up go before anything is paid this month
            if tranche[1] <= index and tranche[0]:
                row.expired += tranche[0]
                tranche[0] = Decimal(0)
        if row.funds_in:
            tranches.append([row.funds_in, index + rules.expiry_months])
        for commitment in commitments:
            due = schedules[commitment.key].get(index)
            if not due:
                continue
            paid = Decimal(0)
            for tranche in tranches:
                if paid == due:
                    break
                take = min(tranche[0], due - paid)
                tranche[0] -= take
                paid += take
            cover = coverage[commitment.key]
            cover.levy_used += paid
            cover.uncovered += due - paid
            if index > now:
                cover.remaining += due
            row.paid += paid
            row.uncovered += due - paid
        tranches = [t for t in tranches if t[0]]
        balance = money(sum((t[0] for t in tranches), Decimal(0)))
        row.balance = balance
        row.expired = money(row.expired)
        months.append(row)
    return Account(today=today, months=months, coverage=coverage)
