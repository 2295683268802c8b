"""Celery tasks: thin wrappers that take ids, call one service, and retry only transient errors.

What they queue next goes through matching.enqueue, by name, like everything else queued.
"""

import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError

from matching import enqueue, services
from matching.services import requests
from matching.services.pledges import pledge_suggestions_allocate

TRANSIENT = (OperationalError, InterfaceError, ConnectionError)
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": True, "retry_backoff_max": 60, "max_retries": 5}


@shared_task(name="matching.ping")
def ping() -> str:
    """Answer "pong" from whichever worker runs it; health checks and CI use it to prove a worker is live."""
    return "pong"


@shared_task(name="matching.run_prepare", **RETRY)
def run_prepare_task(run_id: int) -> None:
    """Split a queued full run into chunks and send each to the workers."""
    try:
        indexes = services.run_prepare(run_id)
    except TRANSIENT:
        raise
    except Exception as error:
        services.run_fail(run_id, error=f"{error.__class__.__name__}: {error}")
        raise
    for index in indexes:
        enqueue.send(enqueue.CHUNK, run_id, index)


@shared_task(name="matching.chunk", **RETRY)
def chunk_task(run_id: int, index: int) -> None:
    """Compute one chunk of a full run; the last chunk to finish sends the run to be written."""
    try:
        last = services.chunk_compute(run_id, index)
    except TRANSIENT:
        raise
    except Exception as error:
        services.run_fail(run_id, error=f"chunk {index}: {error.__class__.__name__}: {error}")
        raise
    if last:
        enqueue.send(enqueue.FINALIZE, run_id)


@shared_task(name="matching.finalize", **RETRY)
def finalize_task(run_id: int) -> None:
    """Swap in a full run's staged results (what changed) in one transaction."""
    try:
        services.run_finalize(run_id)
    except TRANSIENT:
        raise
    except Exception as error:
        services.run_fail(run_id, error=f"writing results: {error.__class__.__name__}: {error}")
        raise


@shared_task(name="matching.rematch", **RETRY)
def rematch_task(standard_ids: list[int]) -> None:
    """Re-match the live vacancies of these standards after a vacancy or an offer changed."""
    services.rematch_standards(standard_ids)


@shared_task(name="matching.rematch_vacancies", **RETRY)
def rematch_vacancies_task(changes: list[list]) -> None:
    """Re-match single vacancies that joined the market, left it or changed in place: [vacancy id, before] each."""
    services.vacancies_rematch([(int(vacancy_id), before) for vacancy_id, before in changes])


# A mail server that is down, unreachable or slow (ConnectionError, in TRANSIENT), or that hangs up:
# worth trying again later. A refusal (a bad address, failed sign-in) is not, and stays an error in the log.
MAIL_TRANSIENT = (TimeoutError, smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected)


MAIL_RETRY = {
    "autoretry_for": (*TRANSIENT, *MAIL_TRANSIENT),
    "retry_backoff": True,
    "retry_backoff_max": 300,  # below the broker's visibility timeout (600 s), so a waiting retry is not sent twice
    "max_retries": 15,
}


@shared_task(name="matching.introduction_send", **MAIL_RETRY)
def introduction_send_task(suggestion_id: int, party: str) -> int:
    """E-mail one party of an approved suggestion; retried, waiting up to 5 minutes between tries,
    for the best part of an hour while the mail server is down."""
    return services.introduction_send(suggestion_id, party)


@shared_task(name="matching.introduction_ended_send", **MAIL_RETRY)
def introduction_ended_send_task(suggestion_id: int, party: str) -> int:
    """E-mail one party that an introduction ended because its vacancy left the market; retried as above."""
    return services.introduction_ended_send(suggestion_id, party)


@shared_task(name="matching.agreed_match_kept_send", **MAIL_RETRY)
def agreed_match_kept_send_task(suggestion_id: int, reason: str) -> int:
    """E-mail hub staff that an agreed match's vacancy left the market; retried as above."""
    return services.agreed_match_kept_send(suggestion_id, reason)


@shared_task(name="matching.introduction_request_answer_send", **MAIL_RETRY)
def introduction_request_answer_send_task(request_id: int, party: str) -> int:
    """E-mail one party the hub's answer to an employer's request for an introduction; retried as above."""
    return requests.introduction_request_answer_send(request_id, party)


@shared_task(name="matching.retrain", **RETRY)
def retrain_task() -> str:
    """Nightly: train on the hub's decisions; promote the new model only if it does better."""
    return services.matcher_retrain().version


@shared_task(name="matching.resume_stalled", ignore_result=True)
def resume_stalled_task() -> list[int]:
    """Every MATCH_RUN_CHECK_SECONDS from each worker (matching.worker), and every minute from beat:
    send again what full runs lost (a dead worker's chunk, a lost finalize, messages lost in the broker)."""
    resumed = []
    for run_id, step, chunks in services.runs_resume():
        if step == "prepare":
            enqueue.send(enqueue.RUN_PREPARE, run_id)
        for index in chunks:
            enqueue.send(enqueue.CHUNK, run_id, index)
        if step == "finalize":
            enqueue.send(enqueue.FINALIZE, run_id)
        resumed.append(run_id)
    return resumed


@shared_task(name="matching.pledges_allocate", **RETRY)
def pledges_allocate_task() -> int:
    """Re-fit the pledges on open suggestions to the money pledges hold now (issue 17; beat, every 10 minutes)."""
    return pledge_suggestions_allocate()
