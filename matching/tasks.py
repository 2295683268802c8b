from celery import shared_task


@shared_task(name="matching.ping")
def ping() -> str:
    """Answer "pong" from whichever worker runs it; health checks and CI use it to prove a worker is live."""
    return "pong"
