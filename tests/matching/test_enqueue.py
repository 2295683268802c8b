"""matching.enqueue: work is queued by task name once the transaction commits, one re-match per
transaction for every standard it changed, and nothing for what rolled back (savepoints too).

These tests commit for real (transaction=True); what would leave for the broker is recorded instead.
"""

import pytest
from django.db import transaction

from lcr_skills.celery import app
from matching import enqueue

pytestmark = pytest.mark.django_db(transaction=True)

TASK_NAMES = [
    enqueue.RUN_PREPARE,
    enqueue.CHUNK,
    enqueue.FINALIZE,
    enqueue.REMATCH,
    enqueue.REMATCH_VACANCIES,
    enqueue.INTRODUCTION_SEND,
    enqueue.INTRODUCTION_ENDED_SEND,
    enqueue.AGREED_MATCH_KEPT_SEND,
    enqueue.RESUME_STALLED,
]


@pytest.fixture
def sent(monkeypatch) -> list[tuple]:
    """What enqueue hands to the broker, in order: (task name, args)."""
    messages: list[tuple] = []
    monkeypatch.setattr(enqueue, "send", lambda task, *args, **options: messages.append((task, args)))
    return messages


@pytest.mark.parametrize("name", TASK_NAMES)
def test_every_task_it_queues_is_registered_under_that_name(name):
    assert name in app.tasks


def test_a_change_outside_a_transaction_is_re_matched_at_once(sent):
    enqueue.rematch_after_commit([3, 1])

    assert sent == [(enqueue.REMATCH, ([1, 3],))]


def test_a_transaction_sends_one_re_match_for_every_standard_it_changed(sent):
    with transaction.atomic():
        enqueue.rematch_after_commit([2])
        with transaction.atomic():
            enqueue.rematch_after_commit([1, 2])
        enqueue.rematch_after_commit([5])
        assert sent == []

    assert sent == [(enqueue.REMATCH, ([1, 2, 5],))]


def test_a_transaction_changing_single_vacancies_re_matches_just_those_vacancies(sent):
    with transaction.atomic():
        enqueue.rematch_vacancy_after_commit(11, standard_id=1, before={"positions": 1, "notes": ""})
        enqueue.rematch_vacancy_after_commit(11, standard_id=1, before={"positions": 2, "notes": "x"})
        enqueue.rematch_vacancy_after_commit(10, standard_id=2)

    assert sent == [(enqueue.REMATCH_VACANCIES, ([[10, None], [11, {"positions": 1, "notes": ""}]],))]


def test_a_vacancy_in_a_standard_the_transaction_changed_as_a_whole_is_covered_by_its_re_match(sent):
    with transaction.atomic():
        enqueue.rematch_vacancy_after_commit(11, standard_id=1)
        enqueue.rematch_after_commit([1])
        enqueue.rematch_vacancy_after_commit(12, standard_id=2)

    assert sent == [(enqueue.REMATCH, ([1],)), (enqueue.REMATCH_VACANCIES, ([[12, None]],))]


def test_a_vacancy_changed_outside_a_transaction_is_re_matched_at_once(sent):
    enqueue.rematch_vacancy_after_commit(5, standard_id=3)

    assert sent == [(enqueue.REMATCH_VACANCIES, ([[5, None]],))]


def test_a_transaction_that_rolls_back_sends_nothing_and_leaves_nothing_for_the_next(sent):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue.rematch_after_commit([7])
        raise RuntimeError("something else failed")

    with transaction.atomic():
        enqueue.rematch_after_commit([8])

    assert sent == [(enqueue.REMATCH, ([8],))]


def test_a_change_in_a_savepoint_that_rolls_back_is_dropped_and_later_changes_still_go(sent):
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue.rematch_after_commit([7])
            raise RuntimeError("this part failed")
        enqueue.rematch_after_commit([8])

    assert sent == [(enqueue.REMATCH, ([8],))]


def test_work_after_commit_is_queued_only_when_the_transaction_commits(sent):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue.after_commit(enqueue.INTRODUCTION_SEND, 1, "employer")
        raise RuntimeError("the approval failed")
    with transaction.atomic():
        enqueue.after_commit(enqueue.INTRODUCTION_SEND, 2, "provider")
        assert sent == []

    assert sent == [(enqueue.INTRODUCTION_SEND, (2, "provider"))]
