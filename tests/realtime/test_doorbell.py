"""The doorbell a server process rings after each commit (wargame.realtime.doorbell): sent from
its loop one at a time, a waiting ring covering later ones, and the last ring of a burst never
lost. The channel layer is the edge here (channels_redis): a recording stand-in counts how many
sends run at once, which with Redis is how many connections the rings take."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wargame.realtime import doorbell

if TYPE_CHECKING:
    import pytest


@dataclass
class RecordingLayer:
    """Counts the sends in flight; each takes a moment, as a trip to Redis does."""

    sent: list[tuple[int, str]] = field(default_factory=list)
    in_flight: int = 0
    most_at_once: int = 0

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        self.in_flight += 1
        self.most_at_once = max(self.most_at_once, self.in_flight)
        await asyncio.sleep(0.002)
        self.in_flight -= 1
        self.sent.append((message["exercise"], message["kind"]))


@dataclass
class LoopOnly:
    """What the doorbell needs of a hub: its loop."""

    loop: asyncio.AbstractEventLoop

    def poke_threadsafe(self, exercise_id: int, kind: str = "log") -> None:
        pass


def test_rings_from_many_writers_go_out_one_at_a_time_and_the_last_of_each_is_sent(
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
        # Rung once more after the burst: this ring must go out after everything before it.
        doorbell.ring(2)

        async def settled() -> None:
            while doorbell._OUTGOING.waiting or layer.in_flight:
                await asyncio.sleep(0.01)
            sender = doorbell._OUTGOING.sender
            if sender is not None:
                await sender

        asyncio.run_coroutine_threadsafe(settled(), loop).result(10)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        server.join(5)
        loop.close()

    assert layer.most_at_once == 1
    # 401 rings, but a waiting ring covers later ones: far fewer sends.
    assert len(layer.sent) < 401
    assert {exercise for exercise, _kind in layer.sent} == {1, 2, 3}
    assert layer.sent[-1] == (2, "log")
