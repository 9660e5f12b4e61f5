"""The doorbell a server process rings after each commit (wargame.realtime.doorbell): sent from
its loop one at a time, a waiting ring covering later ones, and a ring made while the same one
is being sent never lost. The channel layer is the edge here (channels_redis): a recording
stand-in counts how many sends run at once, which with Redis is how many connections the rings
take."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wargame.realtime import doorbell

if TYPE_CHECKING:
    from collections.abc import Callable

    import pytest


@dataclass
class RecordingLayer:
    """Counts the sends in flight; each takes a moment, as a trip to Redis does."""

    sent: list[tuple[int, str]] = field(default_factory=list)
    in_flight: int = 0
    most_at_once: int = 0
    # When set, each send waits for it (a slow trip to Redis).
    hold: asyncio.Event | None = None

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        self.in_flight += 1
        self.most_at_once = max(self.most_at_once, self.in_flight)
        await asyncio.sleep(0.002)
        if self.hold is not None:
            await self.hold.wait()
        self.in_flight -= 1
        self.sent.append((message["exercise"], message["kind"]))


@dataclass
class LoopOnly:
    """What the doorbell needs of a hub: its loop."""

    loop: asyncio.AbstractEventLoop

    def poke_threadsafe(self, exercise_id: int, kind: str = "log") -> None:
        pass


def test_rings_go_out_one_at_a_time_and_a_ring_during_a_send_is_not_lost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    layer = RecordingLayer()
    monkeypatch.setattr(doorbell, "get_channel_layer", lambda: layer)
    loop = asyncio.new_event_loop()
    server = threading.Thread(target=loop.run_forever, daemon=True)
    server.start()
    monkeypatch.setattr(doorbell, "_local_hubs", [LoopOnly(loop)])
    monkeypatch.setattr(doorbell, "_OUTGOING", doorbell._Outgoing())
    try:

        def writer(exercise_id: int) -> None:
            for _ in range(50):
                doorbell.ring(exercise_id)

        writers = [threading.Thread(target=writer, args=(n % 3 + 1,)) for n in range(8)]
        for thread in writers:
            thread.start()
        for thread in writers:
            thread.join()
        _settle(loop)
        burst = list(layer.sent)
        # A ring while one for the same exercise is being sent is sent again after it.
        layer.hold = asyncio.Event()
        doorbell.ring(2)
        _wait_for(loop, lambda: layer.in_flight == 1)
        doorbell.ring(2)
        loop.call_soon_threadsafe(layer.hold.set)
        _settle(loop)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        server.join(5)
        loop.close()

    assert layer.most_at_once == 1
    # 400 rings, but a waiting ring covers later ones: far fewer sends.
    assert len(burst) < 400
    assert {exercise for exercise, _kind in burst} == {1, 2, 3}
    assert layer.sent[len(burst) :] == [(2, "log"), (2, "log")]


def _wait_for(loop: asyncio.AbstractEventLoop, done: Callable[[], bool]) -> None:
    async def until() -> None:
        while not done():
            await asyncio.sleep(0.001)

    asyncio.run_coroutine_threadsafe(until(), loop).result(10)


def _settle(loop: asyncio.AbstractEventLoop) -> None:
    """Until every ring handed to the loop so far has been sent."""

    async def settled() -> None:
        await asyncio.sleep(0)  # the rings handed over before this call are added first
        sender = doorbell._OUTGOING.sender
        while sender is not None and not sender.done():
            await sender
            sender = doorbell._OUTGOING.sender

    asyncio.run_coroutine_threadsafe(settled(), loop).result(10)
