"""The stack under test: private PostgreSQL and Redis, Uvicorn processes, the raw baseline server
and a Django helper process that writes events the way a worker would. Loopback only; everything
started here is stopped when its block ends."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.realtime.harness import http
from tests.services import (
    PROJECT_DIR,
    PostgresServer,
    RedisServer,
    free_port,
    running,
    uvicorn_argv,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc, no dependency)."""
    with Path(f"/proc/{pid}/stat").open(encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_kb(pid: int) -> int:
    with Path(f"/proc/{pid}/statm").open(encoding="ascii") as statm:
        return int(statm.read().split()[1]) * PAGE_KB


@dataclass
class Services:
    postgres: PostgresServer
    redis: RedisServer
    var_dir: str

    def env(self, *, redis: bool) -> dict[str, str]:
        return {
            "DATABASE_URL": self.postgres.url,
            "REDIS_URL": self.redis.url if redis else "",
            "CELERY_BROKER_URL": "memory://",
            "CELERY_RESULT_BACKEND": "cache+memory://",
            "WARGAME_VAR_DIR": self.var_dir,
            "WARGAME_ENV": "dev",
            "DEBUG": "0",
        }


@contextlib.contextmanager
def services() -> Iterator[Services]:
    postgres = PostgresServer.start()
    try:
        redis = RedisServer.start()
        try:
            with tempfile.TemporaryDirectory(prefix="wargame-bench-") as var_dir:
                found = Services(postgres, redis, var_dir)
                subprocess.run(
                    [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
                    cwd=PROJECT_DIR,
                    env={**os.environ, **found.env(redis=False)},
                    check=True,
                    timeout=300,
                )
                yield found
        finally:
            redis.stop()
    finally:
        postgres.stop()


@dataclass(frozen=True)
class Server:
    base: str
    pid: int

    @property
    def ws(self) -> str:
        return self.base.replace("http", "ws", 1)


@contextlib.contextmanager
def asgi_server(found: Services, *, redis: bool) -> Iterator[Server]:
    port = free_port()
    argv = uvicorn_argv(port)
    with running(argv, env=found.env(redis=redis), port=port) as process:
        yield Server(f"http://127.0.0.1:{port}", process.pid)


@contextlib.contextmanager
def raw_server(found: Services, frame_template: dict[str, Any]) -> Iterator[Server]:
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "bench.baseline",
        str(port),
        json.dumps(frame_template),
        found.postgres.url,
    ]
    with running(argv, env={}, port=port) as process:
        yield Server(f"http://127.0.0.1:{port}", process.pid)


class Helper:
    """A Django process on the bench database: one JSON request per line, one answer per line."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.helper"],
            cwd=PROJECT_DIR,
            # Quiet: it writes thousands of events, each of which logs a line at INFO.
            env={**os.environ, **env, "LOG_LEVEL": "WARNING"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, **request: Any) -> Any:
        if self.process.stdin is None or self.process.stdout is None:
            raise RuntimeError("bench helper has no pipes")
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"bench helper exited ({self.process.poll()})")
        answer = json.loads(line)
        if isinstance(answer, dict) and "error" in answer:
            raise RuntimeError(f"bench helper, {request.get('op')}: {answer['error']}")
        return answer

    def close(self) -> None:
        if self.process.poll() is None:
            if self.process.stdin is not None:
                self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@dataclass
class Game:
    base: str
    exercise_id: int
    control: str
    observer: str

    def command(self, command: str, args: dict[str, Any] | None = None) -> Any:
        status, answer = http(
            "POST",
            f"{self.base}/api/v1/exercises/{self.exercise_id}/commands/",
            token=f"Token {self.control}",
            body={"command": command, "args": args or {}},
        )
        if status >= 300:
            raise RuntimeError(f"{command}: {status} {answer}")
        return answer


def running_game(base: str, control: str, title: str) -> Game:
    """A started exercise with every seat taken; the observer token is what load clients use."""
    status, body = http(
        "POST",
        f"{base}/api/v1/exercises/",
        token=f"Token {control}",
        body={"scenario": "exercise_season", "title": title, "seed": 3},
    )
    if status != 201:
        raise RuntimeError(f"exercise not created: {status} {body}")
    game = Game(base, body["id"], control, "")
    game.command("open_lobby")
    for name, code in body["join_codes"].items():
        status, seat = http(
            "POST", f"{base}/api/v1/join/", token="", body={"code": code, "display_name": name}
        )
        if status != 201:
            raise RuntimeError(f"seat {name} not taken: {status} {seat}")
        if name == "observers":
            game.observer = seat["token"]
    game.command("start")
    return game
