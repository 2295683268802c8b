from collections.abc import Iterator

import pytest

from lcr_skills.celery import app


@pytest.fixture
def tasks_in_process() -> Iterator[None]:
    """The set-up's own re-matches (a vacancy going live, an offer opening) run here, before the race,
    rather than on the worker while it runs."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before
