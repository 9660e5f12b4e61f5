"""The WebSocket handshake's Origin check (docs/interface.md#connecting: cross-site WebSocket
hijacking).

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


Endpoint = tuple[str, str, int]
DEFAULT_PORTS = {"http": 80, "https": 443}


def _endpoint(scheme: str, netloc: str) -> Endpoint | None:
    """(scheme, host, port) with the scheme's default port filled in; None if unreadable."""
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if not parts.hostname or port is None:
        return None
    return parts.scheme, parts.hostname.lower(), port


def _own_endpoint(scope: Scope) -> Endpoint | None:
    """The server as the client addressed it: the handshake's scheme and Host header."""
    scheme = "https" if scope.get("scheme") == "wss" else "http"
    for name, value in scope.get("headers", []):
        if name == b"host":
            return _endpoint(scheme, value.decode("latin-1"))
    return None


def origin_allowed(origin: str, scope: Scope) -> bool:
    """The page's origin must be this server's own (same scheme, host and port, the host in
    ALLOWED_HOSTS), or one of CSRF_TRUSTED_ORIGINS, as Django's CSRF check has it for forms."""
    parts = urlsplit(origin)
    claimed = _endpoint(parts.scheme, parts.netloc) if parts.scheme in DEFAULT_PORTS else None
    if claimed is None:
        return False
    trusted = (urlsplit(t) for t in settings.CSRF_TRUSTED_ORIGINS)
    if claimed in {_endpoint(t.scheme, t.netloc) for t in trusted}:
        return True
    host = claimed[1]
    # urlsplit drops the brackets of an IPv6 literal; ALLOWED_HOSTS spells it with them.
    candidate = f"[{host}]" if ":" in host else host
    return claimed == _own_endpoint(scope) and validate_host(candidate, settings.ALLOWED_HOSTS)


class OriginCheck:
    """Refuse a foreign Origin with HTTP 403 (a missing one passes, without its cookies)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket":
            origin = origin_of(scope)
            if origin is not None and not origin_allowed(origin, scope):
                await receive()  # the websocket.connect message
                await send({"type": "websocket.close", "code": 403})
                return None
        return await self.app(scope, receive, send)
