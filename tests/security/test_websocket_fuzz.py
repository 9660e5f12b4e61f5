"""Malformed, oversized and flooding WebSocket clients end in a contract close code or an error
frame, never a stuck socket, while a well-behaved client keeps getting its events
(docs/reliability.md#s8). The close codes of single hand-picked frames are in
tests/realtime/test_live_streams.py; these add generated frames, nesting, 1 MiB frames, 100-frame
floods and invalid UTF-8."""

from __future__ import annotations

import asyncio
import json
import time
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.realtime.harness import Recorder, asgi_server, stream
from tests.realtime.test_live_streams import live_game, play_some
from tests.security.ws_probe import REFUSALS, Outcome, probe

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.realtime.test_live_streams import LiveGame
    from tests.services import PostgresServer, RedisServer

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
# Frames that parse as JSON objects with a string type the server does not know.
UNKNOWN_TYPED = st.builds(
    lambda kind, extra: json.dumps({**extra, "type": kind}),
    st.text(max_size=30).filter(lambda k: k not in ("auth", "ping")),
    st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=4),
)
ANY_TEXT = st.text(max_size=300) | JSON_VALUES.map(json.dumps)


def _settle(outcome: Outcome, what: str) -> None:
    assert outcome.alive or outcome.close_code in REFUSALS, (what, outcome)


def _run(coroutine: Any) -> Outcome:
    result: Outcome = asyncio.run(coroutine)
    return result


