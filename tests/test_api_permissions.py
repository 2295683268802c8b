"""Who may do what through the API: one table, every endpoint, every kind of user (after pretix).

Each row is (method, url, expected status for anonymous, alice, bob, priya, quentin, hannah, body).
A refused request must leave the database exactly as it was; an allowed write must change it.
URLs and bodies are templates filled in with the personas' ids.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.urls import resolve
from knox.models import AuthToken

from apprenticeships.api import urls as api_urls
from apprenticeships.models import Employer, Provider

pytestmark = [pytest.mark.django_db, pytest.mark.second_process]

PERSONAS = ("anonymous", "alice", "bob", "priya", "quentin", "hannah")
NEW_PASSWORD = "a-long-unusual-passphrase-42"


def expect(anonymous: int, alice: int, bob: int, priya: int, quentin: int, hannah: int) -> dict[str, int]:
    return dict(zip(PERSONAS, (anonymous, alice, bob, priya, quentin, hannah), strict=True))


EVERYONE_200 = expect(200, 200, 200, 200, 200, 200)
NOBODY_405 = expect(405, 405, 405, 405, 405, 405)
HUB_ONLY = expect(401, 403, 403, 403, 403, 200)
HUB_ONLY_CREATES = expect(401, 403, 403, 403, 403, 201)

Body = Callable[[dict[str, int]], dict] | None


@dataclass(frozen=True)
class Row:
    method: str
    url: str
    expected: dict[str, int]
    body: Body = None


ROWS = [
    Row("get", "/api/v1/me/", expect(401, 200, 200, 200, 200, 200)),
    Row("post", "/api/v1/me/", NOBODY_405, lambda ids: {}),
    Row("get", "/api/v1/standards/", EVERYONE_200),
    Row("get", "/api/v1/standards/2/", EVERYONE_200),
    Row("post", "/api/v1/standards/", NOBODY_405, lambda ids: {"lars_code": 9999, "title": "Made up"}),
    Row("put", "/api/v1/standards/2/", NOBODY_405, lambda ids: {"title": "Made up"}),
    Row("delete", "/api/v1/standards/2/", NOBODY_405),
    Row("get", "/api/v1/places/L1%208JQ/", EVERYONE_200),
    Row("post", "/api/v1/places/L1%208JQ/", NOBODY_405, lambda ids: {}),
    Row("get", "/api/v1/places/L1%208JQ/reach/?to=L36%209YU", EVERYONE_200),
    Row("post", "/api/v1/places/L1%208JQ/reach/", NOBODY_405, lambda ids: {}),
    # Employers: hub staff onboard them; an employer user sees and edits only its own.
    Row("get", "/api/v1/employers/", expect(401, 200, 200, 403, 403, 200)),
    Row(
        "post",
        "/api/v1/employers/",
        HUB_ONLY_CREATES,
        lambda ids: {"name": "New Employer", "postcode": "L3 5UX", "annual_pay_bill": 0},
    ),
    Row("get", "/api/v1/employers/{employer_a}/", expect(401, 200, 404, 403, 403, 200)),
    Row("get", "/api/v1/employers/{employer_b}/", expect(401, 404, 200, 403, 403, 200)),
    Row("patch", "/api/v1/employers/{employer_a}/", expect(401, 200, 404, 403, 403, 200), lambda ids: {"name": "X"}),
    Row("patch", "/api/v1/employers/{employer_b}/", expect(401, 404, 200, 403, 403, 200), lambda ids: {"name": "X"}),
    Row("get", "/api/v1/employers/{employer_a}/levy/", expect(401, 200, 404, 403, 403, 200)),
    Row("get", "/api/v1/employers/{employer_b}/levy/", expect(401, 404, 200, 403, 403, 200)),
    Row("put", "/api/v1/employers/{employer_a}/", NOBODY_405, lambda ids: {"name": "X", "postcode": "L1 8JQ"}),
    Row("delete", "/api/v1/employers/{employer_a}/", NOBODY_405),
    # Providers: the same, for provider users.
    Row("get", "/api/v1/providers/", expect(401, 403, 403, 200, 200, 200)),
    Row(
        "post",
        "/api/v1/providers/",
        HUB_ONLY_CREATES,
        lambda ids: {"name": "New Provider", "ukprn": "10099999", "postcode": "L3 5UX"},
    ),
    Row("get", "/api/v1/providers/{provider_a}/", expect(401, 403, 403, 200, 404, 200)),
    Row("get", "/api/v1/providers/{provider_b}/", expect(401, 403, 403, 404, 200, 200)),
    Row("patch", "/api/v1/providers/{provider_a}/", expect(401, 403, 403, 200, 404, 200), lambda ids: {"name": "X"}),
    Row("patch", "/api/v1/providers/{provider_b}/", expect(401, 403, 403, 404, 200, 200), lambda ids: {"name": "X"}),
    Row("put", "/api/v1/providers/{provider_a}/", NOBODY_405, lambda ids: {"name": "X"}),
    Row("delete", "/api/v1/providers/{provider_a}/", NOBODY_405),
    # Users: onboarding is for hub staff only.
    Row("get", "/api/v1/users/", HUB_ONLY),
    Row(
        "post",
        "/api/v1/users/",
        HUB_ONLY_CREATES,
        lambda ids: {
            "username": "newbie",
            "password": NEW_PASSWORD,
            "role": "employer",
            "organisation": ids["employer_a"],
        },
    ),
    Row("get", "/api/v1/users/{alice}/", HUB_ONLY),
    Row("patch", "/api/v1/users/{alice}/", HUB_ONLY, lambda ids: {"email": "changed@example.org"}),
    Row("put", "/api/v1/users/{alice}/", NOBODY_405, lambda ids: {"email": "changed@example.org"}),
    Row("delete", "/api/v1/users/{alice}/", NOBODY_405),
    # UK GDPR right of access and erasure: hub staff only (tests/security/test_personal_data.py).
    Row("get", "/api/v1/users/{alice}/export/", HUB_ONLY),
    Row("post", "/api/v1/users/{alice}/erase/", HUB_ONLY, lambda ids: {}),
]

CASES = [
    pytest.param(row, persona, id=f"{row.method.upper()} {row.url} as {persona} -> {row.expected[persona]}")
    for row in ROWS
    for persona in PERSONAS
]


@pytest.fixture
def everyone(alice: User, bob: User, priya: User, quentin: User, hannah: User) -> dict[str, User | None]:
    return {"anonymous": None, "alice": alice, "bob": bob, "priya": priya, "quentin": quentin, "hannah": hannah}


def database_state() -> tuple:
    """Everything an API write could change, in a form that compares equal when nothing did."""
    return (
        list(Employer.objects.order_by("pk").values_list("pk", "name", "postcode", "updated_at")),
        list(Provider.objects.order_by("pk").values_list("pk", "name", "ukprn", "postcode", "updated_at")),
        list(User.objects.order_by("pk").values_list("pk", "username", "email", "password", "is_active")),
        AuthToken.objects.count(),
    )


def test_every_route_of_the_foundation_endpoints_has_rows_in_the_table() -> None:
    # The token endpoint is open to everyone and has its own tests (test_auth.py).
    foundation = {"me", "places", "standards", "employers", "providers", "users"}
    routes = {p.name for p in api_urls.urlpatterns if getattr(p.callback.cls, "access_name", None) in foundation}
    placeholder_ids = dict.fromkeys(["employer_a", "employer_b", "provider_a", "provider_b", "alice"], 1)
    tabled = {resolve(row.url.format(**placeholder_ids).split("?")[0]).url_name for row in ROWS}
    assert routes - tabled == set(), "add rows to this table for every new route"
    assert {"api-me", "api-place", "standard-list", "user-detail"} <= routes


@pytest.mark.parametrize(("row", "persona"), CASES)
def test_each_persona_gets_the_answer_the_table_gives(
    api, everyone: dict[str, User | None], row: Row, persona: str
) -> None:
    alice, bob, priya, quentin = (everyone[name] for name in ("alice", "bob", "priya", "quentin"))
    ids = {
        "employer_a": alice.membership.employer_id,
        "employer_b": bob.membership.employer_id,
        "provider_a": priya.membership.provider_id,
        "provider_b": quentin.membership.provider_id,
        "alice": alice.pk,
    }
    client = api(everyone[persona])
    before = database_state()

    send = getattr(client, row.method)
    body = row.body(ids) if row.body else None
    response = send(row.url.format(**ids), body) if body is not None else send(row.url.format(**ids))

    expected = row.expected[persona]
    assert response.status_code == expected, response.content
    after = database_state()
    if expected >= 400:
        assert after == before, "a refused request changed the database"
        assert "detail" in response.json()
    elif row.method != "get":
        assert after != before, "an allowed write changed nothing"
    else:
        assert after == before
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"
    if expected == 403:
        assert response.json() == {"detail": "Your role does not allow this."}
    if expected == 405:
        assert response.json() == {"detail": f'Method "{row.method.upper()}" not allowed.'}
