import factory
from django.contrib.auth.models import User
from django.utils import timezone

from apprenticeships import services
from apprenticeships.models import Application, Employer, Provider, Role, Vacancy, VacancyAlert
from apprenticeships.services.alerts import search_key, search_normalise
from apprenticeships.services.applications import application_create
from apprenticeships.services.funding import pay_bill_declare

PASSWORD = "correct-horse-battery-staple"


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer
        skip_postgeneration_save = True  # `located` saves through the service

    name = factory.Sequence(lambda n: f"Mersey Employer {n} Ltd")
    postcode = "L1 8JQ"
    sector = "Construction"
    is_levy_payer = False
    annual_pay_bill = 1_000_000

    @factory.post_generation
    def located(obj: Employer, create: bool, extracted: object, **kwargs) -> None:
        if create:
            services.organisation_update(obj, postcode=obj.postcode)

    @factory.post_generation
    def declared_on(obj: Employer, create: bool, extracted: object, **kwargs) -> None:
        """The pay bill is declared today unless `declared_on=date(...)` says when."""
        if create:
            pay_bill_declare(employer=obj, annual_pay_bill=obj.annual_pay_bill, declared_on=extracted or None)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        skip_postgeneration_save = True  # `located` saves through the service

    name = factory.Sequence(lambda n: f"Wirral Training {n}")
    ukprn = factory.Sequence(lambda n: f"1{n:07d}")
    postcode = "CH41 1AA"
    ofsted_grade = 2
    achievement_rate = 62.5

    @factory.post_generation
    def located(obj: Provider, create: bool, extracted: object, **kwargs) -> None:
        if create:
            services.organisation_update(obj, postcode=obj.postcode)


def make_user(username: str, role: str, organisation: Employer | Provider | None = None) -> User:
    return services.user_create(
        username=username, password=PASSWORD, email=f"{username}@example.org", role=role, organisation=organisation
    )


def make_hub_user(username: str = "hannah") -> User:
    return make_user(username, Role.HUB)


class ApplicationFactory(factory.Factory):
    """An application made through `application_create` (so the e-mails go too) to a live `vacancy`."""

    class Meta:
        model = Application

    vacancy: Vacancy = None  # required
    name = "Jordan Lee"
    email = factory.Sequence(lambda n: f"applicant{n}@example.net")
    phone = "07700 900123"
    postcode = "L36 9GD"
    age_group = "16-18"
    about = "I like fixing things and took design and technology at school."

    @classmethod
    def _create(cls, model_class: type, vacancy: Vacancy, **values: object) -> Application:
        return application_create(vacancy_id=vacancy.pk, **values)


class VacancyAlertFactory(factory.django.DjangoModelFactory):
    """An alert, confirmed unless `confirmed_at=None`."""

    class Meta:
        model = VacancyAlert

    email = factory.Sequence(lambda n: f"reader{n}@example.net")
    search = factory.LazyFunction(dict)
    search_key = factory.LazyAttribute(lambda alert: search_key(search_normalise(alert.search)))
    confirmed_at = factory.LazyFunction(timezone.now)
