"""A body over the 256 KiB cap is refused while it arrives: the application takes no more of a
chunked body than the cap and one chunk, and a declared one is refused before any is read."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from django.conf import settings

from wargame.asgi import application

CHUNK = 64 * 1024
OFFERED = 8 * 1024 * 1024  # far past the cap: an unguarded server reads all of it


async def _post(path: str, headers: list[tuple[bytes, bytes]]) -> tuple[int, Any, int]:
    """POST ``OFFERED`` bytes in chunks through the ASGI application; returns the status, the
    parsed answer and how many body bytes the application took."""
    taken = 0
    answer: dict[str, Any] = {"body": b""}

    async def receive() -> dict[str, Any]:
        nonlocal taken
        if taken >= OFFERED:
            await asyncio.sleep(3600)  # a client that has sent everything and waits
        taken += CHUNK
        return {"type": "http.request", "body": b"{" * CHUNK, "more_body": taken < OFFERED}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"localhost"), (b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    await asyncio.wait_for(application(scope, receive, send), 30)
    return answer["status"], json.loads(answer["body"]), taken


@pytest.mark.django_db(transaction=True)
def test_a_chunked_body_over_the_cap_is_refused_after_reading_no_more_than_the_cap() -> None:
    status, body, taken = asyncio.run(_post("/api/v1/join/", [(b"transfer-encoding", b"chunked")]))
    assert status == 413
    assert body["error"]["code"] == "payload_too_large"
    assert taken <= settings.MAX_REQUEST_BODY_BYTES + CHUNK, taken


def test_a_declared_length_over_the_cap_is_refused_before_any_body_is_read() -> None:
    declared = [(b"content-length", str(OFFERED).encode())]
    status, body, taken = asyncio.run(_post("/api/v1/join/", declared))
    assert (status, body["error"]["code"], taken) == (413, "payload_too_large", 0)
