"""Attacks on the production topology (docs/reliability.md#goals: S4, S6, S8, S9, S10 and known
failures 1 and 4): a real Uvicorn process on the private PostgreSQL and Redis, hostile clients, and
the server's resident memory read from /proc before and after. Every test fills one table row."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pytest
import websockets
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.realtime.harness import Recorder, asgi_server, stream
from tests.realtime.test_live_streams import TEAMS, LiveGame, live_game
from tests.reliability.attackers import (
    MB,
    StallingRecorder,
    TimedRecorder,
    call,
    call_json,
    flood,
    healthz,
    percentile,
    post_raw,
    rss_bytes,
)
from tests.reliability.live import comparable
from tests.security.schema_fuzz import fuzz_role
from tests.security.ws_probe import probe

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from pytest_django import DjangoDbBlocker

    from tests.realtime.harness import Server
    from tests.reliability.conftest import Row
    from tests.services import PostgresServer, RedisServer

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]
# Bounds from docs/reliability.md#s8 and #s10: others' p95 under 2x during a flood, RSS growth
# < 50 MB, hostile YAML refused within 2 s.
FLOOD_P95_RATIO = 2.0
RSS_GROWTH_BOUND = 50 * MB
FLOOD_SECONDS = 4.0
_keys = itertools.count(1)


@pytest.fixture(scope="module")
def server(
    postgres_server: PostgresServer,
    redis_server: RedisServer,
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
) -> Iterator[Server]:
    """One Uvicorn process for the attacks that need no special settings: each test reads the
    server's memory before and after its own attack. (After the test database exists, which
    the server's settings name.)"""
    with asgi_server(postgres_server, redis_server) as started:
        yield started
    with django_db_blocker.unblock():
        _wait_for_sessions_to_end()


