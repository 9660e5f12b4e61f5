"""The whole product on loopback, for browser tests and screenshots: Uvicorn serving the web app
and the socket on the test database with the Redis channel layer, and a Celery worker with beat
for deadlines and AI teams."""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tests.realtime.harness import asgi_server, database_url
from tests.services import CeleryWorker, PostgresServer, RedisServer

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Playwright


@dataclass(frozen=True)
class Stack:
    base: str
    worker: CeleryWorker


def stack_env(postgres: PostgresServer, redis: RedisServer) -> dict[str, str]:
    return {
        "WARGAME_ENV": "dev",
        "DATABASE_URL": database_url(postgres),
        "REDIS_URL": redis.url,
        "CELERY_BROKER_URL": redis.url,
        "CELERY_RESULT_BACKEND": redis.url,
        # Deadlines are short in browser tests: sweep often so a lost timer costs seconds.
        "TIMERS_SWEEP_SECONDS": "2",
        "BOT_DELAY_SECONDS": "1",
    }


@contextlib.contextmanager
def stack_running(postgres: PostgresServer, redis: RedisServer) -> Iterator[Stack]:
    env = stack_env(postgres, redis)
    worker = CeleryWorker.start(env, beat=True)
    try:
        with asgi_server(postgres, redis, extra_env=env) as server:
            yield Stack(base=server.base, worker=worker)
    finally:
        worker.kill()


def chromium_launch(playwright: Playwright) -> Browser:
    """Debian's Chromium: Playwright cannot download its own browsers on our machines."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        msg = "Chromium is needed for browser tests (apt-get install chromium)."
        raise RuntimeError(msg)
    return playwright.chromium.launch(
        executable_path=executable,
        args=["--disable-background-networking", "--disable-dev-shm-usage"],
        headless=os.environ.get("WARGAME_HEADED") != "1",
    )
