"""``/ws/exercises/{id}/?since={seq}``: authenticate, replay, then live events
(docs/interface.md#websocket).

A page's socket adds ``&page=room`` (``console``, ``screen``) and ``&lang=ja``: it then also
gets its page's regions, rendered for its view and language, in ``regions`` frames. A page that
is not the principal's (a room for an observer) is refused with 4403; a socket without ``page``
(an API client) gets events only, as before.

The consumer only carries messages: it authenticates, hands the socket to the process hub and
answers ``ping``. It writes nothing to the game.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from importlib import import_module
from typing import Any
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user
from django.db import close_old_connections
from django.http import HttpRequest, parse_cookie
from rest_framework.authtoken.models import Token

from wargame.api.input_limits import MAX_DB_INT, fits_db_int
from wargame.exercises.errors import NotFound
from wargame.exercises.models import Exercise
from wargame.exercises.principals import (
    PARTICIPANT_COOKIE,
    Principal,
    participant_for_token,
    principal_for,
)
from wargame.languages import LANGUAGES, language_or_fallback
from wargame.realtime.hub import HUB
from wargame.realtime.origin import cookies_count
from wargame.realtime.outbox import Socket
from wargame.realtime.serving import MAX_FRAME_BYTES
from wargame.web.regions.table import PAGES, page_view

logger = logging.getLogger(__name__)

AUTH_TIMEOUT_SECONDS = 5
FLOOD_FRAMES, FLOOD_SECONDS = 30, 10.0


class Refused(Exception):  # noqa: N818 - carries the close code, it is not an error of ours
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _principal_from_token(exercise_id: int, token: str) -> Principal:
    try:
        if "\x00" in token:
            raise Refused(4401)  # PostgreSQL text cannot hold NUL: no such token
        participant = participant_for_token(token)
        if participant is not None:
            if participant.exercise_id != exercise_id:
                raise Refused(4404)  # a valid token for another exercise: 4404, never 4403
            return principal_for(exercise_id=exercise_id, participant=participant)
        user = Token.objects.select_related("user").filter(key=token).first()
        if user is None or not user.user.is_active:
            raise Refused(4401)
        return principal_for(exercise_id=exercise_id, user=user.user)
    except NotFound as exc:
        raise Refused(4404) from exc
    finally:
        close_old_connections()


def _principal_from_cookies(exercise_id: int, cookies: dict[str, str]) -> Principal | None:
    try:
        token = cookies.get(PARTICIPANT_COOKIE)
        if token:
            return _principal_from_token(exercise_id, token)
        session_key = cookies.get(settings.SESSION_COOKIE_NAME)
        if not session_key:
            return None
        request = HttpRequest()
        request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
        user = get_user(request)  # checks the session's auth hash, as a page request would
        if not user.is_authenticated:
            return None
        return principal_for(exercise_id=exercise_id, user=user)
    except NotFound as exc:
        raise Refused(4404) from exc
    finally:
        close_old_connections()


def _exercise_exists(exercise_id: int) -> bool:
    try:
        return Exercise.objects.filter(pk=exercise_id).exists()
    finally:
        close_old_connections()


class ExerciseConsumer(AsyncWebsocketConsumer):
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Channels' consumer loop without its per-message task and wait set. No socket has a
        channel of its own on the layer (the process hub receives one doorbell per event), so
        the ASGI receive is all there is to wait for, and an idle connection costs less
        (docs/benchmarks.md#goal-replay)."""
        self.scope = scope
        self.channel_layer = None
        self.base_send = send
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass

    async def connect(self) -> None:
        self.exercise_id = int(self.scope["url_route"]["kwargs"]["exercise_id"])
        self.socket: Socket | None = None
        # A token bucket (two numbers, not a list of times): FLOOD_FRAMES at once, then
        # FLOOD_FRAMES per FLOOD_SECONDS.
        self.allowance, self.allowance_at = float(FLOOD_FRAMES), time.monotonic()
        # A timer, not a task: most sockets authenticate at once, and a task each costs memory.
        self.auth_timer: asyncio.TimerHandle | None = None
        self.expiring: asyncio.Task[None] | None = None
        await self.accept()
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        raw = query.get("since", ["0"])[-1]
        if not (raw.isascii() and raw.isdigit() and fits_db_int(raw)):
            await self.close(4400)
            return
        pages, langs = query.get("page", []), query.get("lang", [])
        self.page: str | None = pages[-1] if pages else None
        if self.page is not None and self.page not in PAGES:
            await self.close(4400)
            return
        if langs and langs[-1] not in LANGUAGES:
            await self.close(4400)
            return
        self.lang = langs[-1] if langs else language_or_fallback(self._header(b"accept-language"))
        if self.exercise_id > MAX_DB_INT:
            await self.close(4404)  # no row has such an id (SQLite cannot even compare it)
            return
        self.since = int(raw)
        if cookies_count(self.scope):
            cookies = parse_cookie(self._header(b"cookie"))
            try:
                principal = await sync_to_async(_principal_from_cookies, thread_sensitive=False)(
                    self.exercise_id, cookies
                )
            except Refused as refused:
                await self.close(refused.code)
                return
            if principal is not None:
                await self._start(principal)
                return
        self.auth_timer = asyncio.get_running_loop().call_later(
            AUTH_TIMEOUT_SECONDS, self._auth_expired
        )

    def _header(self, name: bytes) -> str:
        for key, value in self.scope.get("headers", []):
            if key == name:
                return str(value.decode("latin-1"))
        return ""

    def _auth_expired(self) -> None:
        if self.socket is None:
            self.expiring = asyncio.ensure_future(self.close(4401))

    async def _start(self, principal: Principal, token: str | None = None) -> None:
        if self.auth_timer is not None:
            self.auth_timer.cancel()
        view = principal.view
        if self.page is not None:
            # The page's view: its own, or the observers' on a facilitator's projector screen.
            shown = page_view(self.page, principal.view)
            if shown is None:
                await self.close(4403)
                return
            view = shown
        participant = principal.participant
        self.socket = Socket(
            view=view,
            participant_id=participant.pk if participant is not None else None,
            participant_number=participant.number if participant is not None else None,
            send_text=self._send_text,
            close=self.close,
            user_id=principal.user.pk if principal.user is not None else None,
            token=token if principal.user is not None else None,
            page=self.page,
            lang=self.lang,
        )
        await HUB.attach(self.exercise_id, self.socket, self.since)

    async def _send_text(self, text: str) -> None:
        await self.base_send({"type": "websocket.send", "text": text})

    async def _send_json(self, body: dict[str, Any]) -> None:
        await self._send_text(json.dumps(body, separators=(",", ":")))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None:
            await self.close(1003)
            return
        if len(text_data.encode("utf-8")) > MAX_FRAME_BYTES:
            await self.close(4413)
            return
        try:
            frame = json.loads(text_data)
        except (ValueError, RecursionError):
            frame = None
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self.close(4400)
            return
        kind = frame["type"]
        if kind == "auth":
            await self._receive_auth(frame)
            return
        if self.socket is None:
            await self.close(4401)
            return
        if self._flooding():
            await self.close(4429)
            return
        if kind == "ping":
            await self._send_json({"type": "pong"})
        else:
            await self._send_json(
                {
                    "type": "error",
                    "code": "unknown_type",
                    "message": f"Unknown frame type {kind!r}.",
                }
            )

    def _flooding(self) -> bool:
        now = time.monotonic()
        refill = (now - self.allowance_at) * FLOOD_FRAMES / FLOOD_SECONDS
        self.allowance = min(float(FLOOD_FRAMES), self.allowance + refill) - 1
        self.allowance_at = now
        return self.allowance < 0

    async def _receive_auth(self, frame: dict[str, Any]) -> None:
        if self.socket is not None:
            await self._send_json(
                {
                    "type": "error",
                    "code": "already_authenticated",
                    "message": "This socket is already authenticated.",
                }
            )
            return
        token = frame.get("token")
        if not isinstance(token, str) or not token:
            await self.close(4401)
            return
        try:
            principal = await sync_to_async(_principal_from_token, thread_sensitive=False)(
                self.exercise_id, token
            )
        except Refused as refused:
            await self.close(refused.code)
            return
        await self._start(principal, token)

    async def disconnect(self, code: int) -> None:
        if self.auth_timer is not None:
            self.auth_timer.cancel()
        if self.socket is not None:
            await HUB.detach(self.exercise_id, self.socket)
            self.socket = None