def _wait_for_sessions_to_end(timeout: float = 10) -> None:
    """The stopped server's database sessions end a moment after it does; dropping the test
    database before then fails with "being accessed by other users"."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            row = cursor.fetchone()
            if row is None or row[0] == 0:
                return
            time.sleep(0.1)


def _key() -> str:
    return f"atk-{next(_keys)}"


def _ws_url(base: str, exercise_id: int, since: int | str = 0) -> str:
    return base.replace("http", "ws", 1) + f"/ws/exercises/{exercise_id}/?since={since}"


def _auth(game: LiveGame, who: str) -> str:
    return json.dumps({"type": "auth", "token": game.token(who)})


def _team_channels(game: LiveGame) -> dict[str, int]:
    found = {}
    for team in TEAMS:
        channels = game.as_player(team, "GET", "channels/")["results"]
        found[team] = next(int(c["id"]) for c in channels if c["name"] == team)
    return found


def _post_message(game: LiveGame, team: str, channel: int, body: str) -> int:
    status, _headers, _answer = call_json(
        "POST",
        game.url(f"channels/{channel}/messages/"),
        game.header(team),
        {"body": body, "client_key": _key()},
    )
    return status


async def _write_paced(
    game: LiveGame, channels: dict[str, int], count: int, gap: float, label: str
) -> tuple[set[str], list[int]]:
    """``count`` team messages, one every ``gap`` seconds, round the teams; returns their bodies
    and the statuses."""
    bodies: set[str] = set()
    statuses = []
    for index in range(count):
        team = TEAMS[index % len(TEAMS)]
        body = f"{label} {team} {_key()}"
        statuses.append(await asyncio.to_thread(_post_message, game, team, channels[team], body))
        bodies.add(body)
        await asyncio.sleep(gap)
    return bodies, statuses


def _begin_turn(game: LiveGame) -> None:
    game.as_control("POST", "commands/", {"command": "start"})
    game.as_control("POST", "commands/", {"command": "advance"})


async def _timed(game: LiveGame, who: str) -> TimedRecorder:
    recorder = TimedRecorder(game.base, game.exercise_id, game.token(who))
    await recorder.start()
    return recorder


async def _all_caught_up(
    recorders: Mapping[str, Recorder], game: LiveGame, timeout: float = 15
) -> dict[str, list[dict[str, Any]]]:
    expected = {
        who: await asyncio.to_thread(stream, game.base, game.exercise_id, game.header(who))
        for who in recorders
    }
    for who, recorder in recorders.items():
        await recorder.wait_for(len(expected[who]), timeout)
    return expected


def test_a_flooding_socket_is_cut_with_4429_while_the_others_keep_their_pace(
    server: Server, table_row: Row
) -> None:
    table_row.fault = "S8 flood 1000 frames/s, reconnecting"
    table_row.checked = "flooder closed 4429; 6 bystanders gapless, p95 during < 2x before"
    game = live_game(server.base)
    _begin_turn(game)
    channels = _team_channels(game)
    watchers = ("control", *TEAMS, "observers")

    async def scenario() -> None:
        recorders = {who: await _timed(game, who) for who in watchers}
        await _write_paced(game, channels, 8, 0.02, "warm-up")
        await _all_caught_up(recorders, game)
        rss_before = rss_bytes(server.pid)

        calm, calm_statuses = await _write_paced(game, channels, 40, 0.05, "calm")
        await _all_caught_up(recorders, game)
        # The flooder resumes from the log's end, so each reconnect costs no replay.
        url = _ws_url(server.base, game.exercise_id, since=10**9)
        attack = asyncio.ensure_future(
            asyncio.to_thread(asyncio.run, flood(url, _auth(game, "US"), seconds=FLOOD_SECONDS))
        )
        await asyncio.sleep(0.2)
        stormy, stormy_statuses = await _write_paced(game, channels, 40, 0.05, "storm")
        report = await attack
        expected = await _all_caught_up(recorders, game)
        await asyncio.sleep(0.3)  # nothing more may arrive

        before = [d for r in recorders.values() for d in r.delays(calm)]
        during = [d for r in recorders.values() for d in r.delays(stormy)]
        p95_before, p95_during = percentile(before, 0.95), percentile(during, 0.95)
        growth = rss_bytes(server.pid) - rss_before
        health = await asyncio.to_thread(healthz, server.base)
        statuses = calm_statuses + stormy_statuses
        table_row.server_errors = sum(1 for s in statuses if s >= 500)
        table_row.lost = sum(
            len(expected[w]) - len({e["seq"] for e in r.events}) for w, r in recorders.items()
        )
        table_row.duplicates = sum(
            len(r.events) - len({e["seq"] for e in r.events}) for r in recorders.values()
        )
        table_row.gaps = sum(
            comparable(r.events) != comparable(expected[w]) for w, r in recorders.items()
        )
        cut = report.close_codes.count(4429)
        table_row.checked = (
            f"{report.frames_sent / FLOOD_SECONDS:.0f} frames/s on {report.connections} "
            f"sockets, {cut} cut 4429; "
            f"6 bystanders p95 {p95_before * 1000:.0f} -> {p95_during * 1000:.0f} ms; "
            f"RSS +{growth / MB:.1f} MB; healthz {health}"
        )
        print(f"\nflood: {report}\n{table_row.checked}")
        for recorder in recorders.values():
            assert recorder.close_code is None
            await recorder.stop()

        assert report.frames_sent >= 0.9 * 1000 * FLOOD_SECONDS, report
        # Every connection but the last (which the attack's end may leave open) was cut.
        assert cut >= report.connections - 1 >= 1, report.close_codes
        assert set(report.close_codes) <= {4429, None}, report.close_codes
        assert all(s == 201 for s in statuses), statuses
        assert table_row.lost == table_row.duplicates == table_row.gaps == 0
        assert p95_during < FLOOD_P95_RATIO * p95_before, (p95_before, p95_during)
        assert health == 200
        assert growth < RSS_GROWTH_BOUND

    asyncio.run(scenario())


def _frame_zoo(auth: str) -> list[tuple[str, list[str | bytes], set[int | None], dict[str, Any]]]:
    """Each hostile frame and the close codes the contract names for it (None: stays open and
    answers, with an ``unknown_type`` error frame)."""
    return [
        # Refused by Uvicorn while read (1009; a client still sending may see only the drop).
        ("1 MiB text", [auth, json.dumps({"type": "ping", "p": "a" * MB})], {1009, 1006}, {}),
        ("1 MiB binary", [auth, b"\x00" * MB], {1009, 1006}, {}),
        ("small binary", [auth, b"\x01\x02"], {1003}, {}),
        ("malformed JSON", [auth, '{"type": "ping"'], {4400}, {}),
        ("invalid UTF-8", [auth, b"\xff\xfe\xfd"], {1007}, {"as_text": True}),
        ("unknown type", [auth, json.dumps({"type": "launch"})], {None}, {}),
    ]


ZOO_ROUNDS = 8


def test_hostile_frames_get_their_close_codes_and_leave_the_server_healthy(
    server: Server, table_row: Row
) -> None:
    table_row.fault = "S8 frame zoo x8 (1 MiB, binary, bad JSON/UTF-8, unknown)"
    game = live_game(server.base)
    url = _ws_url(server.base, game.exercise_id).split("?")[0]
    auth = _auth(game, "US")

    async def scenario() -> None:
        bystander = await Recorder(server.base, game.exercise_id, game.token("ROK")).start()
        # One round first, so memory the first use of each path allocates is not "growth".
        for _name, frames, _codes, options in _frame_zoo(auth):
            await probe(url, frames, **options)
        rss_before = rss_bytes(server.pid)
        wrong: list[tuple[str, int | None]] = []
        probes = 0
        slowest = 0.0
        for _round in range(ZOO_ROUNDS):
            for name, frames, codes, options in _frame_zoo(auth):
                started = time.monotonic()
                outcome = await probe(url, frames, **options)
                slowest = max(slowest, time.monotonic() - started)
                probes += 1
                ended = outcome.close_code if not outcome.alive else None
                if ended not in codes or (ended is None and outcome.errors() != ["unknown_type"]):
                    wrong.append((name, outcome.close_code))
        growth = rss_bytes(server.pid) - rss_before
        health = await asyncio.to_thread(healthz, server.base)
        channels = await asyncio.to_thread(_team_channels, game)
        status = await asyncio.to_thread(
            _post_message, game, "ROK", channels["ROK"], "after the zoo"
        )
        expected = await asyncio.to_thread(
            stream, server.base, game.exercise_id, game.header("ROK")
        )
        await bystander.wait_for(len(expected))
        table_row.server_errors = int(status >= 500)
        table_row.lost = len(expected) - len(bystander.events)
        table_row.checked = (
            f"{probes} probes, {len(wrong)} wrong endings, slowest {slowest:.2f} s; "
            f"RSS +{growth / MB:.1f} MB; healthz {health}; bystander open"
        )
        print(f"\n{table_row.checked}")
        assert not wrong, wrong
        assert status == 201
        assert comparable(bystander.events) == comparable(expected)
        assert bystander.close_code is None
        await bystander.stop()
        assert health == 200
        assert growth < RSS_GROWTH_BOUND

    asyncio.run(scenario())


STALL_BUFFER = 50
# Bytes the kernel and the transport of one loopback socket absorb before the server's sends
# block (~1.5 MB here), then WS_SEND_BUFFER frames: 700 frames of ~3.7 KB overflow them all.
STALL_MESSAGES = 1400


def _write_bulk(game: LiveGame, channels: dict[str, int], count: int) -> None:
    """Team messages written in this process through the service layer (HTTP is too slow to
    write megabytes on 2 cores); the servers learn of them from the log, as of a worker's."""
    from wargame.exercises.principals import participant_for_token, principal_for
    from wargame.exercises.services.messages import message_post

    try:
        principals = {}
        for team in TEAMS:
            participant = participant_for_token(game.token(team))
            assert participant is not None
            principals[team] = principal_for(exercise_id=game.exercise_id, participant=participant)
        for index in range(count):
            team = TEAMS[index % len(TEAMS)]
            # Large frames fill the stalled socket's buffers sooner; random ones, so that they
            # stay large where the connection is compressed (permessage-deflate).
            message_post(
                principal=principals[team],
                channel_id=channels[team],
                body=f"{team} bulk {_key()} {secrets.token_urlsafe(2800)}",
                client_key=_key(),
            )
    finally:
        connection.close()  # this worker thread's own; left open, it blocks dropping the test db


