"""The WebSocket handshake's Origin check (CONTRACT.md, cross-site WebSocket hijacking).

Channels' AllowedHostsOriginValidator refuses a handshake without Origin; scripts and bots send
none, so this validator lets them through, and the consumer ignores the cookies of a socket
without Origin (``cookies_count``): such a socket can only authenticate with a token in its first
frame.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import validate_host

Scope = dict[str, Any]


def origin_of(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"origin":
            return str(value.decode("latin-1"))
    return None


def cookies_count(scope: Scope) -> bool:
    """A browser always sends Origin; without one, cookies could be a stolen session's, so they
    authenticate nothing (OriginCheck has refused every foreign Origin already)."""
    return origin_of(scope) is not None


def origin_allowed(origin: str) -> bool:
    host = urlsplit(origin).hostname
    if not host:
        return False
    # urlsplit drops the brackets of an IPv6 literal; ALLOWED_HOSTS spells it with them.
    candidate = f"[{host}]" if ":" in host else host
    return validate_host(candidate, settings.ALLOWED_HOSTS)


class OriginCheck:
    """Refuse a foreign Origin with HTTP 403 (a missing one passes, without its cookies)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket":
            origin = origin_of(scope)
            if origin is not None and not origin_allowed(origin):
                await receive()  # the websocket.connect message
                await send({"type": "websocket.close", "code": 403})
                return None
        return await self.app(scope, receive, send)
