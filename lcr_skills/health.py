"""GET /healthz: is the database, the broker and at least one worker answering?"""

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lcr_skills.celery import app

logger = logging.getLogger(__name__)


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "vendor": connection.vendor}
    except Exception as error:  # any failure means "down"; the reason goes to the log and the body
        logger.warning("healthz: database down", extra={"error": str(error)})
        return {"ok": False, "error": error.__class__.__name__}


def _broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "in-process"}
    try:
        with app.connection_for_write() as conn:
            # Retry at once: kombu's default first pause (2 s) would outlast the timeout and the caller's patience.
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=settings.HEALTHZ_WORKER_TIMEOUT_SECONDS)
        return {"ok": True, "mode": "broker"}
    except Exception as error:
        logger.warning("healthz: broker down", extra={"error": str(error)})
        return {"ok": False, "mode": "broker", "error": error.__class__.__name__}


def _worker(broker_ok: bool) -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "in-process"}
    if not broker_ok:
        return {"ok": False, "error": "broker unreachable"}
    try:
        replies = app.control.ping(timeout=settings.HEALTHZ_WORKER_TIMEOUT_SECONDS)
    except Exception as error:
        logger.warning("healthz: worker ping failed", extra={"error": str(error)})
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": bool(replies), "workers": len(replies)} if replies else {"ok": False, "workers": 0}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = _database()
    broker = _broker()
    checks = {"database": database, "broker": broker, "worker": _worker(broker["ok"])}
    down = [name for name, check in checks.items() if not check["ok"]]
    body = {"status": "unavailable" if down else "ok", "down": down, **checks}
    return JsonResponse(body, status=503 if down else 200)