def test_a_socket_that_stops_reading_is_cut_with_4409_and_resumes_without_a_gap(
    postgres_server: PostgresServer, redis_server: RedisServer, table_row: Row
) -> None:
    table_row.fault = f"Stalled reader (WS_SEND_BUFFER={STALL_BUFFER})"
    env = {"WS_SEND_BUFFER": str(STALL_BUFFER)}
    with asgi_server(postgres_server, redis_server, extra_env=env) as server:
        game = live_game(server.base)
        _begin_turn(game)
        channels = _team_channels(game)

        async def scenario() -> None:
            stalled = await StallingRecorder(
                server.base, game.exercise_id, game.token("control")
            ).start()
            others = {who: await _timed(game, who) for who in ("control", *TEAMS, "observers")}
            await _all_caught_up(others, game)
            rss_before = rss_bytes(server.pid)
            stalled.stall()
            began = time.monotonic()
            await asyncio.to_thread(_write_bulk, game, channels, STALL_MESSAGES)
            _bulk, statuses = await _write_paced(game, channels, 8, 0.0, "bulk over HTTP")
            expected = await _all_caught_up(others, game)
            writing = time.monotonic() - began
            growth = rss_bytes(server.pid) - rss_before
            stalled.resume()
            assert stalled.task is not None
            done, _pending = await asyncio.wait([stalled.task], timeout=20)
            assert done, f"not closed: got {len(stalled.events)} of {len(expected['control'])}"
            resumed = time.monotonic()
            again = await Recorder(
                server.base, game.exercise_id, game.token("control"), since=stalled.last_seq
            ).start()
            reference = expected["control"]
            await again.wait_for(len(reference) - len(stalled.events))
            caught_up = time.monotonic() - resumed
            await asyncio.sleep(0.3)  # nothing more may arrive
            received = stalled.events + again.events
            seqs = [e["seq"] for e in received]
            table_row.lost = len({e["seq"] for e in reference} - set(seqs))
            table_row.duplicates = len(seqs) - len(set(seqs))
            table_row.gaps = sum(1 for a, b in itertools.pairwise(seqs) if b != a + 1)
            table_row.server_errors = sum(1 for s in statuses if s >= 500)
            table_row.recovery_seconds = caught_up
            delays = [d for r in others.values() for d in r.delays(_bodies(reference))]
            table_row.checked = (
                f"{STALL_MESSAGES} 3.7 KB writes + {len(statuses)} over HTTP in {writing:.1f} s; "
                f"stalled got {len(stalled.events)} then close {stalled.close_code}, resumed since="
                f"{stalled.last_seq}; 6 others open and complete (p95 "
                f"{percentile(delays, 0.95) * 1000:.0f} ms, via the 1 s tick); "
                f"RSS +{growth / MB:.1f} MB"
            )
            print(f"\n{table_row.checked}")
            for who, recorder in others.items():
                assert recorder.close_code is None, who
                assert comparable(recorder.events) == comparable(expected[who]), who
                await recorder.stop()
            await again.stop()
            assert all(s == 201 for s in statuses), statuses
            assert stalled.close_code == 4409
            assert comparable(received) == comparable(reference)
            assert table_row.lost == table_row.duplicates == table_row.gaps == 0
            assert growth < RSS_GROWTH_BOUND

        asyncio.run(scenario())


