"""Vacancies and course offers made through the services, so every object obeys the business rules.

`vacancy_payload()` and `offer_payload()` are the JSON an API client would send; the factories
build the same objects directly through `vacancy_create` / `offer_create` and walk a vacancy
along its lifecycle (through `vacancy_transition`) to the status asked for.
"""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import User
from django.utils import timezone

from apprenticeships.models import CourseOffer, Employer, Provider, Standard, Vacancy
from apprenticeships.services.offers import offer_create
from apprenticeships.services.vacancies import vacancy_create, vacancy_transition

SOFTWARE_DEVELOPER = 2  # LARS code: level 4, maximum funding band £18,000
NETWORK_ENGINEER = 1  # LARS code: level 4, £17,000
CHEAP_STANDARD = 36  # LARS code: level 3, £2,500

# The actions that lead from a draft to each status.
PATH_TO: dict[str, list[str]] = {
    Vacancy.Status.DRAFT: [],
    Vacancy.Status.SUBMITTED: ["submit"],
    Vacancy.Status.LIVE: ["submit", "approve"],
    Vacancy.Status.CLOSED: ["submit", "approve", "close"],
    Vacancy.Status.FILLED: ["submit", "approve", "filled"],
    Vacancy.Status.WITHDRAWN: ["withdraw"],
}


def days_ahead(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def standard(lars_code: int = SOFTWARE_DEVELOPER) -> Standard:
    return Standard.objects.get(lars_code=lars_code)


def vacancy_payload(**overrides: object) -> dict:
    """A valid vacancy as an API client sends it (JSON-ready)."""
    payload = {
        "title": "Junior software developer",
        "description": "Build and test web applications with our Liverpool team.",
        "standard": SOFTWARE_DEVELOPER,
        "positions": 1,
        "weekly_wage": "300.00",
        "hours_per_week": "30.0",
        "postcode": "L1 8JQ",
        "start_date": days_ahead(60).isoformat(),
        "closing_date": days_ahead(14).isoformat(),
        "delivery_modes": ["day_release", "online"],
        "notes": "Laptop provided; ask for Sam at reception.",
    }
    payload.update(overrides)
    return payload


class VacancyFactory(factory.Factory):
    """A vacancy created by `vacancy_create` and moved by `vacancy_transition` to `status`."""

    class Meta:
        model = Vacancy

    employer: Employer = None  # required
    by: User | None = None
    status = Vacancy.Status.DRAFT
    title = "Junior software developer"
    description = "Build and test web applications with our Liverpool team."
    standard = factory.LazyFunction(standard)
    positions = 1
    weekly_wage = Decimal("300.00")
    hours_per_week = Decimal("30.0")
    postcode = "L1 8JQ"
    start_date = factory.LazyFunction(lambda: days_ahead(60))
    closing_date = factory.LazyFunction(lambda: days_ahead(14))
    delivery_modes = factory.LazyFunction(lambda: ["day_release", "online"])
    notes = "Laptop provided; ask for Sam at reception."

    @classmethod
    def _create(cls, model_class: type[Vacancy], *args, **values: object) -> Vacancy:
        employer, by, status = values.pop("employer"), values.pop("by"), values.pop("status")
        if employer is None:
            raise TypeError("VacancyFactory needs an employer")
        vacancy = vacancy_create(employer=employer, by=by, **values)
        for action in PATH_TO[status]:
            vacancy = vacancy_transition(vacancy, action=action, by=by)
        return vacancy


def offer_payload(**overrides: object) -> dict:
    """A valid course offer as an API client sends it (JSON-ready)."""
    payload = {
        "standard": SOFTWARE_DEVELOPER,
        "title": "Software developer (level 4)",
        "description": "Day release at our Liverpool campus.",
        "price": "15000.00",
        "delivery_modes": ["day_release", "online"],
        "locations": [{"postcode": "L3 5TR", "radius_km": 25}],
        "national": False,
        "cohorts": [
            {"start_date": days_ahead(45).isoformat(), "places": 12},
            {"start_date": days_ahead(135).isoformat(), "places": 8},
        ],
        "status": "open",
    }
    payload.update(overrides)
    return payload


class CourseOfferFactory(factory.Factory):
    """A course offer created by `offer_create`, with its locations and cohorts."""

    class Meta:
        model = CourseOffer

    provider: Provider = None  # required
    standard = factory.LazyFunction(standard)
    title = "Software developer (level 4)"
    description = "Day release at our Liverpool campus."
    price = Decimal("15000.00")
    delivery_modes = factory.LazyFunction(lambda: ["day_release", "online"])
    locations = factory.LazyFunction(lambda: [{"postcode": "L3 5TR", "radius_km": 25}])
    national = False
    cohorts = factory.LazyFunction(
        lambda: [{"start_date": days_ahead(45), "places": 12}, {"start_date": days_ahead(135), "places": 8}]
    )
    status = CourseOffer.Status.OPEN

    @classmethod
    def _create(cls, model_class: type[CourseOffer], *args, **values: object) -> CourseOffer:
        provider = values.pop("provider")
        if provider is None:
            raise TypeError("CourseOfferFactory needs a provider")
        return offer_create(provider=provider, **values)


def db_snapshot(model: type) -> list[dict]:
    """Every row of a model as plain values, to show a refused request changed nothing."""
    return list(model.objects.order_by("pk").values())
