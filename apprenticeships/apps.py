from django.apps import AppConfig


class ApprenticeshipsConfig(AppConfig):
    name = "apprenticeships"
    verbose_name = "Apprenticeships"

    def ready(self) -> None:
        from apprenticeships.services import applicant_data

        applicant_data.register()
