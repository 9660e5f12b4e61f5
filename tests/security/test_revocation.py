"""Revocation of any kind cuts every open socket of the revoked within 1 s (close 4403), while
the others stay open: a co-facilitator removed over the API, an account deactivated and an API
token deleted from another process (as the admin or a shell would), a participant removed.

A real Uvicorn process on the test database and a private Redis; the account changes run in a
`manage.py shell` process of their own, so their news reaches the server only as production's
would, through the channel layer."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from tests.realtime.harness import Recorder, asgi_server, database_url, http
from tests.realtime.test_live_streams import live_game

if TYPE_CHECKING:
    from tests.realtime.test_live_streams import LiveGame
    from tests.services import PostgresServer, RedisServer

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BOUND_SECONDS = 1.0
WATCH_SECONDS = 60.0
# A server process that changes an account (the admin) has its channel layer connected already.
WARM = (
    "import time\nfrom asgiref.sync import async_to_sync\n"
    "from channels.layers import get_channel_layer\n"
    "async_to_sync(get_channel_layer().group_send)('warm', {'type': 'warm'})\n"
)


def _in_another_process(postgres: PostgresServer, redis: RedisServer, code: str) -> float:
    """Run ``code`` in a Django shell of its own; returns the epoch time it began the change."""
    ran = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            WARM + f"t0 = time.time()\n{code}\nprint(t0)",
        ],
        env={
            **os.environ,
            "DATABASE_URL": database_url(postgres),
            "REDIS_URL": redis.url,
            "CELERY_BROKER_URL": "memory://",
            "CELERY_RESULT_BACKEND": "cache+memory://",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return float(ran.stdout.strip().splitlines()[-1])


def _watch(recorder: Recorder) -> asyncio.Task[float]:
    """The epoch time the socket is seen closed (polled every 10 ms), started before the
    revocation so that a slow trigger does not count. The watch gives up only after a minute:
    starting the other process alone can take seconds on a loaded machine, and the bound is
    measured from the change, not from the start of the watch."""

    async def closed_at() -> float:
        deadline = time.time() + WATCH_SECONDS
        while recorder.close_code is None:
            assert time.time() < deadline, "the revoked socket is still open"
            await asyncio.sleep(0.01)
        return time.time()

    return asyncio.ensure_future(closed_at())


def _co_facilitator(game: LiveGame, name: str) -> tuple[int, str]:
    user = get_user_model().objects.create_user(name, password="a-long-pass-phrase-9")
    key = Token.objects.create(user=user).key
    status, body = http(
        "POST", game.url("facilitators/"), token=game.header("control"), body={"username": name}
    )
    assert status == 200, body
    return user.pk, key


def test_every_kind_of_revocation_cuts_the_sockets_within_a_second(
    postgres_server: PostgresServer, redis_server: RedisServer
) -> None:
    with asgi_server(postgres_server, redis_server) as server:
        game = live_game(server.base)
        removed_id, removed_key = _co_facilitator(game, "co-removed")
        _deactivated_id, deactivated_key = _co_facilitator(game, "co-deactivated")
        _untokened_id, untokened_key = _co_facilitator(game, "co-untokened")
        timings: dict[str, float] = {}

        async def scenario() -> None:
            def socket(key: str) -> Recorder:
                return Recorder(server.base, game.exercise_id, key)

            owner = await Recorder(server.base, game.exercise_id, game.token("control")).start()
            removed = await socket(removed_key).start()
            deactivated = await socket(deactivated_key).start()
            untokened = await socket(untokened_key).start()
            player = await socket(game.token("US")).start()
            bystander = await socket(game.token("ROK")).start()

            watch = _watch(deactivated)
            committed = await asyncio.to_thread(
                _in_another_process,
                postgres_server,
                redis_server,
                "from django.contrib.auth import get_user_model\n"
                "u = get_user_model().objects.get(username='co-deactivated')\n"
                "u.is_active = False\nu.save()",
            )
            timings["account deactivated"] = await watch - committed

            watch = _watch(untokened)
            committed = await asyncio.to_thread(
                _in_another_process,
                postgres_server,
                redis_server,
                "from rest_framework.authtoken.models import Token\n"
                "Token.objects.filter(user__username='co-untokened').delete()",
            )
            timings["API token deleted"] = await watch - committed

            us = next(
                f["payload"]["participant_id"]
                for f in owner.events
                if f["type"] == "participant.joined" and f["payload"]["team"] == "US"
            )
            watch = _watch(player)
            started = time.time()
            await asyncio.to_thread(
                game.as_control,
                "POST",
                "commands/",
                {"command": "remove_participant", "args": {"participant_id": us}},
            )
            timings["participant removed"] = await watch - started

            watch = _watch(removed)
            started = time.time()
            status, _body = await asyncio.to_thread(
                http,
                "DELETE",
                game.url(f"facilitators/{removed_id}/"),
                token=game.header("control"),
            )
            assert status == 204
            timings["co-facilitator removed"] = await watch - started

            codes = {
                "removed": removed.close_code,
                "deactivated": deactivated.close_code,
                "untokened": untokened.close_code,
                "player": player.close_code,
            }
            assert set(codes.values()) == {4403}, codes
            await asyncio.sleep(0.5)
            assert owner.close_code is None
            assert bystander.close_code is None
            for recorder in (owner, bystander):
                await recorder.stop()

        asyncio.run(scenario())
        print("\n" + ", ".join(f"{kind} {took:.2f} s" for kind, took in timings.items()))
        assert all(took < BOUND_SECONDS for took in timings.values()), timings
        # REST agrees: each revoked credential is refused.
        assert http("GET", game.url(), token=f"Token {removed_key}")[0] == 404
        assert http("GET", game.url(), token=f"Token {deactivated_key}")[0] == 401
        assert http("GET", game.url(), token=f"Token {untokened_key}")[0] == 401
