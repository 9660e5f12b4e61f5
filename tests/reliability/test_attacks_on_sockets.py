"""Attacks on the WebSocket layer of the production topology (docs/reliability.md#goals: S8 and
known failures 1 and 4): a socket flooding frames, a zoo of hostile frames, and a socket that stops
reading, against a real Uvicorn process on the private PostgreSQL and Redis, with the server's
resident memory read from /proc before and after. Every test fills one table row."""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import time
from typing import TYPE_CHECKING, Any

import pytest
from django.db import connection

from tests.realtime.harness import Recorder, asgi_server, stream
from tests.realtime.test_live_streams import TEAMS, LiveGame, live_game
from tests.reliability.attackers import (
    MB,
    RSS_GROWTH_BOUND,
    FloodFromAnotherProcess,
    StallingRecorder,
    healthz,
    percentile,
    rss_bytes,
)
from tests.reliability.game_traffic import (
    all_caught_up,
    attack_key,
    auth_frame,
    begin_turn,
    post_message,
    team_channels,
    timed_recorder,
    write_paced,
    ws_url,
)
from tests.reliability.live import comparable
from tests.security.ws_probe import probe

if TYPE_CHECKING:
    from tests.realtime.harness import Server
    from tests.reliability.conftest import Row
    from tests.services import PostgresServer, RedisServer

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]
# Bounds from docs/reliability.md#s8: others' p95 under 2x during a flood.
FLOOD_P95_RATIO = 2.0
FLOOD_SECONDS = 4.0


def test_a_flooding_socket_is_cut_with_4429_while_the_others_keep_their_pace(
    server: Server, table_row: Row
) -> None:
    table_row.fault = "S8 flood 1000 frames/s, reconnecting"
    table_row.checked = "flooder closed 4429; 6 bystanders gapless, p95 during < 2x before"
    game = live_game(server.base)
    begin_turn(game)
    channels = team_channels(game)
    watchers = ("control", *TEAMS, "observers")

    async def scenario() -> None:
        recorders = {who: await timed_recorder(game, who) for who in watchers}
        await write_paced(game, channels, 8, 0.02, "warm-up")
        await all_caught_up(recorders, game)
        rss_before = rss_bytes(server.pid)

        calm, calm_statuses = await write_paced(game, channels, 40, 0.05, "calm")
        await all_caught_up(recorders, game)
        # The flooder resumes from the log's end, so each reconnect costs no replay.
        url = ws_url(server.base, game.exercise_id, since=10**9)
        attacker = FloodFromAnotherProcess(url, auth_frame(game, "US"), seconds=FLOOD_SECONDS)
        await attacker.start()
        await asyncio.sleep(0.2)
        stormy, stormy_statuses = await write_paced(game, channels, 40, 0.05, "storm")
        report = await attacker.report()
        expected = await all_caught_up(recorders, game)
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
    url = ws_url(server.base, game.exercise_id).split("?")[0]
    auth = auth_frame(game, "US")

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
        channels = await asyncio.to_thread(team_channels, game)
        status = await asyncio.to_thread(
            post_message, game, "ROK", channels["ROK"], "after the zoo"
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
                channel_number=channels[team],
                body=f"{team} bulk {attack_key()} {secrets.token_urlsafe(2800)}",
                client_key=attack_key(),
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
        begin_turn(game)
        channels = team_channels(game)

        async def scenario() -> None:
            stalled = await StallingRecorder(
                server.base, game.exercise_id, game.token("control")
            ).start()
            others = {
                who: await timed_recorder(game, who) for who in ("control", *TEAMS, "observers")
            }
            await all_caught_up(others, game)
            rss_before = rss_bytes(server.pid)
            stalled.stall()
            began = time.monotonic()
            await asyncio.to_thread(_write_bulk, game, channels, STALL_MESSAGES)
            _bulk, statuses = await write_paced(game, channels, 8, 0.0, "bulk over HTTP")
            expected = await all_caught_up(others, game)
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
