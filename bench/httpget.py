"""A small asyncio HTTP/1.1 client for simulated browsers: GETs over keep-alive connections, at
most six at once per browser (as a browser keeps per host). h11 parses; it comes with Uvicorn.

A browser reuses an idle connection; Uvicorn closes idle ones after a few seconds, so a request on
a connection the server has just closed is sent again once on a new one, as browsers do for GET.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from urllib.parse import SplitResult, urlsplit

import h11

MAX_CONNECTIONS = 6
READ_CHUNK = 65536


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes


class StaleConnectionError(ConnectionError):
    """The server closed a reused connection before it answered."""


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.h11 = h11.Connection(our_role=h11.CLIENT)
        self.used = False

    async def get(self, host: str, target: str, headers: list[tuple[str, str]]) -> Answer:
        request = h11.Request(method="GET", target=target, headers=[("Host", host), *headers])
        self.writer.write(self.h11.send(request) + self.h11.send(h11.EndOfMessage()))
        reused, self.used = self.used, True
        status, chunks = 0, []
        while True:
            event = self.h11.next_event()
            if event is h11.NEED_DATA:
                try:
                    data = await self.reader.read(READ_CHUNK)
                except ConnectionError:
                    data = b""  # reset by the server: the same as closed
                if not data and reused and status == 0:
                    raise StaleConnectionError
                self.h11.receive_data(data)
                continue
            if isinstance(event, h11.Response):
                status = event.status_code
            elif isinstance(event, h11.Data):
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                break
            elif isinstance(event, h11.ConnectionClosed):
                raise ConnectionError("closed mid-response")
        self.h11.start_next_cycle()
        return Answer(status, b"".join(chunks))

    @property
    def reusable(self) -> bool:
        return self.h11.our_state is h11.IDLE and self.h11.their_state is h11.IDLE

    def close(self) -> None:
        self.writer.close()


@dataclass(eq=False)
class Browser:
    """One browser's connections to one origin, and the headers it sends with every request."""

    base: str
    headers: list[tuple[str, str]]
    idle: list[_Connection] = field(default_factory=list)
    slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(MAX_CONNECTIONS))

    async def get(self, path: str, extra: list[tuple[str, str]] | None = None) -> Answer:
        parts = urlsplit(self.base)
        host = parts.netloc
        headers = [*self.headers, *(extra or [])]
        async with self.slots:
            for attempt in range(2):
                # A retry goes on a new connection: the other idle ones are as old as this one.
                conn = self.idle.pop() if self.idle and attempt == 0 else await self._open(parts)
                try:
                    answer = await conn.get(host, path, headers)
                except StaleConnectionError:
                    conn.close()
                    continue
                except BaseException:
                    conn.close()
                    raise
                if conn.reusable:
                    self.idle.append(conn)
                else:
                    conn.close()
                return answer
        raise ConnectionError(f"GET {path}: closed on a reused and on a new connection")

    @staticmethod
    async def _open(parts: SplitResult) -> _Connection:
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        return _Connection(reader, writer)

    def close(self) -> None:
        for conn in self.idle:
            conn.close()
        self.idle.clear()
