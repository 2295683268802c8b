"""Schemathesis fuzzes every operation of the published schema, signed in as each role.

The schema is the one `/api/v1/schema/` serves (a test below checks they are the same); requests
go straight to the WSGI application, each operation's examples inside one rolled-back savepoint
over a small market, with the API token each persona got from `POST /api/v1/auth/token/`.
A response fails if it is a 5xx, or if its status is documented and its body or content type
breaks the schema. Runs are derandomised so that a CI failure reproduces.

Budget: MAX_EXAMPLES per operation for every role ACCESS lets use it (FUZZ_EXAMPLES, 30 unless set:
`make test` must finish within 10 minutes on the 2-core machine; `FUZZ_EXAMPLES=100 make test` fuzzes
deeper); a role it refuses gets REFUSED_EXAMPLES, since each of those requests
stops at the same permission check.
"""

import json
import os
import re
from collections.abc import Callable, Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from apprenticeships.models import Role
from apprenticeships.permissions import ACCESS, ANONYMOUS
from tests.factories import PASSWORD

pytestmark = pytest.mark.fuzz

MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))
REFUSED_EXAMPLES = min(8, MAX_EXAMPLES)
# Bob and Quentin hold the same roles as Alice and Priya: the matrix covers them, not the fuzzer.
ROLES = {"anonymous": ANONYMOUS, "alice": Role.EMPLOYER, "priya": Role.PROVIDER, "hannah": Role.HUB}
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


def _published_schema() -> dict:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


def _schema(*, coverage: bool) -> schemathesis.BaseSchema:
    """The schema to fuzz; with `coverage`, schemathesis first sends every boundary and missing-field case
    the schema defines (its coverage phase), whatever the example budget."""
    config = schemathesis.config.SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": coverage}}})
    loaded = schemathesis.openapi.from_dict(_published_schema(), config=config)
    loaded.app = get_wsgi_application()
    return loaded


schema = _schema(coverage=True)
# A role refused an operation is stopped at the same permission check whatever the body: REFUSED_EXAMPLES
# random requests show it, and its coverage cases (most of the fuzzing's time) would show nothing more;
# and one role's coverage cases of an operation suffice (`_coverage_role`).
schema_without_coverage = _schema(coverage=False)


def _permitted(path: str, method: str, role: str) -> bool:
    """Whether ACCESS lets the role use this operation (only to spend the example budget)."""
    view = resolve(re.sub(r"\{[^}]+\}", "x", path)).func
    action = view.actions[method] if getattr(view, "actions", None) else method
    return role in ACCESS[view.cls.access_name].get(action, ())


@pytest.fixture(scope="module")
def tokens(market, django_db_blocker) -> dict[str, str]:
    """Each persona's API token, asked for as a client asks."""
    from django.test import Client

    found = {}
    with django_db_blocker.unblock():
        for username in ROLES:
            if username == "anonymous":
                continue
            body = {"username": username, "password": PASSWORD}
            response = Client().post("/api/v1/auth/token/", body, content_type="application/json")
            assert response.status_code == 200, response.content
            found[username] = response.json()["token"]
    return found


@pytest.fixture(autouse=True)
def _connection_kept_between_requests(tokens) -> Iterator[None]:
    """The WSGI handler closes a connection left in a transaction when a request starts or ends,
    which would throw the market's transaction away on PostgreSQL: keep it, as Django's test client
    does (after `tokens`, whose test client connects the signals again when it is done)."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


def _coverage_role(path: str, method: str) -> str | None:
    """The role whose fuzzing of an operation starts with the coverage phase: hub staff where they may use
    it (they see every organisation's objects, so the cases reach furthest), else the first other role
    allowed. The cases test the operation's handling of its input, which is the same for every role;
    each other role allowed gets the random examples only."""
    return next((role for role in reversed(ROLES.values()) if _permitted(path, method, role)), None)


def fuzz(username: str, *, permitted: bool, coverage: bool = False) -> Callable:
    """A test fuzzing, as this persona, the operations its role may (or may not) use; with `coverage`, those
    it fuzzes first with the coverage phase (`_coverage_role`), else those another role covers."""
    role = ROLES[username]

    def chosen(ctx: object) -> bool:
        path, method = ctx.operation.path, ctx.operation.method
        if _permitted(path, method, role) != permitted:
            return False
        return not permitted or (_coverage_role(path, method) == role) == coverage

    operations = (schema if coverage else schema_without_coverage).include(chosen)

    @operations.parametrize()
    @settings(
        max_examples=MAX_EXAMPLES if permitted else REFUSED_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def test(case: schemathesis.Case, tokens: dict[str, str], db: None) -> None:
        headers = {"Authorization": f"Token {tokens[username]}"} if username in tokens else {}
        case.call_and_validate(headers=headers, checks=CHECKS)

    return test


# Anonymous people may use no operation that no role signed in may use: another role covers each (asserted below).
test_anonymous_gets_no_error_and_a_conforming_answer = fuzz("anonymous", permitted=True)
test_anonymous_refused_gets_no_error = fuzz("anonymous", permitted=False)
test_employer_gets_no_error_and_a_conforming_answer = fuzz("alice", permitted=True, coverage=True)
test_employer_gets_no_error_where_another_role_covers = fuzz("alice", permitted=True)
test_employer_refused_gets_no_error = fuzz("alice", permitted=False)
test_provider_gets_no_error_and_a_conforming_answer = fuzz("priya", permitted=True, coverage=True)
test_provider_gets_no_error_where_another_role_covers = fuzz("priya", permitted=True)
test_provider_refused_gets_no_error = fuzz("priya", permitted=False)
test_hub_gets_no_error_and_a_conforming_answer = fuzz("hannah", permitted=True, coverage=True)
test_hub_refused_gets_no_error = fuzz("hannah", permitted=False)


def test_every_operation_gets_the_full_budget_from_a_role_that_may_use_it(db: None) -> None:
    """An operation ACCESS forgets would be refused to every role, and fuzzed only at the door."""
    operations = [(op.path, op.method) for op in (result.ok() for result in schema.get_all_operations())]
    assert len(operations) >= 50
    nobody = [
        (path, method) for path, method in operations if not any(_permitted(path, method, r) for r in ROLES.values())
    ]

    assert nobody == []
    assert {_coverage_role(path, method) for path, method in operations} <= {Role.EMPLOYER, Role.PROVIDER, Role.HUB}


def test_the_fuzzed_schema_is_the_one_the_api_publishes(client) -> None:
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert json.loads(response.content) == _published_schema()
