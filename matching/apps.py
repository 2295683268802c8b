from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        # Apprenticeships tells matching what happened through its signals, and never imports matching.
        from apprenticeships.models import Vacancy
        from apprenticeships.signals import vacancy_left_market
        from matching import receivers

        vacancy_left_market.connect(
            receivers.vacancy_left_market, sender=Vacancy, dispatch_uid="matching.vacancy_left_market"
        )
