"""Postcodes are validated and located from the shipped data; distances are great-circle km."""

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError

from apprenticeships.models import PostcodeDistrict
from apprenticeships.places import PLACE_KEY, PLACES_TOKEN_KEY, place_lookup, postcode_normalise
from apprenticeships.reference_data import reference_data_load
from lcr_skills.geo import EARTH_RADIUS_KM, haversine_km

# --- normalising (no database) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "postcode", "outcode"),
    [
        ("l1 8jq", "L1 8JQ", "L1"),
        ("L18JQ", "L1 8JQ", "L1"),
        (" CH41 1AA ", "CH41 1AA", "CH41"),
        ("ch41\t1aa", "CH41 1AA", "CH41"),
        ("SW1A 1AA", "SW1A 1AA", "SW1A"),
        ("L181AA", "L18 1AA", "L18"),
        ("wa7", "WA7", "WA7"),
        ("WA7", "WA7", "WA7"),
    ],
)
def test_it_normalises_a_postcode_or_district_however_it_is_typed(raw: str, postcode: str, outcode: str) -> None:
    assert postcode_normalise(raw) == (postcode, outcode)


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_it_asks_for_a_postcode_when_given_none(raw: str | None) -> None:
    with pytest.raises(ValidationError) as caught:
        postcode_normalise(raw)
    assert caught.value.code == "required"
    assert caught.value.messages == ["Enter a postcode, like L1 8JQ."]


@pytest.mark.parametrize("raw", ["NOTAPOSTCODE", "12345", "L18J", "L1 8JQQ", "1L 8JQ"])
def test_it_refuses_a_malformed_postcode_naming_it(raw: str) -> None:
    with pytest.raises(ValidationError) as caught:
        postcode_normalise(raw)
    assert caught.value.code == "invalid_postcode"
    (message,) = caught.value.messages
    assert f"“{raw}” is not a valid UK postcode" in message


# --- looking up (reference data in the database) --------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "postcode", "outcode", "authority", "in_region"),
    [
        ("l1 8jq", "L1 8JQ", "L1", "Liverpool", True),
        ("L18JQ", "L1 8JQ", "L1", "Liverpool", True),
        (" CH41 1AA ", "CH41 1AA", "CH41", "Wirral", True),
        ("wa7", "WA7", "WA7", "Halton", True),
        ("WA7", "WA7", "WA7", "Halton", True),
        ("SW1A 1AA", "SW1A 1AA", "SW1A", "Westminster", False),
    ],
)
def test_it_locates_a_postcode_in_its_district_and_authority(
    raw: str, postcode: str, outcode: str, authority: str, in_region: bool
) -> None:
    place = place_lookup(raw)
    assert (place.postcode, place.outcode) == (postcode, outcode)
    assert place.local_authority.name == authority
    assert place.in_city_region is in_region
    assert place.in_england is True


@pytest.mark.django_db
def test_a_district_found_once_is_kept_until_the_reference_data_is_loaded_again(
    django_assert_num_queries, django_capture_on_commit_callbacks
) -> None:
    PostcodeDistrict.objects.filter(outcode="L1").update(latitude=53.5)  # unlike the shipped data
    first = place_lookup("L1")

    with django_assert_num_queries(0):  # a search by postcode looks its place up on every request
        again = place_lookup("l1")
    with django_assert_num_queries(1):  # a full postcode: its district kept, the postcode itself looked up
        full = place_lookup("L1 8JQ")
    with django_capture_on_commit_callbacks(execute=True):
        reference_data_load()  # puts the shipped centroid back
    reloaded = place_lookup("L1")

    assert first.latitude == again.latitude == full.latitude == 53.5
    assert (again.postcode, full.postcode) == ("L1", "L1 8JQ")
    assert reloaded.latitude == pytest.approx(53.402036)


@pytest.mark.django_db
def test_districts_are_kept_not_every_postcode_typed(django_assert_num_queries) -> None:
    # Anyone can type any number of well-formed postcodes: the cache holds one entry per district.
    for postcode in ("L1 0AA", "L1 0AB", "L1 9ZZ"):
        place_lookup(postcode)

    assert cache.get(PLACE_KEY.format(outcode="L1")) is not None
    assert cache.get("place:1:L10AA") is None and cache.get("place:L10AA") is None


@pytest.mark.django_db
def test_a_kept_district_is_not_trusted_once_its_token_is_lost(django_assert_num_queries) -> None:
    place_lookup("L1")
    cache.delete(PLACES_TOKEN_KEY)  # Redis emptied, or restarted from an old snapshot

    with django_assert_num_queries(1):
        place_lookup("L1")


@pytest.mark.django_db
def test_a_place_has_its_districts_centroid() -> None:
    place = place_lookup("L1 8JQ")
    assert (place.latitude, place.longitude) == pytest.approx((53.402036, -2.980503))


@pytest.mark.django_db
def test_liverpool_has_its_imd_2019_rank_of_average_score() -> None:
    with (Path(settings.REFERENCE_DATA_DIR) / "lad_imd2019.csv").open(newline="", encoding="utf-8") as handle:
        liverpool = next(row for row in csv.DictReader(handle) if row["lad19nm"] == "Liverpool")
    place = place_lookup("L1 8JQ")
    assert place.imd_rank == int(liverpool["imd_rank_of_average_score"]) == 3


