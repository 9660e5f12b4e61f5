"""Hostile clients and the measurements taken around them: the server's resident memory, its
health probe, plain HTTP with chosen headers, sockets that stamp each event's arrival, and a
flooding socket that reconnects each time it is cut off."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import math
import multiprocessing
import os
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import websockets

from tests.realtime.harness import Recorder

if TYPE_CHECKING:
    from collections.abc import Iterator

MB = 1024 * 1024
# Every attack's bound on the server's resident memory (docs/reliability.md#s8, #s10): < 50 MB.
RSS_GROWTH_BOUND = 50 * MB


def rss_bytes(pid: int) -> int:
    """Resident memory of a process, from the kernel's own accounting."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for process {pid}")


def call(
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 30,
) -> tuple[int, dict[str, str], Any]:
    """One request: status, lower-cased headers and the body (JSON when it parses)."""
    request = urllib.request.Request(url, data=body, method=method)  # noqa: S310 - loopback
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            status, head, raw = answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        status, head, raw = error.code, error.headers, error.read()
    try:
        parsed: Any = json.loads(raw or b"null")
    except ValueError:
        parsed = raw.decode(errors="replace")
    return status, {str(k).lower(): str(v) for k, v in head.items()}, parsed


def call_json(
    method: str, url: str, token: str, payload: Any, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], Any]:
    return call(
        method,
        url,
        headers={"Authorization": token, "Content-Type": "application/json", **(headers or {})},
        body=json.dumps(payload).encode(),
    )


