"""Matching's answers to what apprenticeships signals (connected in MatchingConfig.ready()): thin, one service each."""

from collections.abc import Iterable

from django.contrib.auth.models import User

from apprenticeships.models import Vacancy
from matching import services
from matching.enqueue import rematch_after_commit


def vacancy_left_market(sender: type[Vacancy], *, vacancy: Vacancy, reason: str, by: User | None, **kwargs) -> None:
    """End the vacancy's introductions not yet agreed (apprenticeships.signals.vacancy_left_market)."""
    services.introductions_end(vacancy_id=vacancy.pk, reason=reason, by=by)


def standards_changed(sender: type, *, standard_ids: Iterable[int], **kwargs) -> None:
    """Re-match these standards once the transaction commits (apprenticeships.signals.standards_changed)."""
    rematch_after_commit(standard_ids)
