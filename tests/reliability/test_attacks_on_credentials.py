"""Attacks on how a client proves who it is, on the production topology (docs/reliability.md#goals:
S4 and S6): cross-site WebSocket hijacking with the victim's cookie, and concurrent join-code
guessing, against a real Uvicorn process on the private PostgreSQL and Redis. Every test fills one
table row."""

from __future__ import annotations

import asyncio
import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pytest
import websockets
from django.conf import settings

from tests.realtime.test_live_streams import live_game
from tests.reliability.attackers import call, healthz
from tests.reliability.game_traffic import auth_frame, ws_url

if TYPE_CHECKING:
    from tests.realtime.harness import Server
    from tests.reliability.conftest import Row

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]


FOREIGN_ORIGINS = (
    "https://evil.example",
    "null",
    "http://127.0.0.1.evil.example",
    "https://localhost.evil.example:443",
)


async def _refused_status(url: str, origin: str, cookie: str) -> int | None:
    """The HTTP status of a handshake the server refuses; None if it accepted."""
    try:
        ws = await websockets.connect(
            url,
            origin=origin,  # type: ignore[arg-type]
            additional_headers={"Cookie": cookie},
            open_timeout=10,
        )
    except websockets.InvalidStatus as refused:
        return int(refused.response.status_code)
    await ws.close()
    return None


async def _first_frame(url: str, *, origin: str | None, cookie: str, send: list[str]) -> Any:
    """What the server does with a socket that sends ``send`` after the handshake: the first
    frame it sends back, or the close code."""
    async with websockets.connect(
        url,
        origin=origin,  # type: ignore[arg-type]
        additional_headers={"Cookie": cookie},
        max_size=None,
    ) as ws:
        for frame in send:
            await ws.send(frame)
        try:
            return json.loads(await asyncio.wait_for(ws.recv(), 10))
        except websockets.ConnectionClosed:
            return ws.close_code


ATTEMPTS = 20


def _outcome(first: Any) -> str:
    """ "events" when the socket was authenticated (its view's stream began), else the close."""
    if isinstance(first, dict) and "seq" in first:
        return "events"
    return f"close {first}" if isinstance(first, int) else repr(first)


def test_a_foreign_origin_is_refused_and_a_cookie_alone_never_authenticates(
    server: Server, table_row: Row
) -> None:
    from wargame.exercises.principals import PARTICIPANT_COOKIE

    table_row.fault = "S4 cross-site WebSocket hijacking"
    game = live_game(server.base)
    url = ws_url(server.base, game.exercise_id)
    cookie = f"{PARTICIPANT_COOKIE}={game.token('US')}"
    port = server.base.rsplit(":", 1)[1]

    async def scenario() -> None:
        refusals = [
            await _refused_status(url, FOREIGN_ORIGINS[i % len(FOREIGN_ORIGINS)], cookie)
            for i in range(ATTEMPTS)
        ]
        ping = json.dumps({"type": "ping"})
        cookie_only = await _first_frame(url, origin=None, cookie=cookie, send=[ping])
        token_first = await _first_frame(url, origin=None, cookie="", send=[auth_frame(game, "US")])
        allowed = f"http://127.0.0.1:{port}"
        allowed_cookie = await _first_frame(url, origin=allowed, cookie=cookie, send=[])
        health = await asyncio.to_thread(healthz, server.base)
        refused = refusals.count(403)
        table_row.server_errors = sum(1 for s in refusals if s is not None and s >= 500)
        table_row.checked = (
            f"{refused}/{ATTEMPTS} foreign Origins (with the victim's cookie) 403; no Origin: "
            f"cookie alone -> {_outcome(cookie_only)}, first-frame token -> "
            f"{_outcome(token_first)}; allowed Origin + cookie -> {_outcome(allowed_cookie)}; "
            f"healthz {health}"
        )
        print(f"\n{table_row.checked}")
        assert refusals == [403] * ATTEMPTS, refusals
        assert cookie_only == 4401, "a cookie on a socket without Origin authenticated it"
        assert _outcome(token_first) == "events", token_first
        assert _outcome(allowed_cookie) == "events", allowed_cookie
        assert health == 200

    asyncio.run(scenario())


GUESSES = 200


def _join(
    base: str, code: str, forwarded_for: str | None = None
) -> tuple[int, dict[str, str], Any]:
    headers = {"Content-Type": "application/json"}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    body = json.dumps({"code": code, "display_name": "guesser"}).encode()
    return call("POST", f"{base}/api/v1/join/", headers=headers, body=body)


def test_concurrent_join_code_guesses_are_capped_and_a_right_code_works_from_elsewhere(
    server: Server, table_row: Row
) -> None:
    from wargame.exercises.services.exercises import join_code_new

    table_row.fault = f"S6 {GUESSES} concurrent wrong join codes"
    game = live_game(server.base)  # seats taken from this address with right codes
    codes = game.as_control("GET", "")["join_codes"]
    wrong = [c for c in (join_code_new() for _ in range(GUESSES + 10)) if c not in codes.values()]
    wrong = wrong[:GUESSES]
    limit = settings.JOIN_FAILURES_PER_ADDRESS
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(lambda code: _join(server.base, code), wrong))
    took = time.monotonic() - started
    evaluated = [a for a in answers if a[0] != 429]
    limited = [a for a in answers if a[0] == 429]
    same_address = _join(server.base, codes["ROK"])
    elsewhere = _join(server.base, codes["ROK"], forwarded_for="203.0.113.7")
    table_row.server_errors = sum(1 for a in [*answers, same_address, elsewhere] if a[0] >= 500)
    table_row.checked = (
        f"{len(evaluated)} evaluated (limit {limit}), {len(limited)} 429 in {took:.1f} s; "
        f"right code: same address {same_address[0]}, another (X-Forwarded-For) {elsewhere[0]}"
    )
    print(f"\n{table_row.checked}")
    assert len(evaluated) <= limit
    assert all(status == 400 for status, _h, _b in evaluated), evaluated[:3]
    assert len(limited) == GUESSES - len(evaluated)
    for _status, headers, body in limited:
        assert int(headers.get("retry-after", "0")) > 0, headers
        assert body["error"]["code"] == "rate_limited", body
    assert same_address[0] == 429, "a right code from a blocked address would confirm a guess"
    assert elsewhere[0] == 201, elsewhere
    assert table_row.server_errors == 0
