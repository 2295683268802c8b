"""Personas, after healthchecks' hc/test.py:

* Alice works for employer A; Bob works for employer B. Neither may see the other's things.
* Priya works for provider A; Quentin works for provider B.
* Hannah is hub staff and may see everything.
* Sam is a superuser: hub staff who may also make hub staff and superusers.
* Anonymous is a resident with no account.
"""

import io
import os
import time
from collections.abc import Iterator

import pytest
from amqp.exceptions import ChannelError
from celery.result import allow_join_result
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from kombu.exceptions import OperationalError
from pytest_django.plugin import blocking_manager_key
from rest_framework.test import APIClient

from apprenticeships.models import (
    DistrictNeighbourhood,
    LocalAuthority,
    Lsoa,
    Neighbourhood,
    PostcodeDistrict,
    Role,
    Standard,
    TransitStop,
)
from apprenticeships.reference_data import reference_data_load
from lcr_skills.celery import app
from tests.factories import EmployerFactory, ProviderFactory, make_hub_user, make_user


def services_configured() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql") and not settings.CELERY_TASK_ALWAYS_EAGER


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if services_configured():
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        raise pytest.UsageError(
            "REQUIRE_SERVICES=1 but DATABASE_URL is not PostgreSQL or CELERY_BROKER_URL is unset: "
            "the tests that need the real services would be skipped."
        )
    skip = pytest.mark.skip(
        reason="needs PostgreSQL, Redis and a Celery worker (set DATABASE_URL and CELERY_BROKER_URL)"
    )
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)


# Set once the test database exists: before that there is nothing to put back (and no test database
# to put it in), e.g. after transactional tests that were skipped.
test_database_ready_key = pytest.StashKey[bool]()


# What `reference_data_load` fills, in its order (a row's foreign keys come first).
REFERENCE_MODELS = (LocalAuthority, PostcodeDistrict, Lsoa, Standard, Neighbourhood, TransitStop, DistrictNeighbourhood)
reference_snapshot_key = pytest.StashKey[dict[str, bytes]]()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """Load the real reference data once, committed, into the test database, and keep a copy of its rows
    (PostgreSQL) to put back after each transactional test, rather than read and load it all again."""
    with django_db_blocker.unblock():
        reference_data_load()
        if connection.vendor == "postgresql":
            request.config.stash[reference_snapshot_key] = {
                model._meta.db_table: _table_copy(model._meta.db_table) for model in REFERENCE_MODELS
            }
    request.config.stash[test_database_ready_key] = True


def _table_copy(table: str) -> bytes:
    rows = io.BytesIO()
    with connection.cursor() as cursor:
        cursor.connection.cursor().copy_expert(f"COPY {connection.ops.quote_name(table)} TO STDOUT", rows)
    return rows.getvalue()


def reference_data_restore(config: pytest.Config) -> None:
    """Put the reference data back after a transactional test emptied every table: the same rows (ids
    included) copied in on PostgreSQL (0.3 s, against 1.7 s for a load); loaded again elsewhere. The
    database's triggers fill what derives from them (the search vocabulary), as a load does."""
    snapshot = config.stash.get(reference_snapshot_key, None)
    if snapshot is None:
        reference_data_load()
        return
    with connection.cursor() as cursor:
        raw = cursor.connection.cursor()
        for table, rows in snapshot.items():
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {connection.ops.quote_name(table)})")
            if not cursor.fetchone()[0]:  # emptied (a test skipped before it started left it as it was)
                raw.copy_expert(f"COPY {connection.ops.quote_name(table)} FROM STDIN", io.BytesIO(rows))


WORKER_IDLE_TIMEOUT = 60  # seconds a test's queued tasks may take to finish before its tables are emptied


def worker_idle_wait() -> None:
    """Wait until the worker has nothing queued, reserved or running (at most WORKER_IDLE_TIMEOUT).

    A test that saves a vacancy queues a re-match after its transaction commits; if the worker is
    still re-matching when a transactional test empties the tables, the TRUNCATE and the task
    deadlock, the tables are left full and the tests after it see another test's rows."""
    deadline = time.monotonic() + WORKER_IDLE_TIMEOUT
    quiet = 0
    while quiet < 2 and time.monotonic() < deadline:  # twice in a row: a task may queue another
        try:
            with app.connection_for_read() as connection:
                try:
                    channel = connection.default_channel
                    queued = channel.queue_declare(app.conf.task_default_queue, passive=True).message_count
                except ChannelError:  # no such queue yet: nothing was ever sent
                    queued = 0
            inspect = app.control.inspect(timeout=1, limit=1)
            replies = ((inspect.active() or {}), (inspect.reserved() or {}))
        except (OSError, OperationalError):  # a reliability test stopped the broker: nothing to wait for
            return
        busy = [tasks for reply in replies for tasks in reply.values()]
        quiet = quiet + 1 if not queued and not any(busy) else 0
        if quiet < 2:
            time.sleep(0.1)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """A transactional test empties every table when it ends (pytest-django's teardown, inside this
    wrapper): first let the worker finish what the test queued, then put the reference data back."""
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction")
    if transactional and services_configured():  # browser journeys too: their saves queue re-matches
        worker_idle_wait()
    yield
    # After the session's last test the test database is gone already: nothing to put back.
    ready = item.config.stash.get(test_database_ready_key, False)
    if ready and transactional and nextitem is not None:
        with item.config.stash[blocking_manager_key].unblock():
            reference_data_restore(item.config)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with nothing cached (the search's close words, throttles' counts): the database it
    was cached from is rolled back or emptied between tests, the cache is not."""
    cache.clear()


@pytest.fixture
def tasks_in_process() -> Iterator[None]:
    """Run Celery tasks in this process, even where a broker and a worker are configured (CI).

    Tasks run eagerly from several threads at once (the concurrency tests) can leave Celery's
    process-wide "inside a task" flag set, which would stop later tests waiting for a worker's
    result: `allow_join_result` puts it back as it was."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with allow_join_result():
            yield
    finally:
        app.conf.task_always_eager = before


@pytest.fixture
def employer_a():
    return EmployerFactory(name="Employer A", postcode="L1 8JQ", is_levy_payer=True, annual_pay_bill=5_000_000)


@pytest.fixture
def employer_b():
    return EmployerFactory(name="Employer B", postcode="CH41 1AA")


@pytest.fixture
def provider_a():
    return ProviderFactory(name="Provider A", ukprn="10000001", postcode="WA7 1AA")


@pytest.fixture
def provider_b():
    return ProviderFactory(name="Provider B", ukprn="10000002", postcode="PR9 0AA")


@pytest.fixture
def alice(employer_a):
    return make_user("alice", Role.EMPLOYER, employer_a)


@pytest.fixture
def bob(employer_b):
    return make_user("bob", Role.EMPLOYER, employer_b)


@pytest.fixture
def priya(provider_a):
    return make_user("priya", Role.PROVIDER, provider_a)


@pytest.fixture
def quentin(provider_b):
    return make_user("quentin", Role.PROVIDER, provider_b)


@pytest.fixture
def hannah():
    return make_hub_user("hannah")


@pytest.fixture
def superuser():
    sam = make_hub_user("sam")
    sam.is_superuser = True
    sam.save(update_fields=["is_superuser"])
    return sam


@pytest.fixture
def api():
    """An API client; `api(user)` returns one signed in as that user, `api()` an anonymous one."""

    def client_for(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for
