import factory
from django.contrib.auth.models import User

from apprenticeships import services
from apprenticeships.models import Employer, Provider, Role
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
