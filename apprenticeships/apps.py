from django.apps import AppConfig


class ApprenticeshipsConfig(AppConfig):
    name = "apprenticeships"
    verbose_name = "Apprenticeships"

    def ready(self) -> None:
        from apprenticeships import checks  # noqa: F401 - registers the deployment checks
        from apprenticeships.services import applicant_data

        applicant_data.register()

        # The tasks register with the Celery app here, so that queueing one by name
        # (services.notifications) finds it in the registry, and eager mode runs it in this process.
        from apprenticeships import tasks  # noqa: F401
