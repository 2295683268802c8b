"""A market built once per module, inside a transaction that is rolled back when the module ends.

Each test runs in its own savepoint inside it (pytest-django's `db`), so a test's writes vanish
at its end and the market is the same for every test of the module.
"""

from collections.abc import Iterator

import pytest
from django.db import transaction

from tests.security_matrix.market import Market, market_build


@pytest.fixture(scope="module")
def market(django_db_setup, django_db_blocker) -> Iterator[Market]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield market_build()
        transaction.set_rollback(True)
