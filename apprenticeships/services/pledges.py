"""Levy-transfer pledges and applications: every write, with its rules, money and audit trail (issue 17).

Money moves only here. Approving takes the application's amount from the pledge's `remaining`
with one conditional UPDATE (`remaining >= amount`), inside the transaction that approves it, so
two approvals can never spend the same pounds: the loser gets `PledgeConflict` (409). Declining,
withdrawing and expiry give the amount back the same way. Every step writes a `PledgeEvent`.
The time-based rules run from `pledges_tick` (a beat task).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from apprenticeships.funding.account import money
from apprenticeships.funding.transfers import criteria_misses, months_later, transfer_amount, transfer_rules_on
from apprenticeships.models import Cohort, Employer, LocalAuthority, Pledge, PledgeApplication, PledgeEvent, Vacancy
from apprenticeships.services.levy import levy_position
from lcr_skills.errors import Conflict

App = PledgeApplication
Action = PledgeEvent.Action


class PledgeConflict(Conflict):
    """The pledge or application is not in a state (or holds not enough money) for what was asked."""

    def __init__(self, message: str, *, status: str = "", remaining: Decimal | None = None) -> None:
        super().__init__(message)
        self.status, self.remaining = status, remaining

    def fields(self) -> dict[str, object]:
        found: dict[str, object] = {"status": self.status}
        if self.remaining is not None:
            found["remaining"] = str(self.remaining)
        return found


def pounds(value: Decimal) -> str:
    return f"£{value:,.2f}".replace(".00", "")


@dataclass(frozen=True)
class Allowance:
    transfer_allowance: Decimal  # half of the last 12 months' levy funds
    pledged: Decimal  # what its pledges take of it
    may_pledge: Decimal  # what is left to pledge


def pledged_total(employer: Employer, *, exclude: int | None = None) -> Decimal:
    """What the employer's pledges take of its allowance: an open pledge all of it, others what they hold."""
    total = Decimal(0)
    for status, amount, remaining in (
        Pledge.objects.filter(employer=employer).exclude(pk=exclude).values_list("status", "amount", "remaining")
    ):
        total += amount if status == Pledge.Status.OPEN else amount - remaining
    return money(total)


def pledge_allowance(employer: Employer, *, today: date | None = None) -> Allowance:
    position = levy_position(employer, today=today)
    allowance = position.transfer_allowance if employer.is_levy_payer else Decimal("0.00")
    pledged = pledged_total(employer)
    return Allowance(allowance, pledged, money(max(Decimal(0), allowance - pledged)))


def _event(
    pledge: Pledge,
    action: str,
    *,
    by: User | None,
    application: PledgeApplication | None = None,
    from_status: str = "",
    to_status: str = "",
    amount: Decimal = Decimal(0),
    note: str = "",
) -> PledgeEvent:
    remaining = Pledge.objects.values_list("remaining", flat=True).get(pk=pledge.pk)
    pledge.remaining = remaining
    return PledgeEvent.objects.create(
        pledge=pledge,
        application=application,
        action=action,
        from_status=from_status,
        to_status=to_status,
        amount=amount,
        remaining_after=remaining,
        by=by if by is not None and by.is_authenticated else None,
        note=note[:2000],
    )


def _is_member(user: User | None, employer_id: int) -> bool:
    membership = getattr(user, "membership", None) if user is not None and user.is_authenticated else None
    return membership is not None and membership.employer_id == employer_id


def _is_hub(user: User | None) -> bool:
    from apprenticeships.permissions import is_hub  # permissions imports the models; keep the cycle out

    return user is not None and is_hub(user)


# --- pledges --------------------------------------------------------------------------------------