def _bodies(events: list[dict[str, Any]]) -> set[str]:
    return {
        str(e["payload"]["body"])
        for e in events
        if e["type"] == "message.posted" and " bulk " in str(e["payload"].get("body"))
    }


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
    url = _ws_url(server.base, game.exercise_id)
    cookie = f"{PARTICIPANT_COOKIE}={game.token('US')}"
    port = server.base.rsplit(":", 1)[1]

    async def scenario() -> None:
        refusals = [
            await _refused_status(url, FOREIGN_ORIGINS[i % len(FOREIGN_ORIGINS)], cookie)
            for i in range(ATTEMPTS)
        ]
        ping = json.dumps({"type": "ping"})
        cookie_only = await _first_frame(url, origin=None, cookie=cookie, send=[ping])
        token_first = await _first_frame(url, origin=None, cookie="", send=[_auth(game, "US")])
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


BODY_CAP = 256 * 1024
YAML_SECONDS = 2.0


def _billion_laughs() -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in itertools.pairwise("abcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


def _ten_megabytes() -> Iterator[bytes]:
    yield b"slug: huge\nsummary: '"
    for _ in range(160):
        yield secrets.token_hex(32 * 1024).encode()  # 64 KiB each
    yield b"'\n"


def _hostile_bodies() -> list[tuple[str, bytes | Iterator[bytes], int, str]]:
    depth = (BODY_CAP - 100) // 2
    huge = b"".join(_ten_megabytes())
    return [
        ("billion laughs", _billion_laughs(), 400, "invalid_scenario"),
        (
            "!!python/object",
            b'slug: x\nsummary: !!python/object/apply:os.system ["true"]\n',
            400,
            "invalid_scenario",
        ),
        ("!!python/name", b"slug: !!python/name:os.system ''\n", 400, "invalid_scenario"),
        (
            f"nesting {depth} deep",
            ("slug: deep\nsummary: " + "[" * depth + "]" * depth + "\n").encode(),
            400,
            "invalid_scenario",
        ),
        ("10 MB declared", huge, 413, "payload_too_large"),
        ("10 MB chunked", _ten_megabytes(), 413, "payload_too_large"),
    ]


def test_hostile_yaml_over_http_is_refused_quickly_without_memory_growth(
    server: Server, table_row: Row
) -> None:
    table_row.fault = "S10 hostile YAML over HTTP"
    user = get_user_model().objects.create_user("yaml", password="a-long-pass-phrase-9")
    headers = {
        "Authorization": f"Token {Token.objects.create(user=user).key}",
        "Content-Type": "application/yaml",
    }
    paths = ("/api/v1/scenarios/validate/", "/api/v1/scenarios/")
    for path in paths:  # the first requests import the views; only the hostile ones count
        post_raw(server.base, path, headers, b"[")
    rss_before = rss_bytes(server.pid)
    wrong = []
    slowest = 0.0
    statuses = []
    for path in paths:
        for name, body, status, code in _hostile_bodies():
            got, answer, took = post_raw(server.base, path, headers, body)
            statuses.append(got)
            slowest = max(slowest, took)
            error = answer.get("error", {}) if isinstance(answer, dict) else {}
            if (got, error.get("code")) != (status, code) or took >= YAML_SECONDS:
                wrong.append((path, name, got, error.get("code"), round(took, 2)))
    growth = rss_bytes(server.pid) - rss_before
    health = healthz(server.base)
    table_row.server_errors = sum(1 for s in statuses if s >= 500)
    table_row.checked = (
        f"{len(statuses)} bodies on 2 endpoints: {statuses.count(400)} x 400 invalid_scenario, "
        f"{statuses.count(413)} x 413; slowest {slowest:.2f} s; RSS +{growth / MB:.1f} MB; "
        f"healthz {health}"
    )
    print(f"\n{table_row.checked}")
    assert not wrong, wrong
    assert growth < RSS_GROWTH_BOUND
    assert health == 200


# CI scale; FULL=1 is the full run of docs/reliability.md#s9 (by hand: about an hour on 2 cores).
SCHEMA_EXAMPLES = 1000 if os.environ.get("FULL") == "1" else 25
ROLES = ("facilitator", "player", "observer", "anonymous")


@pytest.mark.django_db
@pytest.mark.timeout(0)
def test_every_operation_and_role_survives_schemathesis_at_scale(table_row: Row) -> None:
    table_row.fault = f"S9 schemathesis, {SCHEMA_EXAMPLES} examples/operation x 4 roles"
    started = time.monotonic()
    tallies = {role: fuzz_role(role, SCHEMA_EXAMPLES) for role in ROLES}
    took = time.monotonic() - started
    cases = sum(t.cases for t in tallies.values())
    failures = [f for t in tallies.values() for f in t.failures]
    table_row.server_errors = sum(t.server_errors for t in tallies.values())
    table_row.checked = (
        f"{cases} cases on {tallies['anonymous'].operations} operations in {took:.0f} s; "
        f"{len(failures)} schema/status failures"
    )
    for role, tally in tallies.items():
        seen = ", ".join(f"{n}xx: {tally.statuses[n]}" for n in sorted(tally.statuses))
        print(f"\n{role}: {tally.cases} cases ({seen})")
    assert all(t.operations > 30 for t in tallies.values())
    assert all(t.statuses[2] > 0 for t in tallies.values()), "no example got past validation"
    assert table_row.server_errors == 0
    assert not failures, "\n".join(dict.fromkeys(failures))
