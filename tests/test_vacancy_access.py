"""Who may do what to employer A's vacancy (after pretix's table-driven permissions test).

Each row is an endpoint on Alice's vacancy, the status it starts in (so an allowed action can
succeed) and the status each persona gets. Bob must not learn the vacancy exists: 404 wherever
his role could act on a vacancy of his own. A refused request leaves the database as it was.
"""

from dataclasses import dataclass

import pytest

from apprenticeships.models import Vacancy, VacancyTransition
from tests.market_factories import VacancyFactory, db_snapshot, vacancy_payload

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "alice", "bob", "priya", "quentin", "hannah")


def expect(anonymous: int, alice: int, bob: int, priya: int, quentin: int, hannah: int) -> dict[str, int]:
    return dict(zip(PERSONAS, (anonymous, alice, bob, priya, quentin, hannah), strict=True))


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # after /api/v1/vacancies/<id>/
    start: str
    expected: dict[str, int]
    body: dict | None = None

    def __str__(self) -> str:
        return f"{self.method} {self.path or 'detail'} ({self.start})"


ROWS = [
    Row("get", "", "draft", expect(401, 200, 404, 403, 403, 200)),
    Row("patch", "", "draft", expect(401, 200, 404, 403, 403, 403), {"notes": "Bring boots"}),
    Row("delete", "", "draft", expect(401, 204, 404, 403, 403, 403)),
    Row("post", "submit/", "draft", expect(401, 200, 404, 403, 403, 403)),
    # Approving and referring are the hub's: an employer is refused by role, whoever owns the vacancy.
    Row("post", "approve/", "submitted", expect(401, 403, 403, 403, 403, 200)),
    Row("post", "refer/", "submitted", expect(401, 403, 403, 403, 403, 200), {"comment": "Fix the wage"}),
    Row("post", "close/", "live", expect(401, 200, 404, 403, 403, 200)),
    Row("post", "withdraw/", "submitted", expect(401, 200, 404, 403, 403, 200)),
    Row("post", "filled/", "live", expect(401, 200, 404, 403, 403, 200)),
]


@pytest.fixture
def personas(alice, bob, priya, quentin, hannah) -> dict:
    return {"anonymous": None, "alice": alice, "bob": bob, "priya": priya, "quentin": quentin, "hannah": hannah}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", ROWS, ids=str)
def test_each_persona_gets_what_the_table_says_on_alices_vacancy(api, personas, alice, row, persona):
    vacancy = VacancyFactory(employer=alice.membership.employer, status=row.start, by=alice)
    before, history = db_snapshot(Vacancy), db_snapshot(VacancyTransition)

    response = getattr(api(personas[persona]), row.method)(
        f"/api/v1/vacancies/{vacancy.id}/{row.path}", row.body, format="json"
    )

    expected = row.expected[persona]
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert db_snapshot(Vacancy) == before
        assert db_snapshot(VacancyTransition) == history
        assert "detail" in response.json()
        assert "title" not in response.json()  # nothing of the vacancy leaks in an error
    elif row.method == "get":
        assert response.json()["title"] == vacancy.title
    else:
        assert db_snapshot(Vacancy) != before


@pytest.mark.parametrize("path", ["", "approve/", "submit/", "close/"])
def test_bob_gets_the_same_answer_for_alices_vacancy_as_for_one_that_does_not_exist(api, alice, bob, path):
    vacancy = VacancyFactory(employer=alice.membership.employer, status="live")
    client = api(bob)

    real = (
        client.post(f"/api/v1/vacancies/{vacancy.id}/{path}")
        if path
        else client.get(f"/api/v1/vacancies/{vacancy.id}/")
    )
    missing = client.post(f"/api/v1/vacancies/999999/{path}") if path else client.get("/api/v1/vacancies/999999/")

    assert (real.status_code, real.json()) == (missing.status_code, missing.json())


@pytest.mark.parametrize(
    ("persona", "status", "visible"),
    [
        ("anonymous", 401, None),
        ("alice", 200, {"alice's"}),
        ("bob", 200, {"bob's"}),
        ("priya", 403, None),
        ("quentin", 403, None),
        ("hannah", 200, {"alice's", "bob's"}),
    ],
)
def test_the_vacancy_list_shows_each_persona_only_what_it_may_see(api, personas, alice, bob, persona, status, visible):
    VacancyFactory(employer=alice.membership.employer, title="alice's")
    VacancyFactory(employer=bob.membership.employer, title="bob's", status="live")

    response = api(personas[persona]).get("/api/v1/vacancies/")

    assert response.status_code == status
    if visible is not None:
        assert {item["title"] for item in response.json()["results"]} == visible


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("alice", 201), ("bob", 201), ("priya", 403), ("quentin", 403), ("hannah", 403)],
)
def test_only_employers_create_vacancies_and_only_for_themselves(api, personas, persona, status):
    response = api(personas[persona]).post("/api/v1/vacancies/", vacancy_payload(), format="json")

    assert response.status_code == status
    if status == 201:
        employer = personas[persona].membership.employer
        assert Vacancy.objects.get().employer == employer
        assert response.json()["employer"] == employer.id
    else:
        assert not Vacancy.objects.exists()
