"""GET /healthz tells a load balancer or an operator whether the database, broker and workers answer.

Nothing here is mocked: "down" means a real driver failing to reach a real address where nothing
listens (a SQLite file in a directory that doesn't exist, a Redis URL on a closed port).
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection, connections
from django.test import override_settings

from lcr_skills.celery import app

pytestmark = pytest.mark.django_db

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"  # port 1 (tcpmux): nothing listens there


@contextmanager
def database_unreachable() -> Iterator[None]:
    """Point this thread's default connection at a database that can't be opened, then put it back."""
    original = connections["default"]
    unreachable = {**original.settings_dict}
    if original.vendor == "sqlite":
        unreachable["NAME"] = "/nonexistent-directory/lcr-skills/db.sqlite3"
    else:
        unreachable.update(HOST="127.0.0.1", PORT="1", OPTIONS={**unreachable["OPTIONS"], "connect_timeout": 1})
    connections["default"] = original.__class__(unreachable, alias="default")
    try:
        yield
    finally:
        connections["default"].close()
        connections["default"] = original


@pytest.fixture
def broker_unreachable(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tasks go through a broker (not in-process), and the broker's port is closed."""
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", CLOSED_PORT_BROKER)
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    monkeypatch.setitem(app.conf, "broker_url", CLOSED_PORT_BROKER)
    monkeypatch.setitem(app.conf, "broker_write_url", None)
    with override_settings(CELERY_BROKER_URL=CLOSED_PORT_BROKER, CELERY_TASK_ALWAYS_EAGER=False):
        yield


@override_settings(CELERY_TASK_ALWAYS_EAGER=True)
def test_with_everything_up_it_says_ok(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["down"] == []
    assert body["database"]["ok"] is True


@override_settings(CELERY_TASK_ALWAYS_EAGER=True)
def test_in_the_embedded_setup_broker_and_worker_are_in_process(client) -> None:
    body = client.get("/healthz").json()
    assert body["broker"] == {"ok": True, "mode": "in-process"}
    assert body["worker"] == {"ok": True, "mode": "in-process"}


@override_settings(CELERY_TASK_ALWAYS_EAGER=True)  # no wait for a worker's reply
def test_it_names_the_database_it_reached(client) -> None:
    assert client.get("/healthz").json()["database"] == {"ok": True, "vendor": connection.vendor}


@override_settings(CELERY_TASK_ALWAYS_EAGER=True)  # no wait for a worker's reply
def test_it_is_never_cached(client) -> None:
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


@override_settings(CELERY_TASK_ALWAYS_EAGER=True)  # no wait for a worker's reply
def test_it_only_answers_get(client) -> None:
    assert client.post("/healthz").status_code == 405


@override_settings(CELERY_TASK_ALWAYS_EAGER=True)
def test_with_the_database_unreachable_it_says_so_and_fails(client) -> None:
    with database_unreachable():
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["down"] == ["database"]
    assert body["database"] == {"ok": False, "error": "OperationalError"}
    assert body["broker"]["ok"] is True


@override_settings(CELERY_TASK_ALWAYS_EAGER=True)  # no wait for a worker's reply
def test_it_recovers_when_the_database_is_back(client) -> None:
    with database_unreachable():
        assert client.get("/healthz").status_code == 503
    assert client.get("/healthz").json()["database"]["ok"] is True


def test_with_the_broker_unreachable_broker_and_worker_are_down(client, broker_unreachable) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["down"] == ["broker", "worker"]
    assert body["broker"]["ok"] is False
    assert body["broker"]["mode"] == "broker"
    assert body["worker"] == {"ok": False, "error": "broker unreachable"}
    assert body["database"]["ok"] is True


def test_a_down_broker_is_reported_within_the_health_timeout(client, broker_unreachable, settings) -> None:
    started = time.monotonic()
    assert client.get("/healthz").status_code == 503
    assert time.monotonic() - started < settings.HEALTHZ_WORKER_TIMEOUT_SECONDS
