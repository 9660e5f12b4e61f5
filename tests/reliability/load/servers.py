"""The servers a load run drives: Uvicorn processes whose logs outlive them, and the load
generator pinned to a core of its own so that the servers keep the other."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tests.realtime.harness import database_url, http
from tests.services import (
    PostgresServer,
    RedisServer,
    free_port,
    running,
    uvicorn_argv,
)

if TYPE_CHECKING:
    from collections.abc import Iterator


@dataclass
class LoggedServer:
    """A Uvicorn process whose output is kept, so the run can grep it ("over capacity")."""

    base: str
    pid: int
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextlib.contextmanager
def logged_asgi_server(
    postgres: PostgresServer, redis: RedisServer, extra_env: dict[str, str] | None = None
) -> Iterator[LoggedServer]:
    """Like ``tests.realtime.harness.asgi_server`` (same command line and settings), but the
    process's log outlives it in a file of its own."""
    port = free_port()
    directory = Path(tempfile.mkdtemp(prefix="wargame-load-"))
    log_path = directory / "server.log"
    env = {
        "DATABASE_URL": database_url(postgres),
        "REDIS_URL": redis.url,
        "CELERY_BROKER_URL": "memory://",
        "CELERY_RESULT_BACKEND": "cache+memory://",
        **(extra_env or {}),
    }
    try:
        with running(uvicorn_argv(port), env=env, port=port, log_path=log_path) as process:
            server = LoggedServer(f"http://127.0.0.1:{port}", process.pid, log_path)
            # A fresh Uvicorn's first request pays seconds of imports on 2 cores: not load.
            status, _body = http("GET", f"{server.base}/healthz", token="")
            assert status < 500, server.log()[-3000:]
            yield server
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def pinned_to_one_core() -> Iterator[str]:
    """Pin every thread of this process (the load generator) to the last core with ``taskset``,
    so the servers keep a core of their own; yields how it went, for the row's text. Processes
    started before the block (the servers) keep all cores."""
    before = os.sched_getaffinity(0)
    taskset = shutil.which("taskset")
    if taskset is None or len(before) < 2:
        yield "load client not pinned (no taskset or one core)"
        return
    core = max(before)
    pin = [taskset, "-a", "-p", "-c"]
    subprocess.run([*pin, str(core), str(os.getpid())], check=True, capture_output=True)
    try:
        yield f"load client pinned to CPU {core} (taskset -a)"
    finally:
        cores = ",".join(str(c) for c in sorted(before))
        subprocess.run([*pin, cores, str(os.getpid())], check=True, capture_output=True)
