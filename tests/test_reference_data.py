"""The shipped reference data loads completely, and loading it again is safe.

conftest.py has already loaded it once into the test database, as `load_reference_data` would.
"""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from apprenticeships.models import LocalAuthority, Lsoa, Neighbourhood, PostcodeDistrict, Standard, TransitStop
from apprenticeships.reference_data import reference_data_load

pytestmark = [pytest.mark.django_db, pytest.mark.second_process]

LCR_AUTHORITIES = {
    "E06000006": "Halton",
    "E08000011": "Knowsley",
    "E08000012": "Liverpool",
    "E08000013": "St. Helens",
    "E08000014": "Sefton",
    "E08000015": "Wirral",
}


def shipped_rows(name: str) -> list[dict[str, str]]:
    with (Path(settings.REFERENCE_DATA_DIR) / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_it_loads_every_apprenticeship_standard() -> None:
    assert Standard.objects.count() == 515
    assert not Standard.objects.exclude(status=Standard.Status.APPROVED).exists()
    developer = Standard.objects.get(lars_code=2)
    assert (developer.title, developer.level, developer.route) == ("Software developer", 4, "Digital")


def test_it_loads_every_gb_postcode_district_with_its_authority() -> None:
    assert PostcodeDistrict.objects.count() == 2864
    l1 = PostcodeDistrict.objects.select_related("local_authority").get(outcode="L1")
    assert l1.local_authority.name == "Liverpool"
    assert (round(l1.latitude, 4), round(l1.longitude, 4)) == (53.402, -2.9805)


def test_each_of_the_317_english_imd_records_belongs_to_exactly_one_authority() -> None:
    ranked = LocalAuthority.objects.filter(imd_rank__isnull=False)
    assert ranked.count() == 317
    assert sorted(ranked.values_list("imd_rank", flat=True)) == list(range(1, 318))
    assert not ranked.exclude(code__startswith="E").exists()


def test_an_authority_that_only_changed_its_code_keeps_its_deprivation_under_the_new_code() -> None:
    # Barnsley and Sheffield took new GSS codes in 2023; IMD 2019 knows them by the old ones.
    barnsley = LocalAuthority.objects.get(name="Barnsley")
    assert (barnsley.code, barnsley.imd_rank) == ("E08000038", 38)
    assert barnsley.postcode_districts.exists()


def test_exactly_the_six_city_region_authorities_are_marked_in_the_region() -> None:
    region = dict(LocalAuthority.objects.filter(in_city_region=True).values_list("code", "name"))
    assert region == LCR_AUTHORITIES
    assert sorted(settings.CITY_REGION_AUTHORITY_CODES) == sorted(LCR_AUTHORITIES)


def test_it_loads_the_imd_deciles_of_every_lsoa_in_the_city_region() -> None:
    assert Lsoa.objects.count() == 989
    assert set(Lsoa.objects.values_list("local_authority__code", flat=True).distinct()) == set(LCR_AUTHORITIES)
    assert set(Lsoa.objects.values_list("imd_decile", flat=True).distinct()) <= set(range(1, 11))


def test_every_2021_neighbourhood_has_its_centre_deprivation_and_car_availability() -> None:
    assert Neighbourhood.objects.count() == 1003
    assert set(Neighbourhood.objects.values_list("local_authority__code", flat=True).distinct()) == set(LCR_AUTHORITIES)
    knowsley_006a = Neighbourhood.objects.get(code="E01006412")
    assert (knowsley_006a.latitude, knowsley_006a.longitude) == (53.439886, -2.865184)
    assert (knowsley_006a.households, knowsley_006a.households_no_car) == (620, 271)


def test_a_split_lsoa_gives_each_2021_part_its_deprivation() -> None:
    parent = Lsoa.objects.get(code="E01006441")  # Knowsley 006D became 006E and 006F
    parts = Neighbourhood.objects.filter(code__in=["E01034832", "E01034833"])
    assert {(n.imd_rank, n.imd_decile) for n in parts} == {(parent.imd_rank, parent.imd_decile)}


def test_a_merged_lsoa_takes_the_most_deprived_of_its_2011_parts() -> None:
    ranks = Lsoa.objects.filter(code__in=["E01006720", "E01006752"]).values_list("imd_rank", flat=True)
    assert Neighbourhood.objects.get(code="E01034401").imd_rank == min(ranks)


def test_it_loads_the_naptan_stops_of_the_city_region() -> None:
    assert TransitStop.objects.count() == 8043
    assert TransitStop.objects.filter(stop_type="RLY").count() == 4 + 7 + 26 + 18 + 10 + 25


def test_loading_again_creates_and_updates_nothing() -> None:
    results = reference_data_load()
    assert {name: (r.created, r.updated) for name, r in results.items()} == {
        "local authorities": (0, 0),
        "postcode districts": (0, 0),
        "LSOAs": (0, 0),
        "standards": (0, 0),
        "neighbourhoods": (0, 0),
        "stops": (0, 0),
        "district neighbourhoods": (0, 0),
    }
    assert results["standards"].unchanged == 515
    assert results["postcode districts"].unchanged == 2864
    assert results["LSOAs"].unchanged == 989
    assert Standard.objects.count() == 515


def test_loading_again_puts_back_a_standard_title_changed_in_the_database() -> None:
    Standard.objects.filter(lars_code=2).update(title="Code monkey")
    results = reference_data_load()
    assert (results["standards"].created, results["standards"].updated) == (0, 1)
    assert Standard.objects.get(lars_code=2).title == "Software developer"


def test_loading_again_puts_back_a_moved_district_centroid() -> None:
    PostcodeDistrict.objects.filter(outcode="CH41").update(latitude=0.0)
    results = reference_data_load()
    assert results["postcode districts"].updated == 1
    shipped = next(row for row in shipped_rows("outcodes.csv") if row["outcode"] == "CH41")
    assert PostcodeDistrict.objects.get(outcode="CH41").latitude == float(shipped["latitude"])


def test_loading_again_puts_back_a_changed_deprivation_rank() -> None:
    LocalAuthority.objects.filter(code="E08000012").update(imd_rank=300)
    results = reference_data_load()
    assert results["local authorities"].updated == 1
    assert LocalAuthority.objects.get(code="E08000012").imd_rank == 3


def test_a_standard_retired_by_hub_staff_stays_retired_after_a_reload() -> None:
    Standard.objects.filter(lars_code=2).update(status=Standard.Status.RETIRED)
    results = reference_data_load()
    assert results["standards"].updated == 0
    assert Standard.objects.get(lars_code=2).status == Standard.Status.RETIRED


def test_a_reload_corrects_a_retired_standards_title_but_keeps_it_retired() -> None:
    Standard.objects.filter(lars_code=2).update(status=Standard.Status.RETIRED, title="Typo")
    results = reference_data_load()
    assert results["standards"].updated == 1
    standard = Standard.objects.get(lars_code=2)
    assert (standard.title, standard.status) == ("Software developer", Standard.Status.RETIRED)


def test_a_standard_missing_from_the_database_is_created_by_the_next_load() -> None:
    Standard.objects.filter(lars_code=2).delete()
    results = reference_data_load()
    assert (results["standards"].created, results["standards"].updated) == (1, 0)
    assert Standard.objects.get(lars_code=2).status == Standard.Status.APPROVED


def test_the_command_reports_what_it_did_for_each_dataset() -> None:
    out, err = StringIO(), StringIO()
    call_command("load_reference_data", "--no-progress", stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert lines[:7] == [
        "local authorities: 0 created, 0 updated, 378 unchanged",
        "postcode districts: 0 created, 0 updated, 2864 unchanged",
        "LSOAs: 0 created, 0 updated, 989 unchanged",
        "standards: 0 created, 0 updated, 515 unchanged",
        "neighbourhoods: 0 created, 0 updated, 1003 unchanged",
        "stops: 0 created, 0 updated, 8043 unchanged",
        "district neighbourhoods: 0 created, 0 updated, 77 unchanged",
    ]
    assert lines[7].startswith("Reference data loaded in ")
    assert lines[7].endswith(" s")
    assert err.getvalue() == ""


def test_the_command_draws_a_progress_bar_unless_told_not_to() -> None:
    out, err = StringIO(), StringIO()
    call_command("load_reference_data", stdout=out, stderr=err)
    assert "Reference data" in err.getvalue()
    assert "rows" in err.getvalue()
