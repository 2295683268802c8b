"""Vacancies: the rules an employer's vacancy must meet and its lifecycle.

draft → submitted (employer) → live (hub QA approves) or back to draft with a comment (hub
refers) → filled / closed / withdrawn. Every transition is recorded. Each one is a conditional
change under a row lock, so two people acting at once can't both win. A vacancy that leaves the
market (or is sent further from it) says so through `apprenticeships.signals.vacancy_left_market`,
inside the same transaction: matching ends the introductions not yet agreed.

The row lock is FOR NO KEY UPDATE: it excludes every other change to the vacancy (decisions on its
matches take the same lock first) but not a matching run inserting suggestions that refer to it,
which would otherwise wait for this transaction while it waits for the run's suggestion rows.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q, QuerySet
from django.utils import timezone

from apprenticeships.funding.rules import (
    AGE_GROUPS,
    minimum_duration_months,
    minimum_hourly_wage,
    minimum_weekly_wage,
)
from apprenticeships.models import Employer, Standard, Vacancy, VacancyTransition
from apprenticeships.models.delivery import modes_to_mask
from apprenticeships.models.vacancies import MAX_HOURS_PER_WEEK, MIN_HOURS_PER_WEEK
from apprenticeships.places import place_lookup
from apprenticeships.rules import Problem, delivery_modes_problem, problems_raise, retired_standard_problem
from apprenticeships.services.notifications import vacancy_decision_after_commit
from apprenticeships.signals import CHANGED_WHILE_LIVE, LEFT_MARKET_REASONS, standards_changed, vacancy_left_market
from lcr_skills.errors import Conflict
from lcr_skills.formats import long_date, money

S = Vacancy.Status
CLOSING_NOTICE_DAYS = 7  # the closing date must be at least this far ahead when submitted
# What a form or the API takes: more is a slip of the keyboard, not a vacancy.
MAX_POSITIONS = 100
MAX_DURATION_MONTHS = 120
MATERIAL_FIELDS = frozenset(
    {
        "title",
        "description",
        "standard",
        "weekly_wage",
        "hours_per_week",
        "postcode",
        "start_date",
        "delivery_modes",
        "age_groups",
        "duration_months",
        "apply_url",  # where residents are sent: the hub checks a new one before it is live
    }
)
EDITABLE_FIELDS = MATERIAL_FIELDS | {"positions", "closing_date", "notes"}

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({S.DRAFT}), S.SUBMITTED),
    "approve": (frozenset({S.SUBMITTED}), S.LIVE),
    "refer": (frozenset({S.SUBMITTED}), S.DRAFT),
    "close": (frozenset({S.LIVE}), S.CLOSED),
    "withdraw": (frozenset({S.DRAFT, S.SUBMITTED, S.LIVE}), S.WITHDRAWN),
    "filled": (frozenset({S.LIVE}), S.FILLED),
}


class VacancyConflict(Conflict):
    """The vacancy's current status doesn't allow what was asked."""

    def __init__(self, message: str, vacancy: Vacancy) -> None:
        super().__init__(message)
        self.vacancy = vacancy

    def fields(self) -> dict[str, object]:
        return {"status": self.vacancy.status}


def vacancy_rules_check(values: dict, *, instance: Vacancy | None = None, today: date | None = None) -> dict:
    """Check a vacancy's business rules over the merged values; return the located place fields.

    Raises ValidationError with a message per field, naming the rule broken.
    """
    today = today or timezone.localdate()
    merged = {field: getattr(instance, field) for field in EDITABLE_FIELDS} if instance else {}
    merged.update(values)
    located, place_problems = _place_located(values)
    problems_raise(
        [
            *_standard_rule(merged, instance),
            *_hours_rule(merged),
            *_wage_rule(merged, today),
            *_age_groups_rule(merged),
            *_duration_rule(merged, today),
            *_positions_rule(merged),
            *_delivery_modes_rule(merged),
            *_dates_rule(merged, values, today),
            *_apply_url_rule(values),
            *place_problems,
        ]
    )
    return located


def _standard_rule(merged: dict, instance: Vacancy | None) -> list[Problem]:
    problem = retired_standard_problem(merged.get("standard"), current=instance.standard if instance else None)
    return [("standard", problem)] if problem else []


def _hours_valid(merged: dict) -> Decimal | None:
    """The hours a week, when they are within the limits (the wage and duration rules need them)."""
    hours = merged.get("hours_per_week")
    return hours if hours is not None and MIN_HOURS_PER_WEEK <= hours <= MAX_HOURS_PER_WEEK else None


def _hours_rule(merged: dict) -> list[Problem]:
    if merged.get("hours_per_week") is not None and _hours_valid(merged) is None:
        return [("hours_per_week", f"Hours per week must be between {MIN_HOURS_PER_WEEK} and {MAX_HOURS_PER_WEEK}.")]
    return []


def _wage_rule(merged: dict, today: date) -> list[Problem]:
    """At least the apprentice minimum wage in force on the start date (today if none yet), for the hours."""
    wage, hours = merged.get("weekly_wage"), _hours_valid(merged)
    if wage is None or hours is None:
        return []
    on = merged.get("start_date") or today
    minimum = minimum_weekly_wage(on, hours)
    if wage >= minimum:
        return []
    return [
        (
            "weekly_wage",
            f"The weekly wage must be at least {money(minimum)} (the apprentice minimum wage of "
            f"{money(minimum_hourly_wage(on))} an hour on the start date × {Decimal(str(hours)).normalize():f} hours).",
        )
    ]


def _age_groups_rule(merged: dict) -> list[Problem]:
    groups = merged.get("age_groups")
    if groups is not None and (not groups or set(groups) - set(AGE_GROUPS)):
        return [("age_groups", f"Choose at least one age group from {', '.join(AGE_GROUPS)}.")]
    return []


def _duration_rule(merged: dict, today: date) -> list[Problem]:
    """The planned duration (or the standard's typical one) at least the minimum for the start date and hours."""
    standard: Standard | None = merged.get("standard")
    duration = merged.get("duration_months") or (standard.typical_duration_months if standard else None)
    hours = _hours_valid(merged)
    if duration is None or hours is None:
        return []
    shortest = minimum_duration_months(merged.get("start_date") or today, hours)
    if duration >= shortest:
        return []
    planned = "The planned duration" if merged.get("duration_months") else "The standard's typical duration"
    return [
        (
            "duration_months",
            f"{planned} of {duration} months is too short: an apprenticeship starting then must last at least "
            f"{shortest} months at {Decimal(str(hours)).normalize():f} hours a week.",
        )
    ]


def _positions_rule(merged: dict) -> list[Problem]:
    if merged.get("positions") is not None and merged["positions"] < 1:
        return [("positions", "There must be at least 1 position.")]
    return []


def _delivery_modes_rule(merged: dict) -> list[Problem]:
    none_chosen = "Choose at least one way the training could be delivered."
    problem = delivery_modes_problem(merged.get("delivery_modes"), none_chosen=none_chosen)
    return [("delivery_modes", problem)] if problem else []


def _dates_rule(merged: dict, values: dict, today: date) -> list[Problem]:
    """A closing date (newly given) not in the past, and a start after it."""
    problems = []
    start, closing = merged.get("start_date"), merged.get("closing_date")
    if closing is not None and "closing_date" in values and closing < today:
        problems.append(("closing_date", "The closing date can't be in the past."))
    if start is not None and closing is not None and start <= closing:
        problems.append(("start_date", "The start date must be after the closing date."))
    return problems


def _apply_url_rule(values: dict) -> list[Problem]:
    """The employer's own application page, when given: a whole https address."""
    url = values.get("apply_url")
    if not url:
        return []
    try:
        Vacancy._meta.get_field("apply_url").run_validators(url)
    except ValidationError:
        return [("apply_url", "Enter the address of your application page, starting https://")]
    return []


def _place_located(values: dict) -> tuple[dict, list[Problem]]:
    """A newly given postcode, located (its place fields), in England."""
    if "postcode" not in values:
        return {}, []
    try:
        place = place_lookup(values["postcode"])
    except ValidationError as invalid:
        return {}, [("postcode", invalid.messages[0])]
    located = {
        "postcode": place.postcode,
        "outcode": place.outcode,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "local_authority": place.local_authority,
    }
    if not place.in_england:
        return located, [
            ("postcode", f"{place.postcode} is outside England; levy-funded apprenticeships are in England.")
        ]
    return located, []


def _apply(vacancy: Vacancy, values: dict, located: dict) -> None:
    for field, value in {**values, **located}.items():
        if field == "delivery_modes":
            vacancy.delivery_mask = modes_to_mask(value)
        else:
            setattr(vacancy, field, value)


def _differs(old: object, new: object) -> bool:
    if isinstance(old, list):  # delivery modes: order doesn't matter
        return set(old) != set(new)
    return old != new


def _record(vacancy: Vacancy, from_status: str, *, by: User | None, comment: str = "") -> VacancyTransition:
    return VacancyTransition.objects.create(
        vacancy=vacancy, from_status=from_status, to_status=vacancy.status, by=by, comment=comment
    )


@transaction.atomic
def vacancy_create(*, employer: Employer, by: User | None, **values: object) -> Vacancy:
    """Create a draft vacancy for the employer."""
    unknown = set(values) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not vacancy fields: {sorted(unknown)}")
    located = vacancy_rules_check(values)
    vacancy = Vacancy(employer=employer, status=S.DRAFT)
    _apply(vacancy, values, located)
    vacancy.save()
    _record(vacancy, "", by=by, comment="Created")
    return vacancy


# The same draft saved again by the same person within this time is the form sent again (after Back, when the
# page was fetched anew with a new one-time token), not a second vacancy: the page shows the first.
SAME_DRAFT_WITHIN = timedelta(hours=1)


def vacancy_draft_same(*, employer: Employer, by: User | None, **values: object) -> Vacancy | None:
    """The draft `by` created for the employer in the last SAME_DRAFT_WITHIN with every one of these values
    (as `vacancy_create` would save them), if there is one."""
    if by is None:
        return None
    recent = list(
        Vacancy.objects.filter(
            employer=employer,
            status=S.DRAFT,
            transitions__from_status="",
            transitions__by=by,
            transitions__created_at__gte=timezone.now() - SAME_DRAFT_WITHIN,
        ).order_by("-pk")
    )
    if not recent:  # the usual case: no postcode to locate a second time
        return None
    wanted = {**values, **vacancy_rules_check(values)}
    for draft in recent:
        if not any(_differs(getattr(draft, field), value) for field, value in wanted.items()):
            return draft
    return None


@transaction.atomic
def vacancy_update(vacancy: Vacancy, *, by: User | None, **values: object) -> Vacancy:
    """Change a draft freely; a live vacancy's material change sends it back to hub QA."""
    locked = Vacancy.objects.select_for_update(no_key=True).get(pk=vacancy.pk)
    if locked.status not in Vacancy.EDITABLE:
        raise VacancyConflict(f"A {locked.get_status_display().lower()} vacancy can't be changed.", locked)
    located = vacancy_rules_check(values, instance=locked)
    changed = {f for f, v in {**values, **located}.items() if f in values and _differs(getattr(locked, f), v)}
    before = {"positions": locked.positions, "notes": locked.notes}  # what matching scored it on, if it stays live
    _apply(locked, values, located)
    material = sorted(changed & MATERIAL_FIELDS)
    was_live = locked.status == S.LIVE
    if was_live and material:
        locked.status, locked.submitted_at = S.SUBMITTED, timezone.now()
        locked.save()
        _record(locked, S.LIVE, by=by, comment=f"Changed while live ({', '.join(material)}): back to hub review.")
        vacancy_left_market.send(sender=Vacancy, vacancy=locked, reason=CHANGED_WHILE_LIVE, by=by)
    else:
        locked.save()
    if was_live:
        standards_changed.send(
            sender=Vacancy,
            standard_ids=[vacancy.standard_id, locked.standard_id],
            vacancy_id=locked.pk,
            before=before if locked.status == S.LIVE else None,
        )
    return locked


@transaction.atomic
def vacancy_transition(vacancy: Vacancy, *, action: str, by: User | None, comment: str = "") -> Vacancy:
    """Move a vacancy along its lifecycle (submit, approve, refer, close, withdraw, filled)."""
    sources, target = TRANSITIONS[action]
    locked = Vacancy.objects.select_for_update(no_key=True).select_related("standard").get(pk=vacancy.pk)
    if locked.status not in sources:
        raise VacancyConflict(f"Can't {action} a vacancy that is {locked.get_status_display().lower()}.", locked)
    comment = comment.strip()
    if action == "refer" and not comment:
        raise ValidationError({"comment": ["Say what the employer needs to change before it can go live."]})
    if action == "submit":
        vacancy_submit_check(locked)
    from_status = locked.status
    locked.status = target
    if action == "submit":
        locked.submitted_at = timezone.now()
    if action == "approve":
        locked.live_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at", "live_at", "updated_at"])
    step = _record(locked, from_status, by=by, comment=comment)
    if action in ("approve", "refer"):
        vacancy_decision_after_commit(step)
    if action in LEFT_MARKET_REASONS:
        vacancy_left_market.send(sender=Vacancy, vacancy=locked, reason=LEFT_MARKET_REASONS[action], by=by)
    if S.LIVE in (from_status, target):  # it joins or leaves the market
        standards_changed.send(sender=Vacancy, standard_ids=[locked.standard_id], vacancy_id=locked.pk)
    return locked


def vacancy_submit_check(vacancy: Vacancy, *, today: date | None = None) -> None:
    """The rules a vacancy must meet to go to hub review: all of them, and a closing date a week ahead."""
    today = today or timezone.localdate()
    values = {field: getattr(vacancy, field) for field in EDITABLE_FIELDS if field != "postcode"}
    values["delivery_modes"] = vacancy.delivery_modes
    errors = {}
    try:
        vacancy_rules_check(values, today=today)
    except ValidationError as invalid:
        errors = invalid.message_dict
    if vacancy.closing_date < today + timedelta(days=CLOSING_NOTICE_DAYS):
        errors.setdefault("closing_date", []).append(
            f"The closing date must be at least {CLOSING_NOTICE_DAYS} days from today "
            f"({long_date(today + timedelta(days=CLOSING_NOTICE_DAYS))} or later)."
        )
    if errors:
        raise ValidationError(errors)


ONLY_DRAFTS_DELETED = "Only a draft can be deleted; withdraw a submitted or live vacancy instead."
KEPT_FOR_THE_RECORD = "Only a draft can be deleted. This vacancy was sent to the hub, so it is kept for the record."


def not_deletable_reason(status: str) -> str:
    """Why a vacancy in this status can't be deleted: withdraw it if it is still open, else it is kept."""
    return ONLY_DRAFTS_DELETED if status in TRANSITIONS["withdraw"][0] else KEPT_FOR_THE_RECORD


def deletable(vacancies: QuerySet[Vacancy]) -> QuerySet[Vacancy]:
    """Those that may be deleted: drafts, and drafts withdrawn (withdrawing a draft did not make it more)."""
    withdrawn_as_draft = VacancyTransition.objects.filter(from_status=S.DRAFT, to_status=S.WITHDRAWN)
    return vacancies.filter(Q(status=S.DRAFT) | Q(status=S.WITHDRAWN, pk__in=withdrawn_as_draft.values("vacancy")))


def vacancy_deletable(vacancy: Vacancy) -> bool:
    return vacancy.status == S.DRAFT or deletable(Vacancy.objects.filter(pk=vacancy.pk)).exists()


def vacancy_delete(vacancy: Vacancy) -> None:
    """Delete a draft (or a draft withdrawn); anything that has been submitted is kept (withdraw it instead)."""
    try:
        deleted, _ = deletable(Vacancy.objects.filter(pk=vacancy.pk)).delete()
    except ProtectedError:  # a draft that was live once: the audit trail of its matches is kept
        raise VacancyConflict(
            "This vacancy has a history of matches the hub keeps, so it can't be deleted; withdraw it instead.",
            vacancy,
        ) from None
    if not deleted:
        raise VacancyConflict(not_deletable_reason(vacancy.status), vacancy)