@pytest.mark.django_db
def test_a_scottish_postcode_is_found_but_has_no_english_deprivation_rank() -> None:
    place = place_lookup("EH1 1AA")
    assert place.local_authority.name == "City of Edinburgh"
    assert place.in_england is False
    assert place.in_city_region is False
    assert place.imd_rank is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "outcode", "postcode"),
    [("BT1 1AA", "BT1", "BT1 1AA"), ("ZZ9 9ZZ", "ZZ9", "ZZ9 9ZZ"), ("zz9", "ZZ9", "ZZ9")],
)
def test_it_says_clearly_when_a_well_formed_postcode_is_not_in_the_data(raw: str, outcode: str, postcode: str) -> None:
    with pytest.raises(ValidationError) as caught:
        place_lookup(raw)
    assert caught.value.code == "unknown_postcode"
    (message,) = caught.value.messages
    if postcode == outcode:  # just a district: named once
        assert message.startswith(f"We could not find the district “{outcode}”.")
    else:
        assert message.startswith(f"We could not find the postcode district {outcode} of “{postcode}”.")
    assert "only postcodes in Great Britain are covered" in message


@pytest.mark.parametrize(("raw", "district"), [("L1 8", "L1"), ("l1 8j", "L1"), ("CH4 4", "CH4"), ("WA8\t7", "WA8")])
def test_a_district_and_part_of_the_rest_asks_for_all_of_it_not_another_district(raw: str, district: str) -> None:
    # Without its space "L1 8" reads as the district L18, miles from L1.
    with pytest.raises(ValidationError) as caught:
        postcode_normalise(raw)
    assert caught.value.code == "partial_postcode"
    assert caught.value.messages == [
        f"“{' '.join(raw.upper().split())}” is not a whole postcode. "
        f"Enter all of it, like L1 8JQ, or just the district, like {district}."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["NOTAPOSTCODE", "12345", "L18J"])
def test_looking_up_a_malformed_postcode_names_it(raw: str) -> None:
    with pytest.raises(ValidationError, match=f"“{raw}” is not a valid UK postcode"):
        place_lookup(raw)


@pytest.mark.django_db
def test_looking_up_nothing_asks_for_a_postcode() -> None:
    with pytest.raises(ValidationError, match="Enter a postcode"):
        place_lookup("")


# --- distances ------------------------------------------------------------------------------------


def test_one_degree_of_longitude_on_the_equator_is_about_111_km() -> None:
    assert haversine_km(0, 0, 0, 1) == pytest.approx(111.195, abs=0.001)
    assert haversine_km(0, 0, 0, 1) == pytest.approx(2 * math.pi * EARTH_RADIUS_KM / 360)


def test_a_quarter_of_a_meridian_is_a_quarter_of_the_earths_circumference() -> None:
    assert haversine_km(0, 0, 90, 0) == pytest.approx(math.pi * EARTH_RADIUS_KM / 2)


def test_the_distance_from_a_point_to_itself_is_zero() -> None:
    assert haversine_km(53.4, -2.98, 53.4, -2.98) == 0.0


def test_distance_is_the_same_both_ways() -> None:
    assert haversine_km(53.4, -2.98, 51.5, -0.13) == haversine_km(51.5, -0.13, 53.4, -2.98)


def test_a_single_pair_gives_a_plain_float() -> None:
    assert type(haversine_km(0, 0, 0, 1)) is float


@pytest.mark.django_db
def test_liverpool_city_centre_is_about_50_km_from_manchester_city_centre() -> None:
    l1, m1 = place_lookup("L1"), place_lookup("M1")
    distance = haversine_km(l1.latitude, l1.longitude, m1.latitude, m1.longitude)
    assert distance == pytest.approx(50.0, abs=1.5)


def test_arrays_in_give_an_array_of_the_same_shape_out() -> None:
    lat1 = np.array([[0.0, 53.4], [51.5, 10.0]])
    lon1 = np.array([[0.0, -2.98], [-0.13, 20.0]])
    lat2 = np.array([[0.0, 53.48], [51.5, 10.0]])
    lon2 = np.array([[1.0, -2.24], [-0.13, 20.0]])
    distances = haversine_km(lat1, lon1, lat2, lon2)
    assert isinstance(distances, np.ndarray)
    assert distances.shape == (2, 2)
    for index in np.ndindex(2, 2):
        expected = haversine_km(lat1[index], lon1[index], lat2[index], lon2[index])
        assert distances[index] == pytest.approx(expected)
    assert distances[1, 1] == 0.0


def test_one_point_broadcasts_against_many() -> None:
    lats = np.array([53.40, 53.48, 51.50, 55.95])
    lons = np.array([-2.98, -2.24, -0.13, -3.19])
    distances = haversine_km(53.40, -2.98, lats, lons)
    assert distances.shape == (4,)
    assert distances[0] == 0.0
    assert distances.tolist() == pytest.approx(
        [haversine_km(53.40, -2.98, a, b) for a, b in zip(lats, lons, strict=True)]
    )
    assert np.all(np.diff(distances[:3]) > 0)  # Liverpool, Manchester, London: ever further


def test_plain_lists_broadcast_like_arrays() -> None:
    distances = haversine_km([0, 0], [0, 0], [0, 0], [1, 2])
    assert distances.tolist() == pytest.approx([111.195, 222.390], abs=0.001)
