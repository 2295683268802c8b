from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        # Apprenticeships tells matching what happened through its signals, and never imports matching.
        from apprenticeships.models import Vacancy
        from apprenticeships.signals import standards_changed, vacancy_left_market
        from matching import receivers

        vacancy_left_market.connect(
            receivers.vacancy_left_market, sender=Vacancy, dispatch_uid="matching.vacancy_left_market"
        )
        standards_changed.connect(receivers.standards_changed, dispatch_uid="matching.standards_changed")
        # ... and exports and erases a person's data with matching's part in it.
        from apprenticeships.services.personal_data import personal_data_section_register
        from matching.personal_data import SECTIONS

        for section in SECTIONS:
            personal_data_section_register(section)
        # ... and adds its sections to each role's home to-do list.
        from matching import todo

        todo.register()
        # Every Celery worker also watches for full runs whose worker died. And every process knows
        # matching's tasks: matching.enqueue queues them by name through the app's registry, and the
        # embedded default runs them in this process.
        from lcr_skills.celery import app
        from matching import tasks  # noqa: F401
        from matching.worker import run_watch_install

        run_watch_install(app)
