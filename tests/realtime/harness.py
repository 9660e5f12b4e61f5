"""Real servers and real clients for live-update tests: Uvicorn processes on the test database,
HTTP over loopback, and WebSocket clients that record every frame."""

from __future__ import annotations

import asyncio
import contextlib
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import websockets
from django.db import connection

from tests.services import PostgresServer, RedisServer, free_port, running, uvicorn_argv

if TYPE_CHECKING:
    from collections.abc import Iterator


def database_url(postgres: PostgresServer) -> str:
    return f"postgres://postgres@127.0.0.1:{postgres.port}/{connection.settings_dict['NAME']}"


@dataclass(frozen=True)
class Server:
    base: str
    pid: int


@contextlib.contextmanager
def asgi_server(
    postgres: PostgresServer,
    redis: RedisServer | None,
    port: int | None = None,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """A Uvicorn process on the test database (tasks it queues go nowhere unless
    ``extra_env`` names a real broker)."""
    port = port or free_port()
    env = {
        "DATABASE_URL": database_url(postgres),
        "REDIS_URL": redis.url if redis else "",
        "CELERY_BROKER_URL": "memory://",
        "CELERY_RESULT_BACKEND": "cache+memory://",
        **(extra_env or {}),
    }
    argv = uvicorn_argv(port)
    with running(argv, env=env, port=port) as process:
        yield Server(f"http://127.0.0.1:{port}", process.pid)


def http(method: str, url: str, *, token: str, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - loopback
    request.add_header("Authorization", token)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


# Frames with a ``seq`` that are not events of the view's stream.
NOT_EVENTS = frozenset({"replay.done", "regions"})


@dataclass
class Recorder:
    """A WebSocket client that authenticates by first frame and records what arrives."""

    base: str
    exercise_id: int
    token: str
    since: int = 0
    # More of the query string: ``&page=room&lang=ja`` asks for a page's regions frames too.
    query: str = ""
    frames: list[dict[str, Any]] = field(default_factory=list)
    close_code: int | None = None
    task: asyncio.Task[None] | None = None
    ws: Any = None
    replayed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def events(self) -> list[dict[str, Any]]:
        return [f for f in self.frames if "seq" in f and f.get("type") not in NOT_EVENTS]

    @property
    def regions(self) -> list[dict[str, Any]]:
        return [f for f in self.frames if f.get("type") == "regions"]

    @property
    def last_seq(self) -> int:
        return self.events[-1]["seq"] if self.events else self.since

    async def start(self) -> Recorder:
        url = self.base.replace("http", "ws", 1) + (
            f"/ws/exercises/{self.exercise_id}/?since={self.since}{self.query}"
        )
        self.ws = await websockets.connect(url, max_size=None)
        await self.ws.send(json.dumps({"type": "auth", "token": self.token}))
        self.task = asyncio.ensure_future(self._read())
        await asyncio.wait_for(self.replayed.wait(), 30)
        return self

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                frame = json.loads(raw)
                self.frames.append(frame)
                if frame.get("type") == "replay.done":
                    self.replayed.set()
        except websockets.ConnectionClosed:
            pass
        self.close_code = self.ws.close_code

    async def stop(self) -> None:
        await self.ws.close()
        if self.task is not None:
            await self.task

    async def wait_for(self, count: int, timeout: float = 15) -> None:
        """Until ``count`` events have arrived (or fail with what did)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.events) < count:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{len(self.events)} of {count} events arrived")
            await asyncio.sleep(0.05)


def stream(base: str, exercise_id: int, token: str) -> list[dict[str, Any]]:
    """The principal's whole view stream over REST, the reference a socket must match."""
    events: list[dict[str, Any]] = []
    since = 0
    while True:
        status, page = http(
            "GET",
            f"{base}/api/v1/exercises/{exercise_id}/events/?since={since}&limit=500",
            token=token,
        )
        assert status == 200, page
        if not page["results"]:
            return events
        events += page["results"]
        since = page["results"][-1]["seq"]
