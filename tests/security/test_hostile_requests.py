"""No route answers a 500 to an id past 64 bits or a JSON body nested 1,000 deep, on PostgreSQL
and on `make demo`'s embedded default (SQLite, in a process of its own)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import TYPE_CHECKING

import pytest
import websockets

from tests.cast import facilitator_token
from tests.realtime.harness import asgi_server
from tests.security.embedded_fuzz import embedded_run
from tests.security.hostile_requests import BIG_IDS, probe_everything, routes

if TYPE_CHECKING:
    from pathlib import Path

    from tests.services import PostgresServer

pytestmark = [pytest.mark.slow]


@pytest.mark.django_db
def test_every_route_and_json_endpoint_refuses_hostile_ids_and_nesting_without_a_500() -> None:
    probe = probe_everything()
    print(f"\n{len(routes())} routes, {probe.requests} requests, {len(probe.failures)} 5xx")
    assert probe.requests > 500
    assert not probe.failures, "\n".join(probe.failures)


@pytest.mark.timeout(300)
def test_the_same_on_the_embedded_default(tmp_path: Path) -> None:
    (probe,) = embedded_run(["probe"], tmp_path, timeout=240)
    print(f"\nembedded default: {probe['requests']} requests, {len(probe['failures'])} 5xx")
    assert probe["requests"] > 500
    assert not probe["failures"], "\n".join(probe["failures"])


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_socket_with_an_id_or_since_past_64_bits_gets_a_close_code(
    postgres_server: PostgresServer,
) -> None:
    token = facilitator_token("control")

    async def close_code(url: str) -> int | None:
        async with websockets.connect(url) as ws:
            with contextlib.suppress(websockets.ConnectionClosed):
                await ws.send(json.dumps({"type": "auth", "token": token}))
                async with asyncio.timeout(10):
                    await ws.recv()
            return ws.close_code

    big = BIG_IDS[0]
    with asgi_server(postgres_server, None) as server:
        base = server.base.replace("http", "ws", 1)
        assert asyncio.run(close_code(f"{base}/ws/exercises/{big}/?since=0")) == 4404
        assert asyncio.run(close_code(f"{base}/ws/exercises/1/?since={big}")) == 4400
