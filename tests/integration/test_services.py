"""The real services: PostgreSQL, Redis and a Celery worker process started by .ci/run."""

import pytest
from django.conf import settings
from django.db import connection

from apprenticeships.models import Standard
from apprenticeships.tasks import standards_by_status
from lcr_skills.celery import app
from matching.tasks import ping

pytestmark = pytest.mark.services


def test_it_runs_on_postgresql():
    assert connection.vendor == "postgresql"
    assert not settings.CELERY_TASK_ALWAYS_EAGER


def test_a_task_sent_through_redis_is_answered_by_a_worker_process():
    result = ping.delay()

    assert result.get(timeout=20) == "pong"
    assert result.successful()


def test_a_worker_process_answers_a_broadcast_ping():
    replies = app.control.ping(timeout=5)

    assert replies, "no Celery worker answered through the broker"


@pytest.mark.django_db(transaction=True)
def test_the_worker_reads_what_the_web_process_committed():
    Standard.objects.filter(lars_code=2).update(status=Standard.Status.RETIRED)

    counts = standards_by_status.delay().get(timeout=20)

    assert counts == {"approved": 514, "retired": 1}


@pytest.mark.django_db
def test_healthz_reports_the_real_database_broker_and_worker(client):
    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 200, body
    assert body["database"] == {"ok": True, "vendor": "postgresql"}
    assert body["broker"]["mode"] == "broker"
    assert body["worker"]["workers"] >= 1