def healthz(base: str) -> int:
    return call("GET", f"{base}/healthz")[0]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` 0.95 for p95)."""
    assert values, "no samples"
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _stamp(at: str) -> float:
    return datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp()


@dataclass
class TimedRecorder(Recorder):
    """A recorder that also notes when each event arrived (wall clock, as the server's ``at``)."""

    arrived: dict[int, float] = field(default_factory=dict)

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                now = time.time()
                frame = json.loads(raw)
                self.frames.append(frame)
                if "seq" in frame and frame.get("type") != "replay.done":
                    self.arrived[int(frame["seq"])] = now
                if frame.get("type") == "replay.done":
                    self.replayed.set()
        except websockets.ConnectionClosed:
            pass
        self.close_code = self.ws.close_code

    def delays(self, bodies: set[str]) -> list[float]:
        """Seconds from each listed message's write (its ``at``, taken in the writing
        transaction, a hair before the commit) to its arrival here."""
        return [
            self.arrived[int(event["seq"])] - _stamp(event["at"])
            for event in self.events
            if event["type"] == "message.posted" and event["payload"].get("body") in bodies
        ]


@dataclass
class FloodReport:
    connections: int = 0
    frames_sent: int = 0
    close_codes: list[int | None] = field(default_factory=list)
    pongs: int = 0


async def _flood_once(url: str, auth: str, pace: _Pace, until: float) -> FloodReport:
    report = FloodReport(connections=1)
    ping = json.dumps({"type": "ping"})
    loop = asyncio.get_running_loop()
    async with websockets.connect(url, max_size=None) as ws:

        async def read() -> None:
            with contextlib.suppress(websockets.ConnectionClosed):
                async for raw in ws:
                    report.pongs += json.loads(raw).get("type") == "pong"

        reader = asyncio.ensure_future(read())
        try:
            await ws.send(auth)
            while loop.time() < until:
                for _ in range(pace.due(loop.time())):
                    await ws.send(ping)
                    report.frames_sent += 1
                    pace.sent += 1
                await asyncio.sleep(0.005)
        except websockets.ConnectionClosed:
            pass
        # Until the server's close arrives, or the attack's time is up with the socket still open.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(reader), max(0.1, until - loop.time()))
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
        report.close_codes.append(ws.close_code)
    return report


@dataclass
class _Pace:
    """Frames owed at a steady rate since the attack began; time lost reconnecting is made up
    in a burst, so the attacker's rate holds across its connections."""

    began: float
    per_second: int
    sent: int = 0

    def due(self, now: float) -> int:
        return max(0, int((now - self.began) * self.per_second) - self.sent)


async def flood(url: str, auth: str, *, seconds: float, per_second: int = 1000) -> FloodReport:
    """Ping at ``per_second`` after authenticating; when cut off, reconnect and go on, for
    ``seconds`` in all. ``url`` carries the ``since`` to resume from."""
    loop = asyncio.get_running_loop()
    pace = _Pace(began=loop.time(), per_second=per_second)
    until = pace.began + seconds
    total = FloodReport()
    while loop.time() < until:
        one = await _flood_once(url, auth, pace, until)
        total.connections += one.connections
        total.frames_sent += one.frames_sent
        total.close_codes += one.close_codes
        total.pongs += one.pongs
    return total


def _flood_in_process(
    url: str, auth: str, seconds: float, started: Any, results: multiprocessing.Queue[FloodReport]
) -> None:
    # On a shared two-core machine the attacker's own CPU would otherwise slow the server; a
    # real flooder sits on another host. Its rate is still checked against the goal.
    os.nice(19)
    started.set()
    results.put(asyncio.run(flood(url, auth, seconds=seconds)))


class FloodFromAnotherProcess:
    """The flooder in a process of its own. Run in a thread of the test's process, its Python
    work held the GIL the bystanders' recorders need to stamp arrivals, so their measured
    delays grew with the attacker's own cost rather than the server's."""

    def __init__(self, url: str, auth: str, *, seconds: float) -> None:
        context = multiprocessing.get_context("spawn")
        self.seconds = seconds
        self.started = context.Event()
        self.results: multiprocessing.Queue[FloodReport] = context.Queue()
        self.process = context.Process(
            target=_flood_in_process,
            args=(url, auth, seconds, self.started, self.results),
            daemon=True,
        )

    async def start(self) -> None:
        self.process.start()
        if not await asyncio.to_thread(self.started.wait, 60):
            raise AssertionError("the flooding process did not start")

    async def report(self) -> FloodReport:
        try:
            return await asyncio.to_thread(self.results.get, True, self.seconds + 60)
        finally:
            await asyncio.to_thread(self.process.join, 10)
            if self.process.is_alive():
                self.process.kill()


@dataclass
class StallingRecorder(TimedRecorder):
    """A recorder whose client can stop reading from its TCP socket, as a frozen tab or a
    congested link does; its receive buffer is small so the server notices soon."""

    async def start(self) -> StallingRecorder:
        host, port = self.base.removeprefix("http://").split(":")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect((host, int(port)))
        sock.setblocking(False)
        url = self.base.replace("http", "ws", 1) + (
            f"/ws/exercises/{self.exercise_id}/?since={self.since}"
        )
        self.ws = await websockets.connect(url, sock=sock, max_size=None)
        await self.ws.send(json.dumps({"type": "auth", "token": self.token}))
        self.task = asyncio.ensure_future(self._read())
        await asyncio.wait_for(self.replayed.wait(), 30)
        return self

    def stall(self) -> None:
        self.ws.transport.pause_reading()

    def resume(self) -> None:
        self.ws.transport.resume_reading()


def post_raw(
    base: str, path: str, headers: dict[str, str], body: bytes | Iterator[bytes]
) -> tuple[int, Any, float]:
    """POST a body as given (an iterator goes out chunked, with no declared length); returns
    the status, the parsed answer and the seconds it took."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    started = time.monotonic()
    try:
        # The server may answer and close before the client has sent everything.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.request(
                "POST", path, body=body, headers=headers, encode_chunked=not isinstance(body, bytes)
            )
        answer = connection.getresponse()
        raw = answer.read()
        took = time.monotonic() - started
        try:
            parsed: Any = json.loads(raw or b"null")
        except ValueError:
            parsed = raw.decode(errors="replace")
        return answer.status, parsed, took
    finally:
        connection.close()
