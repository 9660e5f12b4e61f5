"""Two server processes on one Redis render a region once: the first to claim a (page, view,
language) renders it, the other pushes that render from the shared cache. A real Redis, two real
Uvicorn processes, and the render counter (``RENDER_COUNTER``) read from each."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from typing import TYPE_CHECKING

import pytest

from tests.realtime.harness import Recorder, asgi_server, stream
from tests.realtime.test_live_streams import live_game, play_some, start_and_decide
from wargame.web.regions.cache import Group, RedisCache

if TYPE_CHECKING:
    from tests.services import PostgresServer, RedisServer

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_claim_is_held_by_one_cache_at_a_time_and_released_by_its_holder_only(
    redis_server: RedisServer,
) -> None:
    first, second = RedisCache(redis_server.url), RedisCache(redis_server.url)
    group = Group(7, "room", "team:US", "ko")
    assert first.claim(group, "first")
    assert not second.claim(group, "second")
    second.release(group, "second")  # not its claim: nothing happens
    assert not second.claim(group, "second")
    assert second.claim(Group(7, "room", "team:US", "ja"), "second")  # another language
    first.release(group, "first")
    assert second.claim(group, "second")


def _passes(base: str) -> int:
    with urllib.request.urlopen(f"{base}/_bench/renders", timeout=10) as answer:  # noqa: S310
        return int(json.loads(answer.read())["passes"])


async def _settled(page: Recorder, position: int, timeout: float = 30) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not any(f["seq"] >= position for f in page.regions):
        assert asyncio.get_running_loop().time() < deadline, [f["seq"] for f in page.regions]
        await asyncio.sleep(0.05)


def test_two_processes_never_both_render_the_same_view_language_and_position(
    postgres_server: PostgresServer, redis_server: RedisServer
) -> None:
    counting = {"RENDER_COUNTER": "1"}
    with (
        asgi_server(postgres_server, redis_server, extra_env=counting) as first,
        asgi_server(postgres_server, redis_server, extra_env=counting) as second,
    ):
        game = live_game(first.base)
        token = game.token("US")
        query = "&page=room&lang=ko"

        async def scenario() -> None:
            pages = [
                await Recorder(server.base, game.exercise_id, token, query=query).start()
                for server in (first, second)
            ]
            # What the pages missed before they came (the lobby's events) first: at most one
            # catch-up render for both, as for a class reconnecting to two processes at once.
            await asyncio.sleep(1.5)
            caught_up = {f["seq"] for page in pages for f in page.regions}
            before = _passes(first.base) + _passes(second.base)
            assert before == len(caught_up), (before, caught_up)
            start_and_decide(game)
            play_some(game, rounds=2)
            position = stream(first.base, game.exercise_id, game.header("US"))[-1]["seq"]
            for page in pages:
                await _settled(page, position)
            await asyncio.sleep(0.5)  # a second render, if any, would be counted by now
            passes = _passes(first.base) + _passes(second.base) - before
            for page in pages:
                await page.stop()

            # Each pass renders at a position of its own: every render reaches the pages as a
            # frame at its position, from the process that rendered it or from the other.
            positions = {f["seq"] for page in pages for f in page.regions} - caught_up
            assert passes == len(positions), (passes, sorted(positions))
            # Where both processes pushed a region at one position, it is the same render.
            at_first = {(f["seq"], k): h for f in pages[0].regions for k, h in f["regions"].items()}
            shared = [
                (at_first[(f["seq"], k)], h)
                for f in pages[1].regions
                for k, h in f["regions"].items()
                if (f["seq"], k) in at_first
            ]
            assert shared, "both processes pushed the same positions"
            assert all(a == b for a, b in shared)

        asyncio.run(scenario())
