"""Two writers of results at once, through PostgreSQL: a full run and a re-match that both add the
same new suggestion. The second waits for the first and keeps its row: no unique-constraint error,
no duplicate.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from apprenticeships.models import Vacancy
from matching.models import MatchRun, Suggestion
from matching.services import match_standards, matcher_active_ensure
from matching.services.results import results_write
from tests.market_factories import CourseOfferFactory, VacancyFactory, days_ahead

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def another_backend_waits_for_a_lock(timeout: float = 10.0) -> bool:
    """Whether, within `timeout`, another session waits for a lock this one holds."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # statistics are cached within a transaction
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))")
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


def test_a_rematch_writing_while_a_full_run_writes_the_same_new_suggestion_waits_and_keeps_one(
    tasks_in_process, employer_a, provider_a
) -> None:
    offer = CourseOfferFactory(provider=provider_a, cohorts=[{"start_date": days_ahead(50), "places": 5}])
    vacancy = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, standard=offer.standard)
    Suggestion.objects.all().delete()  # the suggestion the set-up's re-match made: now new to both writers
    model, matcher = matcher_active_ensure()
    result = match_standards([offer.standard_id], matcher)
    assert list(result.vacancy_id) == [vacancy.id]
    full_run = MatchRun.objects.create(kind=MatchRun.Kind.FULL, model=model, model_version=model.version)
    rematch = MatchRun.objects.create(kind=MatchRun.Kind.INCREMENTAL, model=model, model_version=model.version)
    first_has_written = threading.Event()
    second_waited: list[bool] = []
    errors: list[BaseException] = []

    def full_run_writes() -> None:
        try:
            with transaction.atomic():
                results_write(full_run, result, standard_ids=None)
                first_has_written.set()
                second_waited.append(another_backend_waits_for_a_lock())
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
            first_has_written.set()
        finally:
            connection.close()

    def rematch_writes() -> None:
        first_has_written.wait(timeout=10)
        try:
            results_write(rematch, result, standard_ids=[offer.standard_id])
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    second = threading.Thread(target=rematch_writes)
    first = threading.Thread(target=full_run_writes)
    second.start()
    first.start()
    first.join(timeout=30)
    second.join(timeout=30)

    assert errors == []
    assert second_waited == [True], "the re-match did not write while the full run's transaction was open"
    suggestions = list(Suggestion.objects.values_list("vacancy_id", "cohort_id", "run_id", "version"))
    assert suggestions == [(vacancy.id, offer.cohorts.get().id, full_run.id, 1)]