def _fuzz_with_generated_frames(url: str, auth: str) -> int:
    """Generated text and bytes, before and after authenticating; returns how many were sent."""
    sent = 0

    @settings(
        max_examples=40,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(frame=ANY_TEXT | st.binary(max_size=300), authenticated=st.booleans())
    def any_frame(frame: str | bytes, authenticated: bool) -> None:
        nonlocal sent
        frames: list[str | bytes] = [auth, frame] if authenticated else [frame]
        _settle(_run(probe(url, frames)), repr(frame)[:200])
        sent += 1

    @settings(
        max_examples=20,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(frame=UNKNOWN_TYPED)
    def unknown_type(frame: str) -> None:
        nonlocal sent
        outcome = _run(probe(url, [auth, frame]))
        if len(frame.encode()) <= 64 * 1024:
            assert outcome.alive, (frame, outcome)
            assert outcome.errors() == ["unknown_type"], (frame, outcome)
        else:
            _settle(outcome, frame[:200])
        sent += 1

    any_frame()
    unknown_type()
    return sent


Attack = tuple[str, list[str | bytes], set[int | None], dict[str, Any]]
MIB = 1024 * 1024
# Uvicorn refuses a message over 64 KiB while reading it (--ws-max-size): it sends 1009 and drops
# the connection, so a client still sending the rest may see only the drop (1006).
OVERSIZED: set[int | None] = {1009, 1006}
FLOOD: dict[str, Any] = {"until_closed": True}


def _flood(auth: str, frame: str) -> list[str | bytes]:
    return [auth, *[frame] * 100]


def _attacks_handled_today(auth: str) -> list[Attack]:
    """Each attack and the close codes the contract names for it (None: stays open, answers)."""
    ping = json.dumps({"type": "ping"})
    return [
        (
            "1 MiB text frame",
            [auth, json.dumps({"type": "ping", "p": "a" * MIB})],
            OVERSIZED,
            {},
        ),
        ("1 MiB text frame before auth", ["a" * MIB], OVERSIZED, {}),
        ("1 MiB binary frame", [auth, b"\x00" * MIB], OVERSIZED, {}),
        ("invalid UTF-8 text frame", [auth, b"\xff\xfe\xfd"], {1007}, {"as_text": True}),
        ("100 pings", _flood(auth, ping), {4429}, FLOOD),
        ("100 unknown types", _flood(auth, json.dumps({"type": "zz"})), {4429}, FLOOD),
        ("100 garbage frames", _flood(auth, "{"), {4400}, FLOOD),
        # Auth frames do not count toward the flood limit (docs/interface.md#frames): each gets an
        # error frame.
        ("100 auth frames", [auth] * 100, {None}, {}),
        ("a token that is an object", [json.dumps({"type": "auth", "token": {}})], {4401}, {}),
        ("a 60 KiB token", [json.dumps({"type": "auth", "token": "t" * 61_000})], {4401}, {}),
    ]


def _attacks_that_crash_the_consumer(auth: str) -> list[Attack]:
    """Found by this suite: each ends in 1006 (an unhandled exception in the consumer)."""
    deep_array = "[" * 30_000 + "]" * 30_000  # under 64 KiB, deeper than the parser's stack
    deep_object = '{"type": "ping", "x": ' + deep_array + "}"
    return [
        ("deeply nested array", [auth, deep_array], {4400}, {}),
        ("deeply nested value in a ping", [auth, deep_object], {4400}, {}),
        ("deep nesting before auth", [deep_array], {4400}, {}),
        ("a since of non-ASCII digits", [auth], {4400}, {"since": "%C2%B2"}),
        ("a token with a NUL", [json.dumps({"type": "auth", "token": "a\x00b"})], {4401}, {}),
    ]


def _wrong_endings(
    url: str, attacks: list[Attack]
) -> list[tuple[str, int | None, set[int | None]]]:
    wrong = []
    for name, frames, codes, options in attacks:
        started = time.monotonic()
        outcome = _run(probe(url, frames, **options))
        print(f"  {name}: close {outcome.close_code} in {time.monotonic() - started:.2f} s")
        if outcome.close_code not in codes:
            wrong.append((name, outcome.close_code, codes))
    return wrong


def _with_a_bystander(
    postgres: PostgresServer, redis: RedisServer, attack: Callable[[str, str], list[Any]]
) -> list[Any]:
    """Runs ``attack(url, auth)`` against a live server while a ROK client listens, then checks
    the server still serves that client a new event, in order; returns what the attack returned."""
    with asgi_server(postgres, redis) as server:
        game: LiveGame = live_game(server.base)
        url = server.base.replace("http", "ws", 1) + f"/ws/exercises/{game.exercise_id}/"
        auth = json.dumps({"type": "auth", "token": game.token("US")})

        async def scenario() -> list[Any]:
            bystander = await Recorder(server.base, game.exercise_id, game.token("ROK")).start()
            loop = asyncio.get_running_loop()
            started = loop.time()
            found = await loop.run_in_executor(None, attack, url, auth)
            print(f"  attacks took {loop.time() - started:.1f} s")
            before = len(bystander.events)
            play_some(game)
            expected = stream(server.base, game.exercise_id, game.header("ROK"))
            assert len(expected) > before
            await bystander.wait_for(len(expected))
            assert [e["seq"] for e in bystander.events] == [e["seq"] for e in expected]
            assert bystander.close_code is None
            await bystander.stop()
            return found

        return asyncio.run(scenario())


def test_generated_frames_end_in_a_close_code_or_an_answer_and_others_keep_their_stream(
    postgres_server: PostgresServer, redis_server: RedisServer
) -> None:
    def attack(url: str, auth: str) -> list[int]:
        return [_fuzz_with_generated_frames(url, auth)]

    assert _with_a_bystander(postgres_server, redis_server, attack) == [60]


def test_huge_frames_floods_and_bad_utf8_get_their_close_codes(
    postgres_server: PostgresServer, redis_server: RedisServer
) -> None:
    def attack(url: str, auth: str) -> list[Any]:
        return _wrong_endings(url, _attacks_handled_today(auth))

    assert _with_a_bystander(postgres_server, redis_server, attack) == []


def test_deep_nesting_odd_digits_and_nul_tokens_are_refused_not_crashed_on(
    postgres_server: PostgresServer, redis_server: RedisServer
) -> None:
    def attack(url: str, auth: str) -> list[Any]:
        return _wrong_endings(url, _attacks_that_crash_the_consumer(auth))

    assert _with_a_bystander(postgres_server, redis_server, attack) == []
