"""Funding for an employer: its declared pay bills, its levy account and who pays what.

The rules themselves live in apprenticeships.funding (the dated rule book); this module feeds
them the employer's records from the database.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from apprenticeships.funding.account import Commitment, Declaration, money
from apprenticeships.funding.estimate import Estimate, Programme, estimate
from apprenticeships.models import Employer, PayBillDeclaration, Standard, Vacancy


@transaction.atomic
def pay_bill_declare(
    *, employer: Employer, annual_pay_bill: Decimal, declared_on: date | None = None, by: User | None = None
) -> PayBillDeclaration:
    """Record a newly declared pay bill (the past stays as it was) and keep the employer's latest in step."""
    declaration = PayBillDeclaration.objects.create(
        employer=employer,
        annual_pay_bill=annual_pay_bill,
        declared_on=declared_on or timezone.localdate(),
        declared_by=by,
    )
    latest = PayBillDeclaration.objects.filter(employer=employer).order_by("-declared_on", "-id").first()
    if latest is not None and employer.annual_pay_bill != latest.annual_pay_bill:
        Employer.objects.filter(pk=employer.pk).update(annual_pay_bill=latest.annual_pay_bill)
        employer.annual_pay_bill = latest.annual_pay_bill
    return declaration


def pay_bill_verify(declaration: PayBillDeclaration, *, by: User) -> PayBillDeclaration:
    """Hub staff confirm a declared pay bill (from HMRC's figures or the employer's accounts)."""
    PayBillDeclaration.objects.filter(pk=declaration.pk, verified_at__isnull=True).update(
        verified_by=by, verified_at=timezone.now()
    )
    declaration.refresh_from_db()
    return declaration


def programme_of(standard: Standard) -> Programme:
    return Programme(
        band_max=Decimal(standard.max_funding),
        level=standard.level,
        is_foundation=standard.is_foundation,
        typical_duration_months=standard.typical_duration_months,
    )


def vacancy_commitment(vacancy: Vacancy) -> Commitment:
    """A vacancy's training as the account pays it: the band for each position, over its planned duration."""
    return Commitment(
        key=vacancy.pk,
        label=vacancy.title,
        start=vacancy.start_date,
        months=vacancy.planned_duration_months,
        cost=money(Decimal(vacancy.standard.max_funding) * vacancy.positions),
    )


def employer_declarations(employer: Employer) -> list[Declaration]:
    rows = PayBillDeclaration.objects.filter(employer=employer).values_list("declared_on", "annual_pay_bill")
    return [Declaration(declared_on, Decimal(amount)) for declared_on, amount in rows]


def employer_commitments(employer: Employer, *, exclude: int | None = None) -> list[Commitment]:
    vacancies = (
        Vacancy.objects.filter(employer=employer, status__in=Vacancy.COMMITTING)
        .exclude(pk=exclude)
        .select_related("standard")
        .order_by("start_date", "pk")
    )
    return [vacancy_commitment(v) for v in vacancies]


def declarations_by_employer(employer_ids: Iterable[int]) -> dict[int, list[Declaration]]:
    """Each employer's declarations, for many employers in one query."""
    found: dict[int, list[Declaration]] = {}
    rows = PayBillDeclaration.objects.filter(employer_id__in=list(employer_ids)).order_by("declared_on", "id")
    for employer_id, declared_on, amount in rows.values_list("employer_id", "declared_on", "annual_pay_bill"):
        found.setdefault(employer_id, []).append(Declaration(declared_on, Decimal(amount)))
    return found


def commitments_by_employer(employer_ids: Iterable[int]) -> dict[int, list[Commitment]]:
    """Each employer's committing vacancies as payments, for many employers in one query."""
    found: dict[int, list[Commitment]] = {}
    vacancies = (
        Vacancy.objects.filter(employer_id__in=list(employer_ids), status__in=Vacancy.COMMITTING)
        .select_related("standard")
        .order_by("start_date", "pk")
    )
    for vacancy in vacancies:
        found.setdefault(vacancy.employer_id, []).append(vacancy_commitment(vacancy))
    return found


def funding_estimate(
    *,
    employer: Employer,
    standard: Standard,
    start_date: date,
    apprentice_age: int,
    price: Decimal | None = None,
    duration_months: int | None = None,
    hours_per_week: Decimal | None = None,
    ehc_plan_or_care_leaver: bool = False,
    today: date | None = None,
    exclude_vacancy: int | None = None,
    positions: int = 1,
) -> Estimate:
    """Who pays what for one apprentice (or `positions`) of this age on this standard, from this start date."""
    return estimate(
        programme_of(standard),
        start_date=start_date,
        apprentice_age=apprentice_age,
        today=today or timezone.localdate(),
        is_levy_payer=employer.is_levy_payer,
        price=price,
        duration_months=duration_months,
        hours_per_week=hours_per_week,
        ehc_plan_or_care_leaver=ehc_plan_or_care_leaver,
        declarations=employer_declarations(employer) if employer.is_levy_payer else [],
        commitments=employer_commitments(employer, exclude=exclude_vacancy),
        positions=positions,
    )
