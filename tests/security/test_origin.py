"""The WebSocket handshake's Origin must be the server's own origin: the same scheme, host and
port as the request, the host allowed (or an origin listed in CSRF_TRUSTED_ORIGINS)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from wargame.realtime.origin import OriginCheck

HOST = "127.0.0.1:8000"


def _handshake(origin: str, *, host: str = HOST, scheme: str = "ws") -> str:
    """'refused' (403) or 'passed' (handed to the application) for a handshake."""
    sent: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        sent.append({"type": "passed"})

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "websocket",
        "scheme": scheme,
        "path": "/ws/exercises/1/",
        "headers": [(b"host", host.encode()), (b"origin", origin.encode())],
    }
    asyncio.run(OriginCheck(app)(scope, receive, send))
    return "passed" if sent == [{"type": "passed"}] else "refused"


@pytest.mark.parametrize(
    ("origin", "host", "scheme", "expected"),
    [
        ("http://127.0.0.1:8000", HOST, "ws", "passed"),
        ("http://localhost:8000", "localhost:8000", "ws", "passed"),
        ("https://localhost", "localhost", "wss", "passed"),
        ("https://localhost:443", "localhost", "wss", "passed"),
        ("http://localhost:8080", "localhost:8000", "ws", "refused"),  # another port
        ("http://127.0.0.1:8080", HOST, "ws", "refused"),
        ("https://127.0.0.1:8000", HOST, "ws", "refused"),  # another scheme
        ("http://localhost", "localhost", "wss", "refused"),
        ("http://localhost:8000", HOST, "ws", "refused"),  # another allowed host
        ("http://evil.example:8000", "evil.example:8000", "ws", "refused"),  # host not allowed
        ("null", HOST, "ws", "refused"),
        ("http://127.0.0.1:99999", HOST, "ws", "refused"),
    ],
)
def test_the_origin_must_match_the_servers_scheme_host_and_port(
    origin: str, host: str, scheme: str, expected: str
) -> None:
    assert _handshake(origin, host=host, scheme=scheme) == expected


def test_a_trusted_origin_passes_whatever_the_host_header(settings: Any) -> None:
    settings.CSRF_TRUSTED_ORIGINS = ["https://wargame.example.org"]
    assert _handshake("https://wargame.example.org", host="10.0.0.5:8001") == "passed"
    assert _handshake("https://wargame.example.org:8443", host="10.0.0.5:8001") == "refused"
