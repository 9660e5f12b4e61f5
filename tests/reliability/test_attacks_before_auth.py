"""Attacks that cost the server memory before anyone has authenticated: oversized WebSocket
messages and oversized chunked bodies, against a real Uvicorn started from the harness's command
line, with the server's resident memory read from /proc before and after. One table row each."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING

import pytest
import websockets

from tests.realtime.harness import asgi_server
from tests.reliability.attackers import MB, healthz, post_raw, rss_bytes
from wargame.realtime.serving import MAX_FRAME_BYTES

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.reliability.conftest import Row
    from tests.services import PostgresServer

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]
RSS_GROWTH_BOUND = 50 * MB
SOCKETS, FRAME_BYTES = 10, 15 * MB
BODY_BYTES, BODY_CHUNK = 512 * MB, 64 * 1024


async def _send_big_frame(url: str) -> int | None:
    async with websockets.connect(url, max_size=None, close_timeout=2) as ws:
        with contextlib.suppress(websockets.ConnectionClosed):
            await ws.send(b"\x00" * FRAME_BYTES, text=True)
            async with asyncio.timeout(15):
                await ws.recv()
        return ws.close_code


async def _all_at_once(url: str) -> list[int | None]:
    return list(await asyncio.gather(*(_send_big_frame(url) for _ in range(SOCKETS))))


def test_unauthenticated_oversized_frames_are_refused_without_buffering_them(
    postgres_server: PostgresServer, table_row: Row
) -> None:
    table_row.fault = f"{SOCKETS} unauthenticated sockets x {FRAME_BYTES // MB} MB frame"
    with asgi_server(postgres_server, None) as server:
        url = server.base.replace("http", "ws", 1) + "/ws/exercises/1/?since=0"
        healthz(server.base)  # imports done before the baseline
        before = rss_bytes(server.pid)
        started = time.monotonic()
        codes = asyncio.run(_all_at_once(url))
        took = time.monotonic() - started
        growth = rss_bytes(server.pid) - before
        health = healthz(server.base)
    table_row.server_errors = 0
    table_row.checked = (
        f"closes {sorted(set(codes), key=str)} in {took:.1f} s (cap {MAX_FRAME_BYTES} B); "
        f"RSS +{growth / MB:.1f} MB; healthz {health}"
    )
    print(f"\n{table_row.checked}")
    assert codes == [1009] * SOCKETS
    assert growth < RSS_GROWTH_BOUND
    assert health == 200


def _chunks() -> Iterator[bytes]:
    chunk = b"{" * BODY_CHUNK
    for _ in range(BODY_BYTES // BODY_CHUNK):
        yield chunk


def test_an_oversized_chunked_post_is_refused_while_it_arrives(
    postgres_server: PostgresServer, table_row: Row
) -> None:
    table_row.fault = f"{BODY_BYTES // MB} MB chunked POST to /api/v1/join/, unauthenticated"
    headers = {"Content-Type": "application/json"}
    with asgi_server(postgres_server, None) as server:
        healthz(server.base)
        before = rss_bytes(server.pid)
        status, answer, took = post_raw(server.base, "/api/v1/join/", headers, _chunks())
        growth = rss_bytes(server.pid) - before
        health = healthz(server.base)
    code = answer.get("error", {}).get("code") if isinstance(answer, dict) else answer
    table_row.server_errors = int(status >= 500)
    table_row.checked = (
        f"{status} {code} in {took:.2f} s; RSS +{growth / MB:.1f} MB; healthz {health}"
    )
    print(f"\n{table_row.checked}")
    assert (status, code) == (413, "payload_too_large")
    assert took < 5, "the body was read rather than refused"
    assert growth < RSS_GROWTH_BOUND
    assert health == 200
