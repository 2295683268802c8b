"""The public search writes its rows without the serializer (issue 19: a page of model instances and DRF's
work per field cost more than the search), so each row must be exactly what PublicVacancySerializer writes,
with a distance or without, whatever the vacancy leaves out."""

from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.utils import json

from apprenticeships import selectors
from apprenticeships.api.vacancies import PublicVacancySerializer
from apprenticeships.models import Vacancy
from apprenticeships.places import place_lookup

pytestmark = pytest.mark.django_db


def serializer_rows(vacancies) -> list[dict]:
    return json.loads(JSONRenderer().render(PublicVacancySerializer(vacancies, many=True).data))


def test_each_row_is_the_serializers(api, search_market):
    Vacancy.objects.filter(pk=search_market["plumbing"].pk).update(
        duration_months=20, apply_url="https://example.org/jobs/1", live_at=timezone.now()
    )
    Vacancy.objects.filter(pk=search_market["software"].pk).update(
        duration_months=None, live_at=None, weekly_wage=Decimal("299.5"), hours_per_week=Decimal("30")
    )

    rows = api().get("/api/v1/public/vacancies/", {"page_size": 100}).json()["results"]

    assert len(rows) == 4 and all(row["distance_miles"] is None for row in rows)
    assert rows == serializer_rows(selectors.public_vacancies())


def test_each_row_with_a_distance_is_the_serializers(api, search_market):
    rows = (
        api()
        .get("/api/v1/public/vacancies/", {"postcode": "L36", "within_miles": "all", "ordering": "distance"})
        .json()["results"]
    )

    assert [row["distance_miles"] for row in rows] == [2.4, 4.5, 5.8, 17.7]
    assert rows == serializer_rows(selectors.public_vacancies(near=place_lookup("L36"), sort="distance"))
