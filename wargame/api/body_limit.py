"""Refuses an HTTP body over the cap while it arrives, chunked or declared
(docs/interface.md#rest-conventions: 256 KiB).

Django's ASGI handler reads the whole body into a temporary file before any middleware runs, so
a Django middleware can only refuse a chunked body after it has been received: a 537 MB
unauthenticated POST was read whole before its 413. This wraps the Django application and counts
the bytes as the server hands them over; past the cap the application is told the client went
away (it then answers nothing) and the client gets the 413 from here. The server reads no more
of the body than its flow-control buffer holds.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.conf import settings

from wargame.api.errors import error_body

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, MutableMapping

    Scope = MutableMapping[str, Any]
    Message = MutableMapping[str, Any]
    Receive = Callable[[], Awaitable[Message]]
    Send = Callable[[Message], Awaitable[None]]
    ASGIApp = Callable[..., Awaitable[None]]


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


async def _refuse(send: Send, size: int | None, limit: int) -> None:
    message = (
        f"The request body is {size} bytes; the limit is {limit} bytes."
        if size is not None
        else f"The request body is over the limit of {limit} bytes."
    )
    body = json.dumps(error_body("payload_too_large", message)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodySizeLimit:
    """ASGI middleware: a body over ``MAX_REQUEST_BODY_BYTES`` gets 413 before the cap is passed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit: int = settings.MAX_REQUEST_BODY_BYTES
        declared = _declared_length(scope)
        if declared > limit:
            await _refuse(send, declared, limit)
            return
        received = 0
        over = False
        started = False

        async def counted_receive() -> Message:
            nonlocal received, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counted_receive, watched_send)
        if over and not started:
            await _refuse(send, None, limit)
