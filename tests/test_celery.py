"""A real worker consumes tasks from both brokers: Redis, and the embedded SQLite one."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from tests.services import PROJECT_DIR, CeleryWorker

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.services

# A producer sends tasks by name, as the services do (wargame.exercises.queue): it needs neither
# Django nor the task functions, only the Celery app and the broker.
PING_SCRIPT = """
import sys
from wargame.celery import app
from wargame.exercises.queue import PING
print(app.send_task(PING, args=[sys.argv[1]]).get(timeout=60))
"""


def _send_ping(token: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-c", PING_SCRIPT, token],
        cwd=PROJECT_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_worker_runs_a_task_sent_through_redis(celery_worker: CeleryWorker) -> None:
    token = secrets.token_hex(8)
    assert _send_ping(token, dict(celery_worker.env)) == token, celery_worker.log()


def test_a_worker_runs_a_task_sent_through_the_embedded_broker(tmp_path: Path) -> None:
    env = {
        "WARGAME_VAR_DIR": str(tmp_path),
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "CELERY_RESULT_BACKEND": "",
    }
    worker = CeleryWorker.start(env)
    try:
        token = secrets.token_hex(8)
        assert _send_ping(token, env) == token, worker.log()
        assert (tmp_path / "celery-broker.sqlite3").exists()
    finally:
        worker.kill()
