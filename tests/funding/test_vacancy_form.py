"""The vacancy form asks which ages the vacancy is open to and how long it lasts."""

import pytest
from django.urls import reverse

from apprenticeships.models import Vacancy
from tests.web.conftest import vacancy_form as _vacancy_form  # noqa: F401 - the fixture, for this folder

pytestmark = pytest.mark.django_db
vacancy_form = _vacancy_form


@pytest.fixture
def software_developer():
    from tests.market_factories import standard

    return standard()


def test_an_employer_opens_a_vacancy_to_some_ages_for_a_planned_duration(client, alice, vacancy_form):
    client.force_login(alice)

    client.post(
        reverse("employer-vacancy-new"), {**vacancy_form, "age_groups": ["16-18", "19-21"], "duration_months": "18"}
    )

    vacancy = Vacancy.objects.get(title="Trainee web developer")
    assert (vacancy.age_groups, vacancy.duration_months) == (["16-18", "19-21"], 18)


def test_a_part_time_vacancy_too_short_for_its_hours_is_refused_on_the_form(client, alice, vacancy_form):
    client.force_login(alice)
    form = {**vacancy_form, "hours_per_week": "20", "weekly_wage": "200", "duration_months": "10"}

    response = client.post(reverse("employer-vacancy-new"), form)

    assert "must last at least 12 months at 20 hours a week" in response.content.decode()
    assert not Vacancy.objects.exists()
