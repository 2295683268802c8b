"""Requests for introductions under concurrency, on PostgreSQL with real threads: many identical
requests sent at once make one; many hub decisions at once, one wins."""

import threading
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection

from matching.models import IntroductionRequest
from matching.services import requests as service
from tests.factories import make_hub_user

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
THREADS = 12


def at_once(calls: list[Callable[[], object]]) -> list[object]:
    """Run each call in its own thread, all released together; each one's result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = calls[i]()
        except Exception as error:  # noqa: BLE001 - the caller inspects what each call did
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_the_same_request_sent_many_times_at_once_is_made_once(tasks_in_process, alice, employer_a, training_market):
    offer_id = training_market.liverpool.pk

    def ask() -> int:
        made, _ = service.introduction_request_create(
            employer=employer_a, offer_id=offer_id, vacancy_id=None, message="", by=User.objects.get(pk=alice.pk)
        )
        return made.pk

    results = at_once([ask] * THREADS)

    assert IntroductionRequest.objects.count() == 1
    assert set(results) == {IntroductionRequest.objects.get().pk}


def test_of_many_hub_decisions_at_once_exactly_one_wins(tasks_in_process, alice, employer_a, training_market):
    request, _ = service.introduction_request_create(
        employer=employer_a, offer_id=training_market.liverpool.pk, vacancy_id=None, message="", by=alice
    )
    staff = [make_hub_user(f"hub{n}") for n in range(THREADS)]

    def decide(n: int) -> Callable[[], object]:
        if n % 2:
            return lambda: service.introduction_request_decline(request.pk, by=staff[n], reason=f"No ({n})")
        return lambda: service.introduction_request_accept(request.pk, by=staff[n])

    results = at_once([decide(n) for n in range(THREADS)])

    won = [r for r in results if isinstance(r, IntroductionRequest)]
    refused = [r for r in results if isinstance(r, service.RequestConflict)]
    assert len(won) == 1 and len(refused) == THREADS - 1
    request.refresh_from_db()
    assert (request.status, request.decided_by_id) == (won[0].status, won[0].decided_by_id)
