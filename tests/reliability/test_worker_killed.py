"""SIGKILL the whole Celery worker in the middle of a full run, start it again, no beat: the run still
ends, within a couple of minutes, with exactly the results an in-process match computes.

The attack as found: the killed worker's unacknowledged chunks came back only after Redis's
visibility timeout (10 minutes), so the run stayed "running" that long and every new run got 409.
Now each chunk keeps a heartbeat while it is computed, and every live worker checks every
MATCH_RUN_CHECK_SECONDS for chunks whose heartbeat stopped for MATCH_CHUNK_LEASE_SECONDS, and sends
them again. The private worker here (tests/reliability/private_services.py) runs with a third of
the production values of both (15 s and 5 s for 45 s and 15 s: the test waits a third as long, the
mechanism is the same; in production a lost chunk is sent again within about a minute), and nothing
plays beat.
"""

import time
from pathlib import Path

import pytest

from matching.models import MatchRun, MatchRunChunk
from matching.services import run_full_start
from tests.reliability.private_services import Services, private_services
from tests.reliability.test_redis_restart import assert_results_match_an_in_process_match, generate_market

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

RECOVERY_SECONDS = 120  # "within a minute or two"
LEASE = {"MATCH_CHUNK_LEASE_SECONDS": "15", "MATCH_RUN_CHECK_SECONDS": "5"}
DONE = (MatchRun.Status.SUCCEEDED, MatchRun.Status.FAILED)


def a_chunk_being_computed(run_id: int, private: Services) -> MatchRunChunk:
    """Wait for a worker process to start computing one of the run's chunks (it claims it first)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        chunk = MatchRunChunk.objects.filter(run_id=run_id, done=False).exclude(claimed_by="").first()
        if chunk is not None:
            return chunk
        time.sleep(0.01)
    pytest.fail(f"no chunk of run {run_id} was seen being computed\n{private.worker.tail()}")


def wait_for(run_id: int, private: Services, timeout: float) -> MatchRun:
    deadline = time.monotonic() + timeout
    while (run := MatchRun.objects.get(pk=run_id)).status not in DONE:
        if time.monotonic() > deadline:
            chunks = list(MatchRunChunk.objects.filter(run_id=run_id).values_list("index", "done", "claimed_by"))
            pytest.fail(f"run {run_id} still {run.status} after {timeout} s, chunks {chunks}\n{private.worker.tail()}")
        time.sleep(0.5)
    return run


def test_a_run_whose_whole_worker_was_killed_is_finished_by_the_restarted_worker_within_two_minutes(
    api, hannah, tmp_path: Path, django_db_setup
):
    generate_market(3000, 1200, seed=5)
    with private_services(tmp_path, name="worker-killed", env=LEASE) as private:
        for _ in range(3):  # a kill that lands between two chunks loses none: another run
            run = run_full_start(by=hannah)
            a_chunk_being_computed(run.pk, private)
            private.worker.kill()
            killed_at = time.monotonic()
            lost = dict(
                MatchRunChunk.objects.filter(run=run, done=False)
                .exclude(claimed_by="")
                .values_list("index", "claimed_by")
            )
            if lost:
                break
            private.worker.start()
            wait_for(run.pk, private, RECOVERY_SECONDS)
        else:
            pytest.fail("three kills in a row landed between chunks")
        busy = api(hannah).post("/api/v1/match-runs/")
        assert busy.status_code == 409 and busy.json()["run"] == run.pk  # while it runs, no other

        private.worker.start()
        finished = wait_for(run.pk, private, RECOVERY_SECONDS)
        took = time.monotonic() - killed_at

        assert finished.status == MatchRun.Status.SUCCEEDED, f"{finished.error}\n{private.worker.tail()}"
        print(
            f"\nrun {run.pk}: chunks {sorted(lost)} lost with the worker, the run finished {took:.0f} s after the kill"
        )
        assert took < RECOVERY_SECONDS
        assert finished.resumes >= 1  # sent again, not given back by the broker (that takes 10 minutes)
        for index, dead in lost.items():  # computed again, by a live process
            assert MatchRunChunk.objects.get(run=run, index=index).computed_by not in ("", dead)
        assert_results_match_an_in_process_match()
        again = api(hannah).post("/api/v1/match-runs/")
        assert again.status_code == 202, again.content
        assert wait_for(again.json()["id"], private, 60).status == MatchRun.Status.SUCCEEDED
