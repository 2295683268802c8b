"""Cut-off neighbourhoods: found from their figures (deprivation, cars, reach in 45 minutes)."""

from io import StringIO

import pytest
from django.core.management import call_command

from apprenticeships.models import Neighbourhood, Vacancy
from apprenticeships.transport.travel import travel_times_compute
from lcr_skills.geo import haversine_km
from tests.market_factories import CourseOfferFactory, VacancyFactory
from tests.transport.feeds import gtfs_zip

pytestmark = pytest.mark.django_db


L1_CENTRE = (53.402036, -2.980503)


def deprived_without_cars(count: int) -> list[Neighbourhood]:
    """Deprived neighbourhoods where most households have no car, more than a walk from L1 and each other."""
    found: list[Neighbourhood] = []
    for n in Neighbourhood.objects.filter(imd_decile__lte=2).order_by("code"):
        far = all(
            haversine_km(n.latitude, n.longitude, *p) > 3
            for p in [L1_CENTRE, *((f.latitude, f.longitude) for f in found)]
        )
        if n.households_no_car / n.households >= 0.45 and far:
            found.append(n)
    return found[:count]


def report(api, hannah) -> dict:
    """Every row of the report, page by page."""
    client, rows, url = api(hannah), {}, "/api/v1/reports/cut-off-neighbourhoods/?page_size=100"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.json()
        rows.update({row["lsoa_code"]: row for row in body["rows"]})
        url = body["next"]
    assert len(rows) == Neighbourhood.objects.count()
    return rows


def test_a_deprived_carless_neighbourhood_with_nothing_in_reach_is_cut_off_and_one_with_a_bus_is_not(
    api, hannah, tmp_path, employer_a, provider_a
):
    served, stranded = deprived_without_cars(2)
    stops = {"HOME": (served.latitude, served.longitude), "WORK": L1_CENTRE}
    trips = {"in": [("HOME", "08:00"), ("WORK", "08:25")]}
    call_command("import_gtfs", str(gtfs_zip(tmp_path / "feed.zip", stops, trips)), stdout=StringIO())
    VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, postcode="L1 8JQ")
    CourseOfferFactory(provider=provider_a, locations=[{"postcode": "L1 8JQ", "radius_km": 25}])
    travel_times_compute(origins=[served.code, stranded.code], destinations=["L1 8JQ"])

    rows = report(api, hannah)

    assert rows[stranded.code]["cut_off"] is True
    assert (rows[stranded.code]["vacancies_within_45_min"], rows[stranded.code]["venues_within_45_min"]) == (0, 0)
    assert rows[served.code]["cut_off"] is False
    assert (rows[served.code]["vacancies_within_45_min"], rows[served.code]["venues_within_45_min"]) == (1, 1)
    row = rows[stranded.code]
    assert row["imd_decile"] == stranded.imd_decile
    assert row["no_car_share"] == round(100 * stranded.households_no_car / stranded.households, 1)
    assert row["stops_within_800m"] == stranded.stops_nearby > 0
    assert row["local_authority"] == stranded.local_authority.name


def test_a_neighbourhood_whose_reach_is_not_computed_yet_is_not_judged(api, hannah, employer_a, provider_a):
    VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, postcode="L1 8JQ")
    CourseOfferFactory(provider=provider_a, locations=[{"postcode": "L1 8JQ", "radius_km": 25}])
    (some,) = deprived_without_cars(1)

    row = report(api, hannah)[some.code]

    assert (row["cut_off"], row["vacancies_within_45_min"]) == (None, None)


def test_a_well_off_neighbourhood_is_never_cut_off(api, hannah, employer_a, provider_a):
    VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, postcode="L1 8JQ")
    CourseOfferFactory(provider=provider_a, locations=[{"postcode": "L1 8JQ", "radius_km": 25}])
    well_off = Neighbourhood.objects.filter(imd_decile=10).first()
    travel_times_compute(origins=[well_off.code], destinations=["L1 8JQ"])

    assert report(api, hannah)[well_off.code]["cut_off"] is False


def test_only_hub_staff_see_the_report(api, alice):
    assert api(alice).get("/api/v1/reports/cut-off-neighbourhoods/").status_code == 403
