"""What every Celery worker does beside running tasks: look out for full runs whose worker died.

A worker killed outright (SIGKILL, a lost machine) takes the messages it had not acknowledged with
it: the broker gives them back only after its visibility timeout, 10 minutes with Redis, which the
introduction e-mails' retries are sized to. Rather than shorten that for every task, each chunk
keeps a heartbeat while it is computed (matching.services.runs), and every live worker asks, every
MATCH_RUN_CHECK_SECONDS, for `matching.resume_stalled`, which sends again what a run lost. A run
whose worker died is thus picked up within about a minute, by whichever worker is left or comes
back, with or without beat.
"""

import logging

from celery import Celery, bootsteps
from django.conf import settings

from matching import enqueue

logger = logging.getLogger(__name__)


class RunWatch(bootsteps.StartStopStep):
    """A worker bootstep: every MATCH_RUN_CHECK_SECONDS, queue a check for runs that lost work."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker: object, **kwargs: object) -> None:
        super().__init__(worker, **kwargs)
        self.entry = None

    def start(self, worker: object) -> None:
        every = settings.MATCH_RUN_CHECK_SECONDS
        if every > 0:
            self.entry = worker.timer.call_repeatedly(every, self.check, (worker.app,), priority=10)

    def stop(self, worker: object) -> None:
        if self.entry is not None:
            self.entry.cancel()
            self.entry = None

    def check(self, app: Celery) -> None:
        # Through matching.enqueue (the worker's app is the project's); a check nobody took in a few
        # rounds is dropped, so they can't pile up behind a long queue.
        try:
            enqueue.send(enqueue.RESUME_STALLED, expires=4 * settings.MATCH_RUN_CHECK_SECONDS)
        except Exception:  # the broker is away: the next round tries again
            logger.warning("could not queue a check for runs that lost work", exc_info=True)


def run_watch_install(app: Celery) -> None:
    """Add the run watch to the app's workers (called from MatchingConfig.ready(), before a worker builds its steps)."""
    app.steps["worker"].add(RunWatch)
