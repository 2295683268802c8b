"""Three-way matching (issue 17): the levy-transfer pledge that would pay for each suggestion, region-wide.

For the open suggestions of vacancies whose employer would pay something under the funding rules
(a levy payer past its funds, a non-levy employer's apprentices aged 25 and over), each pledge
whose criteria fit and whose money covers the transfer amount is an option; `matching.ml.pledges`
chooses at most one per vacancy without over-committing any pledge (its remaining money less what
its pending applications ask; approved ones have already left `remaining`), weighting by the
vacancy's deprivation when money is short. The chosen pledge, the amount and the reason in words
go on the suggestion. Approving such a suggestion opens the application (`pledge_application_open`).
"""

import logging
from decimal import Decimal

import numpy as np
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Sum

from apprenticeships.models import Pledge, PledgeApplication, Vacancy
from apprenticeships.services.levy import levy_positions, vacancy_funding
from apprenticeships.services.pledges import (
    PledgeConflict,
    application_amount,
    application_create,
    pledge_misses,
    region_codes,
)
from matching.ml.pledges import PledgeOptions, allocate_pledges, deprivation_of
from matching.models import Suggestion

logger = logging.getLogger(__name__)


def _pounds(value: Decimal) -> str:
    return f"£{value:,.0f}" if value == value.to_integral_value() else f"£{value:,.2f}"


def pledge_budgets(pledges: list[Pledge]) -> np.ndarray:
    """What each open pledge can still promise: its remaining money less what pending applications ask."""
    pending = dict(
        PledgeApplication.objects.filter(pledge__in=pledges, status=PledgeApplication.Status.PENDING)
        .values("pledge_id")
        .annotate(total=Sum("amount"))
        .values_list("pledge_id", "total")
    )
    return np.array([float(p.remaining - (pending.get(p.pk) or 0)) for p in pledges], dtype=float)


def vacancies_that_would_pay(vacancies: dict[int, Vacancy]) -> dict[int, Decimal]:
    """Vacancy id → what its employer would pay under the funding rules, for those that would pay something."""
    taken = set(
        PledgeApplication.objects.filter(vacancy_id__in=list(vacancies), status__in=PledgeApplication.OPEN).values_list(
            "vacancy_id", flat=True
        )
    )
    positions = levy_positions({v.employer for v in vacancies.values()})
    found = {}
    for pk, vacancy in vacancies.items():
        if pk in taken:
            continue  # already applying to a pledge
        pays = vacancy_funding(vacancy, position=positions[vacancy.employer_id]).employer_pays
        if pays > 0:
            found[pk] = pays
    return found


def _reason(pledge: Pledge, amount: Decimal, pays: Decimal) -> str:
    who = "an employer who prefers not to be named" if pledge.anonymous else pledge.employer.name
    return (
        f"A levy transfer of {_pounds(amount)} from a pledge by {who} would pay for this training "
        f"(the employer would otherwise pay up to {_pounds(pays)}): the vacancy meets the pledge's criteria "
        "and the pledge holds enough that no other proposal or application has claimed."
    )


