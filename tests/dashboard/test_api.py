"""The dashboard's reports under /api/v1/reports/: hub staff only, the same rows as the CSV."""

import pytest

from matching.dashboard import reports
from matching.dashboard.reports import REPORTS
from tests.dashboard.conftest import Market

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "alice", "bob", "priya", "quentin", "hannah")
HUB_ONLY = dict(zip(PERSONAS, (401, 403, 403, 403, 403, 200), strict=True))
NOBODY = dict.fromkeys(PERSONAS, 405)  # no role could: the method is refused, not the role
TABLE = [
    ("get", "/api/v1/reports/", HUB_ONLY),
    ("get", "/api/v1/reports/coverage-by-authority/", HUB_ONLY),
    ("get", "/api/v1/reports/levy-transfers/", HUB_ONLY),
    ("post", "/api/v1/reports/", NOBODY),
    ("delete", "/api/v1/reports/levy/", NOBODY),
]


@pytest.mark.parametrize(("method", "url", "expected"), TABLE)
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_hub_staff_may_read_the_reports(api, request, persona, method, url, expected) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)

    response = getattr(api(user), method)(url)

    assert response.status_code == expected[persona], response.content
    if expected[persona] == 401:
        assert response["WWW-Authenticate"] == "Token"
    if expected[persona] == 403:
        assert response.json() == {"detail": "Your role does not allow this."}


def test_the_index_lists_every_report_with_its_json_and_csv(api, hannah) -> None:
    body = api(hannah).get("/api/v1/reports/").json()

    assert body["count"] == len(REPORTS)
    assert [r["name"] for r in body["results"]] == list(REPORTS)
    levy = next(r for r in body["results"] if r["name"] == "levy")
    assert levy["url"] == "http://testserver/api/v1/reports/levy/"
    assert levy["csv"] == "http://testserver/dashboard/export/levy.csv"
    assert levy["title"] == "Levy funds by local authority"


def test_a_report_gives_its_name_columns_and_rows(api, hannah, market: Market) -> None:
    body = api(hannah).get("/api/v1/reports/coverage-by-authority/").json()

    assert set(body) == {"name", "title", "description", "columns", "count", "next", "previous", "rows"}
    assert body["name"] == "coverage-by-authority"
    assert body["columns"][:3] == [
        {"key": "area", "label": "Local authority", "kind": "text"},
        {"key": "area_code", "label": "Code", "kind": "text"},
        {"key": "live", "label": "Live vacancies", "kind": "int"},
    ]
    assert body["count"] == 7
    assert body["rows"][1] == {
        "area": "Knowsley",
        "area_code": "E08000011",
        "live": 2,
        "with_provider": 1,
        "without_provider": 1,
        "not_matched": 0,
    }


def test_money_is_a_string_of_pounds_and_pence_and_unknowns_are_null(api, hannah, market: Market) -> None:
    client = api(hannah)
    levy = client.get("/api/v1/reports/levy/").json()["rows"]
    equity = client.get("/api/v1/reports/equity-by-authority/").json()["rows"]
    flow = client.get("/api/v1/reports/flow/").json()

    assert levy[0]["area"] == "Liverpool"
    shortfall = f"{reports.levy_transfers_needed()[0]['shortfall']:.2f}"
    assert (levy[0]["annual_funds"], levy[0]["shortfall"], levy[0]["needing_transfer"]) == ("10000.00", shortfall, 1)
    assert equity[-1]["resident_share"] is None and equity[-1]["vacancy_share"] == 14.3
    assert flow["count"] == 26
    assert len(flow["rows"]) == 25  # a page at a time, as every list in the API
    assert flow["next"] == "http://testserver/api/v1/reports/flow/?page=2"


def test_rows_come_a_page_at_a_time(api, hannah, market: Market) -> None:
    client = api(hannah)
    first = client.get("/api/v1/reports/coverage-by-authority/?page_size=3").json()
    last = client.get("/api/v1/reports/coverage-by-authority/?page_size=3&page=3").json()

    assert [r["area"] for r in first["rows"]] == ["Halton", "Knowsley", "Liverpool"]
    assert first["previous"] is None and first["next"].endswith("?page=2&page_size=3")
    assert [r["area"] for r in last["rows"]] == ["Outside the city region"]
    assert last["next"] is None


def test_an_unknown_report_is_not_found(api, hannah) -> None:
    response = api(hannah).get("/api/v1/reports/nonsense/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No such report."}


def test_the_schema_describes_the_reports(client) -> None:
    schema = client.get("/api/v1/schema/?format=json").json()

    assert "/api/v1/reports/" in schema["paths"]
    detail = schema["paths"]["/api/v1/reports/{name}/"]["get"]
    assert {p["name"] for p in detail["parameters"]} >= {"name", "page", "page_size"}
