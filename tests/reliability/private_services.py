"""A private redis-server and a private Celery worker for the reliability tests, so that they can stop,
restart and kill them without touching the shared Redis or CI's worker.

The worker runs `celery worker --concurrency 2`, as .ci/run starts it, on the private broker and
this test process's test database; this process publishes its tasks to the private broker while
the test runs (`private_services`).
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.db import connection

from lcr_skills.celery import app

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log_tail(path: Path, lines: int = 40) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


class PrivateRedis:
    """A redis-server of this test's own that keeps nothing across a restart."""

    def __init__(self, executable: str, directory: Path) -> None:
        self.executable, self.directory, self.port = executable, directory, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = directory / "redis.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--dir", str(self.directory), "--logfile", str(self.log)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server on port {self.port} did not start:\n{log_tail(self.log)}")
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self) -> None:
        """Stop it as a restart would (SIGTERM); it saves nothing, so every message is lost."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None


class PrivateWorker:
    """`celery worker --concurrency 2`, as .ci/run starts it, on the private broker and the test database."""

    def __init__(self, broker_url: str, directory: Path, *, name: str, env: dict[str, str] | None = None) -> None:
        settings_dict = connection.settings_dict
        user = quote(settings_dict["USER"] or "", safe="")
        if settings_dict["PASSWORD"]:
            user += ":" + quote(settings_dict["PASSWORD"], safe="")
        host = settings_dict["HOST"] or "localhost"
        port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
        self.hostname = f"{name}-{os.getpid()}@%h"
        self.log = directory / "celery-worker.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lcr_skills.settings",
            "DATABASE_URL": f"postgres://{user}@{host}{port}/{quote(settings_dict['NAME'], safe='')}",
            "DATABASE_CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": broker_url,
            "CELERY_RESULT_BACKEND": broker_url,
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None
        self.exits: list[str] = []

    def start(self) -> None:
        celery = Path(sys.executable).parent / "celery"
        logged_before = self.log.stat().st_size if self.log.exists() else 0
        self.process = subprocess.Popen(
            [str(celery), "-A", "lcr_skills", "worker", "--concurrency", "2", "--hostname", self.hostname]
            + ["--loglevel", "INFO", "--logfile", str(self.log)],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopping it stops its pool processes too
        )
        # Ready once it logs so (not a ping: this process's broker connection may be a dead one after
        # a Redis restart).
        deadline = time.monotonic() + 30
        while not self.log.exists() or b" ready." not in self.log.read_bytes()[logged_before:]:
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the private Celery worker did not start:\n{self.tail()}")
            time.sleep(0.1)

    def stop(self) -> None:
        """Warm shutdown (SIGTERM to its process group), then SIGKILL whatever of the group is left."""
        if self.process is None:
            return
        group = self.process.pid  # start_new_session: the group's id is the worker's pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
        self.process.wait(10)
        self.process = None

    def kill(self) -> int:
        """SIGKILL the whole worker, main process and pool alike, as a lost machine would stop it; returns its pid."""
        pid = self.process.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)  # start_new_session: the group's id is the worker's pid
        self.process.wait(10)
        self.process = None
        return pid

    def supervise(self) -> None:
        """Start the worker again if it exited, as its supervisor (systemd, Kubernetes) does in
        production: Celery's worker can stop with "Unrecoverable error" when the broker's connection
        drops at a bad moment (an AttributeError inside kombu's Redis transport)."""
        if self.process is not None and self.process.poll() is not None:
            with contextlib.suppress(ProcessLookupError):  # pool processes it may have left behind
                os.killpg(self.process.pid, signal.SIGKILL)
            last_words = [line for line in log_tail(self.log, 400).splitlines() if "CRITICAL" in line][-1:]
            self.exits.append(f"exit {self.process.returncode} {' '.join(last_words)}")
            self.process = None
            self.start()

    def tail(self) -> str:
        exits = "".join(f"\n(restarted after {exit})" for exit in self.exits)
        running = self.process is not None and self.process.poll() is None
        return f"--- worker log ({self.log}, running: {running}) ---\n{log_tail(self.log)}{exits}"


def _publishing_to(url: str) -> tuple[dict, tuple]:
    """Send this process's tasks (and wait for results) through `url`; returns what to restore."""
    amqp = app.__dict__.get("amqp")
    saved = (app._pool, amqp._producer_pool if amqp else None, app._backend_cache, getattr(app._local, "backend", None))
    # Celery reads CELERY_BROKER_URL and CELERY_RESULT_BACKEND from the environment before its
    # configuration; dropping the cached pools makes the next task open connections to `url`.
    env = {key: os.environ.get(key) for key in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")}
    os.environ.update(CELERY_BROKER_URL=url, CELERY_RESULT_BACKEND=url)
    app._pool, app._backend_cache = None, None
    if amqp:
        amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)
    return env, saved


def _publishing_restored(env: dict, saved: tuple) -> None:
    amqp = app.__dict__.get("amqp")
    if amqp is not None and amqp._producer_pool is not None:
        amqp._producer_pool.force_close_all()
    if app._pool is not None:
        app._pool.force_close_all()
    backend = app._backend_cache or getattr(app._local, "backend", None)
    if backend is not None and hasattr(backend, "result_consumer"):
        backend.result_consumer.stop()
        backend.client.connection_pool.disconnect()
    for key, value in env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    pool, producer_pool, backend_cache, local_backend = saved
    app._pool, app._backend_cache = pool, backend_cache
    if amqp is not None:
        amqp._producer_pool = producer_pool
    app._local.__dict__.pop("backend", None)
    if local_backend is not None:
        app._local.backend = local_backend


@dataclass
class Services:
    redis: PrivateRedis
    worker: PrivateWorker


def redis_server_executable() -> str:
    """The redis-server to start a private one with; the test is skipped without one (failed in CI)."""
    executable = shutil.which("redis-server")
    if executable is None:
        message = "redis-server is not installed: this test needs one of its own"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return executable


@contextlib.contextmanager
def private_services(directory: Path, *, name: str, env: dict[str, str] | None = None) -> Iterator[Services]:
    """A private Redis, this process publishing to it, and a private worker consuming from it."""
    server = PrivateRedis(redis_server_executable(), directory)
    worker = PrivateWorker(server.url, directory, name=name, env=env)
    env_saved, saved = _publishing_to(server.url)
    try:
        server.start()
        worker.start()
        yield Services(server, worker)
    finally:
        worker.stop()
        server.stop()
        _publishing_restored(env_saved, saved)
