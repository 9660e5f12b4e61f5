"""The WebSocket handshake's Origin check (CONTRACT.md, cross-site WebSocket hijacking).

Channels' AllowedHostsOriginValidator refuses a handshake without Origin; scripts and bots send
none, so this validator lets them through but marks the scope so that cookies are ignored: such a
socket can only authenticate with a token in its first frame.
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


def origin_allowed(origin: str) -> bool:
    host = urlsplit(origin).hostname
    if not host:
        return False
    # urlsplit drops the brackets of an IPv6 literal; ALLOWED_HOSTS spells it with them.
    candidate = f"[{host}]" if ":" in host else host
    return validate_host(candidate, settings.ALLOWED_HOSTS)


class OriginCheck:
    """Refuse a foreign Origin with HTTP 403; mark a missing one as cookie-less."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket":
            origin = origin_of(scope)
            if origin is None:
                scope = {**scope, "wargame_cookies_ignored": True}
            elif not origin_allowed(origin):
                await receive()  # the websocket.connect message
                await send({"type": "websocket.close", "code": 403})
                return None
        return await self.app(scope, receive, send)