@transaction.atomic
def pledge_create(
    *,
    employer: Employer,
    by: User | None,
    amount: Decimal,
    levels: list[int],
    routes: list[str] | None = None,
    local_authorities: list[str] | None = None,
    age_groups: list[str] | None = None,
    auto_approve: str = Pledge.AutoApprove.NEVER,
    closes_on: date | None = None,
    anonymous: bool = False,
    today: date | None = None,
) -> Pledge:
    """A levy payer's new pledge: at least the minimum, and within what it may still pledge this year."""
    today = today or timezone.localdate()
    rules = transfer_rules_on(today)
    # One pledge at a time per employer: the allowance check and the insert can't interleave.
    Employer.objects.select_for_update().filter(pk=employer.pk).first()
    errors: dict[str, list[str]] = {}
    amount = money(amount)
    if not employer.is_levy_payer:
        errors["amount"] = ["Only a levy-paying employer can pledge levy funds."]
    elif amount < rules.minimum_pledge:
        errors["amount"] = [f"A pledge must be at least {pounds(rules.minimum_pledge)}."]
    else:
        allowance = pledge_allowance(employer, today=today)
        if amount > allowance.may_pledge:
            errors["amount"] = [
                f"You may pledge at most {pounds(allowance.may_pledge)} more: "
                f"{int(rules.transfer_share * 100)}% of last year's levy funds is "
                f"{pounds(allowance.transfer_allowance)}, and your pledges take {pounds(allowance.pledged)} of it."
            ]
    local_authorities = list(dict.fromkeys(local_authorities or []))
    if len(local_authorities) > rules.max_locations:
        errors["local_authorities"] = [f"Choose at most {rules.max_locations} local authorities, or none for anywhere."]
    elif local_authorities:
        known = set(LocalAuthority.objects.filter(code__in=local_authorities).values_list("code", flat=True))
        unknown = [code for code in local_authorities if code not in known]
        if unknown:
            errors["local_authorities"] = [f"Not a local authority code: {', '.join(unknown)}."]
    if closes_on is not None and closes_on <= today:
        errors["closes_on"] = ["The closing date must be in the future."]
    if errors:
        raise ValidationError(errors)
    pledge = Pledge.objects.create(
        employer=employer,
        amount=amount,
        remaining=amount,
        levels=sorted(set(levels)),
        routes=list(dict.fromkeys(routes or [])),
        local_authorities=local_authorities,
        age_groups=list(dict.fromkeys(age_groups or [])),
        auto_approve=auto_approve,
        closes_on=closes_on,
        anonymous=anonymous,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    _event(pledge, Action.CREATED, by=by, to_status=Pledge.Status.OPEN, note=f"{pounds(amount)} pledged")
    return pledge


def _reject_pending(pledge: Pledge, *, by: User | None, note: str) -> None:
    for application in App.objects.select_for_update().filter(pledge=pledge, status=App.Status.PENDING):
        application.status = App.Status.REJECTED
        application.save(update_fields=["status", "updated_at"])
        _event(
            pledge,
            Action.REJECTED,
            by=by,
            application=application,
            from_status="pending",
            to_status="rejected",
            note=note,
        )


@transaction.atomic
def pledge_withdraw(pledge: Pledge, *, by: User | None) -> Pledge:
    """The pledger takes back what no approved application holds; pending applications are rejected."""
    updated = Pledge.objects.filter(pk=pledge.pk, status__in=[Pledge.Status.OPEN, Pledge.Status.CLOSED]).update(
        status=Pledge.Status.WITHDRAWN, closed_at=timezone.now(), updated_at=timezone.now()
    )
    pledge.refresh_from_db()
    if not updated:
        raise PledgeConflict("This pledge has already been withdrawn.", status=pledge.status)
    _event(pledge, Action.WITHDRAWN, by=by, to_status=Pledge.Status.WITHDRAWN)
    _reject_pending(pledge, by=by, note="The pledge was withdrawn.")
    return pledge


def _close(pledge: Pledge, *, by: User | None, note: str) -> bool:
    closed = Pledge.objects.filter(pk=pledge.pk, status=Pledge.Status.OPEN).update(
        status=Pledge.Status.CLOSED, closed_at=timezone.now(), updated_at=timezone.now()
    )
    if closed:
        pledge.status = Pledge.Status.CLOSED
        _event(pledge, Action.CLOSED, by=by, from_status="open", to_status="closed", note=note)
        _reject_pending(pledge, by=by, note=note)
    return bool(closed)


# --- applications ---------------------------------------------------------------------------------


def application_amount(vacancy: Vacancy, *, apprentices: int | None = None, cohort: Cohort | None = None) -> Decimal:
    """What the pledge must hold for this vacancy: the national formula, at most the band for each apprentice."""
    return transfer_amount(
        band_max=vacancy.standard.max_funding,
        apprentices=apprentices or vacancy.positions,
        duration_months=vacancy.planned_duration_months,
        price=cohort.offer.price if cohort is not None else None,
        on=vacancy.start_date,
    )


def region_codes() -> set[str]:
    return set(LocalAuthority.objects.filter(in_city_region=True).values_list("code", flat=True))


def pledge_misses(pledge: Pledge, vacancy: Vacancy, *, region: set[str] | None = None) -> list[str]:
    return criteria_misses(
        levels=pledge.levels,
        routes=pledge.routes,
        local_authorities=pledge.local_authorities,
        age_groups=pledge.age_groups,
        level=vacancy.standard.level,
        route=vacancy.standard.route,
        local_authority=vacancy.local_authority.code,
        vacancy_age_groups=vacancy.age_groups,
        region=region_codes() if region is None else region,
    )


def application_create(
    *,
    pledge: Pledge,
    applicant: Employer,
    vacancy: Vacancy,
    by: User | None,
    cohort: Cohort | None = None,
    apprentices: int | None = None,
    now: datetime | None = None,
) -> PledgeApplication:
    """An employer asks the pledge to fund one of its vacancies; auto-approved at once where the pledger says so."""
    errors: dict[str, list[str]] = {}
    if vacancy.employer_id != applicant.pk:
        errors["vacancy"] = ["Choose one of your own vacancies."]
    elif vacancy.status not in Vacancy.COMMITTING:
        errors["vacancy"] = ["Only a submitted, live or filled vacancy can be funded."]
    if pledge.employer_id == applicant.pk:
        errors["pledge"] = ["You can't apply to your own pledge."]
    if apprentices is not None and apprentices > vacancy.positions:
        errors["apprentices"] = [f"The vacancy has {vacancy.positions} positions."]
    if cohort is not None and cohort.offer.standard_id != vacancy.standard_id:
        errors["cohort"] = ["The cohort is for another standard than the vacancy's."]
    if errors:
        raise ValidationError(errors)
    amount = application_amount(vacancy, apprentices=apprentices, cohort=cohort)
    with transaction.atomic():
        locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
        if locked.status != Pledge.Status.OPEN:
            raise PledgeConflict("This pledge is no longer open.", status=locked.status)
        if amount > locked.remaining:
            raise ValidationError(
                {"vacancy": [f"This vacancy needs {pounds(amount)}; the pledge has {pounds(locked.remaining)} left."]}
            )
        try:
            with transaction.atomic():
                application = App.objects.create(
                    pledge=locked,
                    applicant=applicant,
                    vacancy=vacancy,
                    cohort=cohort,
                    apprentices=apprentices or vacancy.positions,
                    amount=amount,
                    meets_criteria=not pledge_misses(locked, vacancy),
                    created_by=by if by is not None and by.is_authenticated else None,
                )
        except IntegrityError:
            raise ValidationError({"vacancy": ["This vacancy already has an application to this pledge."]}) from None
        _event(locked, Action.APPLIED, by=by, application=application, to_status="pending", note=pounds(amount))
        if locked.auto_approve == Pledge.AutoApprove.IMMEDIATE and application.meets_criteria:
            application = application_approve(application.pk, by=None, automatic=True, now=now)
    return application


def _may_decide(by: User | None, application: PledgeApplication) -> None:
    if by is not None and not _is_hub(by) and not _is_member(by, application.pledge.employer_id):
        raise PermissionDenied("Only the pledger or hub staff can decide on an application.")


def _may_answer(by: User | None, application: PledgeApplication) -> None:
    if by is not None and not _is_hub(by) and not _is_member(by, application.applicant_id):
        raise PermissionDenied("Only the applicant can answer an approval.")


def _locked(application_id: int) -> PledgeApplication:
    return App.objects.select_for_update(of=("self",)).select_related("pledge").get(pk=application_id)


def _move(
    application: PledgeApplication,
    to: str,
    action: str,
    *,
    by: User | None,
    give_back: bool = False,
    note: str = "",
    **stamps: object,
) -> PledgeApplication:
    before = application.status
    application.status = to
    for name, value in stamps.items():
        setattr(application, name, value)
    application.save(update_fields=["status", "updated_at", *stamps])
    amount = Decimal(0)
    if give_back:
        Pledge.objects.filter(pk=application.pledge_id).update(
            remaining=F("remaining") + application.amount, updated_at=timezone.now()
        )
        amount = application.amount
    _event(
        application.pledge,
        action,
        by=by,
        application=application,
        from_status=before,
        to_status=to,
        amount=amount,
        note=note,
    )
    return application


def _refuse(application: PledgeApplication, wanted: tuple[str, ...], doing: str) -> None:
    if application.status not in wanted:
        raise PledgeConflict(
            f"This application is {application.get_status_display().lower()}: it can't be {doing} now.",
            status=application.status,
        )


def application_approve(
    application_id: int, *, by: User | None, automatic: bool = False, now: datetime | None = None
) -> PledgeApplication:
    """Approve and hold the amount: one conditional UPDATE takes it from `remaining`, or nobody gets it."""
    now = now or timezone.now()
    with transaction.atomic():
        application = _locked(application_id)
        _may_decide(by, application)
        _refuse(application, (App.Status.PENDING,), "approved")
        taken = Pledge.objects.filter(
            pk=application.pledge_id, status=Pledge.Status.OPEN, remaining__gte=application.amount
        ).update(remaining=F("remaining") - application.amount, updated_at=now)
        if not taken:
            pledge = Pledge.objects.get(pk=application.pledge_id)
            if pledge.status != Pledge.Status.OPEN:
                raise PledgeConflict(f"This pledge is {pledge.status}: it can fund nothing more.", status=pledge.status)
            raise PledgeConflict(
                f"The pledge has {pounds(pledge.remaining)} left, less than the {pounds(application.amount)} "
                "this application needs: another approval took the money first.",
                status=application.status,
                remaining=pledge.remaining,
            )
        action = Action.AUTO_APPROVED if automatic else Action.APPROVED
        application.status = App.Status.APPROVED
        application.approved_at = now
        application.save(update_fields=["status", "approved_at", "updated_at"])
        _event(
            application.pledge,
            action,
            by=by,
            application=application,
            from_status="pending",
            to_status="approved",
            amount=-application.amount,
        )
        rules = transfer_rules_on(now.date())
        if application.pledge.remaining < rules.close_below:
            _close(application.pledge, by=None, note=f"Less than {pounds(rules.close_below)} remains.")
    return application


@transaction.atomic
def application_reject(application_id: int, *, by: User | None, note: str = "") -> PledgeApplication:
    application = _locked(application_id)
    _may_decide(by, application)
    _refuse(application, (App.Status.PENDING,), "rejected")
    return _move(application, App.Status.REJECTED, Action.REJECTED, by=by, note=note)


@transaction.atomic
def application_accept(application_id: int, *, by: User | None, now: datetime | None = None) -> PledgeApplication:
    application = _locked(application_id)
    _may_answer(by, application)
    _refuse(application, (App.Status.APPROVED,), "accepted")
    return _move(application, App.Status.ACCEPTED, Action.ACCEPTED, by=by, accepted_at=now or timezone.now())


@transaction.atomic
def application_decline(application_id: int, *, by: User | None) -> PledgeApplication:
    application = _locked(application_id)
    _may_answer(by, application)
    _refuse(application, (App.Status.APPROVED,), "declined")
    return _move(application, App.Status.DECLINED, Action.DECLINED, by=by, give_back=True)


@transaction.atomic
def application_withdraw(application_id: int, *, by: User | None) -> PledgeApplication:
    """The applicant withdraws: before or after approval; money held comes back."""
    application = _locked(application_id)
    _may_answer(by, application)
    _refuse(application, App.OPEN, "withdrawn")
    held = application.status != App.Status.PENDING
    return _move(application, App.Status.WITHDRAWN, Action.APPLICATION_WITHDRAWN, by=by, give_back=held)


@transaction.atomic
def application_funds_used(application_id: int, *, by: User | None) -> PledgeApplication:
    """Hub staff record that the apprenticeship started and the transfer is paying for it."""
    application = _locked(application_id)
    if by is not None and not _is_hub(by):
        raise PermissionDenied("Only hub staff record funds as used.")
    _refuse(application, (App.Status.ACCEPTED,), "marked as used")
    return _move(application, App.Status.FUNDS_USED, Action.FUNDS_USED, by=by)


# --- the clock ------------------------------------------------------------------------------------


def _lapse(status: str, stamp: str, before: datetime, to: str, action: str) -> int:
    """Move applications still in `status` since `stamp` was at or before `before` to `to`; how many moved."""
    moved = 0
    for pk in list(App.objects.filter(status=status, **{f"{stamp}__lte": before}).values_list("pk", flat=True)):
        with transaction.atomic():
            application = _locked(pk)
            if application.status == status:  # unless someone acted on it meanwhile
                _move(application, to, action, by=None, give_back=True)
                moved += 1
    return moved


def pledges_tick(*, now: datetime | None = None) -> dict[str, int]:
    """The time-based rules, idempotent: auto-approval, 42-day decline, 3-month expiry, closing."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rules = transfer_rules_on(today)
    done = {"auto_approved": 0, "auto_declined": 0, "expired": 0, "closed": 0}
    due = now - timedelta(days=rules.delayed_auto_approval_days)
    candidates = (
        App.objects.filter(status=App.Status.PENDING, meets_criteria=True, pledge__status=Pledge.Status.OPEN)
        .filter(
            Q(pledge__auto_approve=Pledge.AutoApprove.IMMEDIATE)
            | Q(pledge__auto_approve=Pledge.AutoApprove.AFTER_42_DAYS, created_at__lte=due)
        )
        .order_by("created_at", "pk")  # earliest first, as the national service approves them
        .values_list("pk", flat=True)
    )
    for pk in list(candidates):
        try:
            application_approve(pk, by=None, automatic=True, now=now)
            done["auto_approved"] += 1
        except PledgeConflict:
            continue  # not enough left, or the pledge closed: it stays pending for the pledger
    cutoff = now - timedelta(days=rules.approval_acceptance_days)
    done["auto_declined"] = _lapse(
        App.Status.APPROVED, "approved_at", cutoff, App.Status.DECLINED, Action.AUTO_DECLINED
    )
    expiry = datetime.combine(months_later(today, -rules.accepted_expiry_months), now.timetz())
    done["expired"] = _lapse(App.Status.ACCEPTED, "accepted_at", expiry, App.Status.EXPIRED, Action.EXPIRED)
    closing = Pledge.objects.filter(status=Pledge.Status.OPEN).filter(
        Q(remaining__lt=rules.close_below) | Q(closes_on__lt=today)
    )
    for pledge in list(closing):
        with transaction.atomic():
            short = pledge.remaining < rules.close_below
            note = f"Less than {pounds(rules.close_below)} remains." if short else "Its closing date has passed."
            done["closed"] += _close(pledge, by=None, note=note)
    return done
