"""The 64 KiB frame cap is the ASGI server's own limit, in every command line the project ships,
so an unauthenticated client cannot make the server buffer a large message before the consumer
refuses it (docs/reliability.md, S8; the consumer's own 4413 check stays behind it)."""

from __future__ import annotations

import asyncio
import itertools
import re
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import websockets

from tests.realtime.harness import asgi_server
from tests.services import uvicorn_argv
from wargame.exercises.management.commands.demo import demo_server_argv
from wargame.realtime.serving import MAX_FRAME_BYTES

if TYPE_CHECKING:
    from tests.services import PostgresServer

ROOT = Path(__file__).resolve().parents[2]
CAP = ("--ws-max-size", str(MAX_FRAME_BYTES))


def _shipped_command_lines() -> dict[str, list[str]]:
    """Every Uvicorn command line in the repository: files a deployer copies, the demo's, the
    test harness's (the benchmarks and the reliability runs use the harness's)."""
    found: dict[str, list[str]] = {
        "make demo": demo_server_argv("127.0.0.1", 8000),
        "test harness": uvicorn_argv(8000),
    }
    for name in ("Procfile", "compose.yaml", "README.md", "Dockerfile", "docs/operations.md"):
        text = (ROOT / name).read_text().replace("\\\n", " ")
        if name == "Dockerfile":
            text = re.sub(r'[\[\]",]', " ", text)
        for number, line in enumerate(text.splitlines(), 1):
            if re.search(r"\buvicorn\s+wargame\.asgi", line):
                found[f"{name}:{number}"] = shlex.split(line.split("#")[0], posix=True)
    return found


def _pairs(argv: list[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(argv))


def test_every_shipped_uvicorn_command_line_caps_websocket_messages_at_the_frame_cap() -> None:
    lines = _shipped_command_lines()
    for shipped in ("Procfile", "Dockerfile", "compose.yaml", "README.md"):
        assert any(name.startswith(shipped) for name in lines), shipped
    missing = {name: argv for name, argv in lines.items() if CAP not in _pairs(argv)}
    assert not missing, missing


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_server_refuses_an_oversized_frame_before_authentication_with_1009(
    postgres_server: PostgresServer,
) -> None:
    async def send_oversized(url: str) -> int | None:
        async with websockets.connect(url, max_size=None) as ws:
            try:
                await ws.send("a" * (MAX_FRAME_BYTES + 1))
                async with asyncio.timeout(10):
                    await ws.recv()
            except websockets.ConnectionClosed:
                pass
            return ws.close_code

    with asgi_server(postgres_server, None) as server:
        url = server.base.replace("http", "ws", 1) + "/ws/exercises/1/?since=0"
        # 1009 comes from Uvicorn (the message was never handed over); the consumer says 4413.
        assert asyncio.run(send_oversized(url)) == 1009
