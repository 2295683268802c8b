"""The dashboard's reach map: a dot per neighbourhood, coloured by reach, drawn by the service itself."""

import re

import pytest
from django.urls import reverse

from apprenticeships.models import Neighbourhood, Vacancy
from apprenticeships.transport.travel import travel_times_compute
from tests.market_factories import CourseOfferFactory, VacancyFactory
from tests.transport.test_cut_off import deprived_without_cars

pytestmark = pytest.mark.django_db


def reach_map(client, hannah) -> str:
    client.force_login(hannah)
    page = client.get(reverse("dashboard")).content.decode()
    found = re.search(r'<svg class="app-chart app-map".*?</svg>', page, re.S)
    assert found, "no map on the dashboard"
    assert "<image" not in found.group(0) and "http" not in found.group(0).replace("http://www.w3.org/2000/svg", "")
    return found.group(0)


def test_every_neighbourhood_is_a_dot_and_the_legend_counts_each_kind(client, hannah, employer_a, provider_a):
    VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, postcode="L1 8JQ")
    CourseOfferFactory(provider=provider_a, locations=[{"postcode": "L1 8JQ", "radius_km": 25}])
    (stranded,) = deprived_without_cars(1)
    travel_times_compute(origins=[stranded.code], destinations=["L1 8JQ"])  # an estimate: no feed

    svg = reach_map(client, hannah)

    total = Neighbourhood.objects.count()
    assert "What residents can reach by public transport within 45 minutes" in svg
    assert f"Neighbourhood: reach not worked out yet ({total - 1:,})" in svg
    legend = re.findall(r"Cut-off neighbourhood [^<]*\((\d+)\)|reaches under a quarter[^<]*\((\d+)\)", svg)
    assert sum(int(a or b) for a, b in legend) == 1  # the one neighbourhood worked out
    assert "Live vacancy (1)" in svg and "Training venue (1)" in svg
    assert svg.count("<circle") + svg.count("<polygon") + svg.count("<rect") >= total + 2
