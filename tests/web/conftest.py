"""Vacancies and offers for the page tests, made through the services like everything else."""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from apprenticeships.models import CourseOffer, Employer, Provider, Standard, Vacancy
from apprenticeships.services.offers import offer_create
from apprenticeships.services.vacancies import vacancy_create, vacancy_transition

SOFTWARE_DEVELOPER = 2  # LARS code: level 4, maximum funding band £18,000
NOTES = "Ask for Sam at the side door; laptop provided."

# The actions that walk a new draft to each status.
PATH_TO = {
    Vacancy.Status.DRAFT: [],
    Vacancy.Status.SUBMITTED: ["submit"],
    Vacancy.Status.LIVE: ["submit", "approve"],
    Vacancy.Status.CLOSED: ["submit", "approve", "close"],
    Vacancy.Status.FILLED: ["submit", "approve", "filled"],
    Vacancy.Status.WITHDRAWN: ["withdraw"],
}


def days_ahead(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def date_fields(name: str, day: date) -> dict[str, str]:
    """A date as the GOV.UK date input posts it: day, month and year boxes."""
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


@pytest.fixture
def software_developer() -> Standard:
    return Standard.objects.get(lars_code=SOFTWARE_DEVELOPER)


@pytest.fixture
def make_vacancy(software_developer: Standard) -> Callable[..., Vacancy]:
    def make(employer: Employer, status: str = Vacancy.Status.DRAFT, by: User | None = None, **values) -> Vacancy:
        fields = {
            "title": "Junior software developer",
            "description": "Build and test web applications with our Liverpool team.",
            "standard": software_developer,
            "positions": 1,
            "weekly_wage": Decimal("300.00"),
            "hours_per_week": Decimal("30.0"),
            "postcode": "L1 8JQ",
            "start_date": days_ahead(60),
            "closing_date": days_ahead(14),
            "delivery_modes": ["day_release", "online"],
            "notes": NOTES,
        }
        vacancy = vacancy_create(employer=employer, by=by, **(fields | values))
        for action in PATH_TO[status]:
            vacancy = vacancy_transition(vacancy, action=action, by=by)
        return vacancy

    return make


@pytest.fixture
def make_offer(software_developer: Standard) -> Callable[..., CourseOffer]:
    def make(provider: Provider, **values) -> CourseOffer:
        fields = {
            "standard": software_developer,
            "title": "Software developer, day release",
            "description": "One day a week at our Runcorn campus.",
            "price": Decimal("15000.00"),
            "delivery_modes": ["day_release"],
            "national": False,
            "locations": [{"postcode": "WA7 1AA", "radius_km": 25}],
            "cohorts": [{"start_date": days_ahead(90), "places": 12}],
        }
        return offer_create(provider=provider, **(fields | values))

    return make


@pytest.fixture
def vacancy_form(software_developer: Standard) -> dict[str, object]:
    """What an employer types into the vacancy form, all of it valid."""
    return {
        "title": "Trainee web developer",
        "description": "Help build the booking system for our hotels.",
        "standard": str(software_developer.pk),
        "positions": "2",
        "weekly_wage": "£320.50",
        "hours_per_week": "35",
        "postcode": "l3 5tr",
        **date_fields("start_date", days_ahead(75)),
        **date_fields("closing_date", days_ahead(21)),
        "delivery_modes": ["day_release", "workplace"],
        "notes": "Interviews on Tuesdays.",
    }


def formset_management(prefix: str, total: int, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "50",
    }


@pytest.fixture
def offer_form(software_developer: Standard) -> dict[str, object]:
    """What a provider types into the course offer form: one location and one cohort, blank rows left."""
    return {
        "standard": str(software_developer.pk),
        "title": "Software developer with block release",
        "description": "Two-week blocks at our Liverpool campus.",
        "price": "16,500",
        "delivery_modes": ["block_release", "online"],
        "status": "open",
        **formset_management("locations", 3),
        "locations-0-postcode": "L3 5TR",
        "locations-0-radius_km": "30",
        **formset_management("cohorts", 3),
        **date_fields("cohorts-0-start_date", days_ahead(100)),
        "cohorts-0-places": "10",
    }
