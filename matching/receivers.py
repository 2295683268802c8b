"""Matching's answers to what apprenticeships signals (connected in MatchingConfig.ready()): thin, one service each."""

from django.contrib.auth.models import User

from apprenticeships.models import Vacancy
from matching import services


def vacancy_left_market(sender: type[Vacancy], *, vacancy: Vacancy, reason: str, by: User | None, **kwargs) -> None:
    """End the vacancy's introductions not yet agreed (apprenticeships.signals.vacancy_left_market)."""
    services.introductions_end(vacancy_id=vacancy.pk, reason=reason, by=by)
