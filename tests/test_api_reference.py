"""Standards and places through the API: open to everyone, searchable, filterable, paginated."""

import pytest
from django.db.models import Q

from apprenticeships.models import Standard

pytestmark = pytest.mark.django_db


def every_result(client, url: str, params: dict) -> list[dict]:
    """Follow the pages of a list endpoint to the end."""
    results, page = [], client.get(url, {**params, "page_size": 100}).json()
    results += page["results"]
    while page["next"]:
        page = client.get(page["next"]).json()
        results += page["results"]
    return results


# --- places ---------------------------------------------------------------------------------------


def test_anyone_can_look_up_a_postcode(api) -> None:
    response = api().get("/api/v1/places/l1%208jq/")
    assert response.status_code == 200
    assert response.json() == {
        "postcode": "L1 8JQ",
        "outcode": "L1",
        "latitude": pytest.approx(53.402036),
        "longitude": pytest.approx(-2.980503),
        "local_authority": {"code": "E08000012", "name": "Liverpool"},
        "in_city_region": True,
        "in_england": True,
        "imd_rank": 3,
    }


def test_a_district_outside_england_has_no_deprivation_rank(api) -> None:
    body = api().get("/api/v1/places/EH1/").json()
    assert (body["outcode"], body["in_england"], body["in_city_region"], body["imd_rank"]) == (
        "EH1",
        False,
        False,
        None,
    )


@pytest.mark.parametrize(
    ("typed", "named"),
    [("NOTAPOSTCODE", "“NOTAPOSTCODE”"), ("12345", "“12345”"), ("ZZ9%209ZZ", "“ZZ9 9ZZ”"), ("BT1%201AA", "“BT1 1AA”")],
)
def test_a_bad_postcode_is_refused_naming_it(api, typed: str, named: str) -> None:
    response = api().get(f"/api/v1/places/{typed}/")
    assert response.status_code == 400
    (message,) = response.json()["postcode"]
    assert list(response.json()) == ["postcode"]
    assert named in message


# --- standards ------------------------------------------------------------------------------------


def test_anyone_can_read_a_standard_by_its_lars_code(api) -> None:
    body = api().get("/api/v1/standards/2/").json()
    assert body["title"] == "Software developer"
    assert (body["lars_code"], body["level"], body["route"], body["status"]) == (2, 4, "Digital", "approved")
    assert body["typical_job_titles"] == ["Web Developer", "Application Developer"]
    assert isinstance(body["keywords"], list)


def test_an_unknown_lars_code_is_not_found(api) -> None:
    assert api().get("/api/v1/standards/999999/").status_code == 404


def test_searching_standards_finds_them_by_title_keyword_job_title_or_route(api) -> None:
    found = every_result(api(), "/api/v1/standards/", {"search": "software"})
    matching = Standard.objects.filter(
        Q(title__icontains="software")
        | Q(keywords__icontains="software")
        | Q(typical_job_titles__icontains="software")
        | Q(route__icontains="software")
    )
    assert sorted(s["lars_code"] for s in found) == sorted(matching.values_list("lars_code", flat=True))
    assert {"Software developer", "Software tester", "Software development technician"} <= {s["title"] for s in found}
    assert len(found) < 515


def test_standards_filter_by_level(api) -> None:
    found = every_result(api(), "/api/v1/standards/", {"level": 4})
    assert len(found) == Standard.objects.filter(level=4).count() == 78
    assert {s["level"] for s in found} == {4}


def test_standards_filter_by_route_ignoring_case(api) -> None:
    found = every_result(api(), "/api/v1/standards/", {"route": "digital"})
    assert len(found) == 19
    assert {s["route"] for s in found} == {"Digital"}


def test_standard_filters_combine_with_search(api) -> None:
    found = every_result(api(), "/api/v1/standards/", {"route": "digital", "level": 4, "search": "software"})
    # "Unified communications trouble shooter" lists "software" among its keywords.
    assert sorted(s["title"] for s in found) == [
        "Software developer",
        "Software tester",
        "Unified communications trouble shooter",
    ]


def test_standards_filter_by_status(api) -> None:
    Standard.objects.filter(lars_code__in=[2, 91]).update(status=Standard.Status.RETIRED)
    found = every_result(api(), "/api/v1/standards/", {"status": "retired"})
    assert [s["lars_code"] for s in found] == [2, 91]


def test_standards_can_be_ordered_by_funding(api) -> None:
    body = api().get("/api/v1/standards/", {"ordering": "-max_funding", "page_size": 3}).json()
    fundings = [s["max_funding"] for s in body["results"]]
    assert fundings == sorted(fundings, reverse=True)
    assert fundings[0] == max(Standard.objects.values_list("max_funding", flat=True))


# --- pagination -----------------------------------------------------------------------------------


def test_a_list_comes_in_pages_of_25_with_links(api) -> None:
    body = api().get("/api/v1/standards/").json()
    assert list(body) == ["count", "count_is_estimate", "next", "previous", "results"]
    assert body["count"] == 515
    assert body["count_is_estimate"] is False  # exact: 515 is within EXACT_COUNT_LIMIT
    assert len(body["results"]) == 25
    assert body["previous"] is None
    assert body["next"] == "http://testserver/api/v1/standards/?page=2"
    assert [s["lars_code"] for s in body["results"]][:3] == sorted(
        Standard.objects.values_list("lars_code", flat=True)
    )[:3]


def test_the_last_page_has_the_rest_and_no_next_link(api) -> None:
    body = api().get("/api/v1/standards/", {"page": 21}).json()
    assert len(body["results"]) == 515 - 20 * 25
    assert body["next"] is None
    assert body["previous"] == "http://testserver/api/v1/standards/?page=20"


def test_a_client_chooses_its_page_size_up_to_100(api) -> None:
    small = api().get("/api/v1/standards/", {"page_size": 10}).json()
    assert len(small["results"]) == 10
    assert "page_size=10" in small["next"]
    assert len(api().get("/api/v1/standards/", {"page_size": 1000}).json()["results"]) == 100


def test_following_the_pages_yields_every_standard_once(api) -> None:
    codes = [s["lars_code"] for s in every_result(api(), "/api/v1/standards/", {})]
    assert len(codes) == len(set(codes)) == 515


def test_a_page_past_the_end_is_not_found(api) -> None:
    response = api().get("/api/v1/standards/", {"page": 99})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_organisation_lists_are_paginated_too(api, hannah, alice, bob) -> None:
    body = api(hannah).get("/api/v1/employers/", {"page_size": 1}).json()
    assert (body["count"], len(body["results"]), body["previous"]) == (2, 1, None)
    assert "page=2" in body["next"]