@transaction.atomic
def pledge_suggestions_allocate() -> int:
    """Put the best fitting pledge on open suggestions, region-wide; returns how many suggestions carry one."""
    # Locks the open pledges: an approval taking money waits, so budgets are read as they stand.
    pledges = list(
        Pledge.objects.select_for_update(of=("self",))
        .filter(status=Pledge.Status.OPEN)
        .select_related("employer")
        .order_by("pk")
    )
    if not pledges:
        # Nothing to fit: only take pledges off suggestions that still carry one, without loading every
        # open suggestion and its vacancy (a full run's 150,000 took seconds of the write for nothing).
        changed = (
            Suggestion.objects.filter(status=Suggestion.Status.SUGGESTED)
            .filter(Q(pledge__isnull=False) | Q(transfer_amount__isnull=False) | ~Q(pledge_reason=""))
            .update(pledge=None, transfer_amount=None, pledge_reason="", version=F("version") + 1)
        )
        logger.info("pledge allocation: %d suggestions changed", changed)
        return 0
    suggestions = list(
        Suggestion.objects.filter(status=Suggestion.Status.SUGGESTED)
        .select_related(
            "vacancy__standard", "vacancy__local_authority", "vacancy__employer", "cohort__offer", "course_offer"
        )
        .order_by("pk")
    )
    wanted: dict[int, tuple[int | None, Decimal | None, str]] = {s.pk: (None, None, "") for s in suggestions}
    if pledges and suggestions:
        budget = pledge_budgets(pledges)
        pays = vacancies_that_would_pay({s.vacancy_id: s.vacancy for s in suggestions})
        region = region_codes()
        rows: dict[str, list] = {k: [] for k in ("suggestion", "vacancy", "pledge", "amount", "score", "imd", "spec")}
        for s in suggestions:
            if s.vacancy_id not in pays:
                continue
            amount = application_amount(s.vacancy, cohort=s.cohort)
            for j, pledge in enumerate(pledges):
                if pledge.employer_id == s.vacancy.employer_id or float(amount) > budget[j]:
                    continue
                if pledge_misses(pledge, s.vacancy, region=region):
                    continue
                rows["suggestion"].append(s)
                rows["vacancy"].append(s.vacancy_id)
                rows["pledge"].append(j)
                rows["amount"].append(amount)
                rows["score"].append(s.score)
                rows["imd"].append(s.vacancy.local_authority.imd_rank or np.nan)
                rows["spec"].append(
                    sum(bool(c) for c in (pledge.routes, pledge.local_authorities, pledge.age_groups))
                    + (len(pledge.levels) < 6)
                )
        if rows["suggestion"]:
            options = PledgeOptions(
                vacancy=np.array(rows["vacancy"]),
                pledge=np.array(rows["pledge"]),
                amount=np.array([float(a) for a in rows["amount"]]),
                score=np.array(rows["score"], dtype=float),
                deprivation=deprivation_of(np.array(rows["imd"], dtype=float)),
                specificity=np.array(rows["spec"], dtype=float),
            )
            for i in allocate_pledges(options, budget).tolist():
                s, pledge = rows["suggestion"][i], pledges[rows["pledge"][i]]
                reason = _reason(pledge, rows["amount"][i], pays[s.vacancy_id])
                wanted[s.pk] = (pledge.pk, rows["amount"][i], reason)
    changed = 0
    for s in suggestions:
        pledge_id, amount, reason = wanted[s.pk]
        if (s.pledge_id, s.transfer_amount, s.pledge_reason) == (pledge_id, amount, reason):
            continue
        Suggestion.objects.filter(pk=s.pk, status=Suggestion.Status.SUGGESTED).update(
            pledge_id=pledge_id, transfer_amount=amount, pledge_reason=reason, version=F("version") + 1
        )
        changed += 1
    logger.info("pledge allocation: %d suggestions changed", changed)
    return sum(1 for pledge_id, _, _ in wanted.values() if pledge_id is not None)


def pledge_application_open(suggestion: Suggestion, *, by: User | None) -> PledgeApplication | None:
    """The hub approved a suggestion carrying a pledge: apply to it for the vacancy (approved at once where the
    pledger auto-approves immediately). If the pledge can no longer fund it, the match stands without it."""
    if suggestion.pledge_id is None:
        return None
    vacancy = Vacancy.objects.select_related("standard", "local_authority", "employer").get(pk=suggestion.vacancy_id)
    try:
        with transaction.atomic():
            return application_create(
                pledge=Pledge.objects.get(pk=suggestion.pledge_id),
                applicant=vacancy.employer,
                vacancy=vacancy,
                cohort=suggestion.cohort,
                by=by,
            )
    except (ValidationError, PledgeConflict) as problem:
        logger.info("suggestion %s: pledge %s not applied for: %s", suggestion.pk, suggestion.pledge_id, problem)
        return None
