"""Matching's answers to what apprenticeships signals (connected in MatchingConfig.ready()): thin, one service each."""

from collections.abc import Iterable

from django.contrib.auth.models import User

from apprenticeships.models import Vacancy
from matching import services
from matching.enqueue import rematch_after_commit, rematch_vacancy_after_commit
from matching.models import StandardSlack


def vacancy_left_market(sender: type[Vacancy], *, vacancy: Vacancy, reason: str, by: User | None, **kwargs) -> None:
    """End the vacancy's introductions not yet agreed (apprenticeships.signals.vacancy_left_market)."""
    services.introductions_end(vacancy_id=vacancy.pk, reason=reason, by=by)


def standards_changed(
    sender: type,
    *,
    standard_ids: Iterable[int],
    vacancy_id: int | None = None,
    before: dict | None = None,
    **kwargs,
) -> None:
    """Re-match once the transaction commits (apprenticeships.signals.standards_changed): just the
    vacancy when one vacancy changed within one standard, else these standards."""
    standards = set(standard_ids)
    if vacancy_id is not None and len(standards) == 1:
        rematch_vacancy_after_commit(vacancy_id, standard_id=standards.pop(), before=before)
    else:
        # Offers or cohorts changed: until these are solved whole again, their slack no longer bounds
        # what a priced re-match of one vacancy may leave.
        StandardSlack.forget(standards)
        rematch_after_commit(standards)
