"""After a write commits: tell every server process that an exercise's log has grown.

The channel layer promises no delivery (docs/reliability.md#goals): this is a hint that makes
delivery fast, never the delivery itself. Each process's hub reads the events from the database, and
its periodic tick does so too, so a lost ring costs at most a tick of latency."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

if TYPE_CHECKING:
    from collections.abc import Sequence

    from wargame.exercises.notify import Committed

logger = logging.getLogger(__name__)

GROUP = "wargame.log"
# Names this process in its doorbells: its own hub was poked directly and skips them.
PROCESS = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
_local_hubs: list[Any] = []


def register_local_hub(hub: Any) -> None:
    """The hub of this process (a server process has one; a worker none)."""
    _local_hubs.append(hub)


def layer_is_shared() -> bool:
    layer = get_channel_layer()
    return layer is not None and type(layer).__name__ != "InMemoryChannelLayer"


def hand_over(exercise_id: int, events: Sequence[Committed]) -> None:
    """Called on commit with a transaction's events, from the thread that committed: this
    process's hub gets the events themselves (the other processes get the doorbell ``ring``
    sends)."""
    for hub in _local_hubs:
        hub.take_threadsafe(exercise_id, events)


def ring(exercise_id: int, kind: str = "log") -> None:
    """Called on commit, from whichever thread committed. The local hub already has the new
    events from ``hand_over``; presence has no event, so the local hub is poked for it."""
    if kind != "log":
        for hub in _local_hubs:
            hub.poke_threadsafe(exercise_id, kind)
    if not layer_is_shared():
        return  # one process only: the local poke (or the tick, for a worker) suffices
    loop = _hub_loop()
    if loop is not None:
        # A server process: the doorbell goes out on the loop while the writer answers its
        # request. Waiting for it held every write for a trip through a busy loop and Redis
        # (docs/reliability.md#the-write-path); a ring is a hint, so nothing waits for it.
        loop.call_soon_threadsafe(_OUTGOING.add, exercise_id, kind)
        return
    try:
        async_to_sync(get_channel_layer().group_send)(GROUP, _message(exercise_id, kind))
    except Exception as exc:  # noqa: BLE001 - the layer raises its backend's own errors
        _not_sent(exercise_id, exc)


def _message(exercise_id: int, kind: str) -> dict[str, Any]:
    return {"type": "log.grew", "exercise": exercise_id, "kind": kind, "from": PROCESS}


class _Outgoing:
    """A server process's doorbells, sent one at a time by one task on its loop. Sent as each
    write committed, 30 writes a second took more Redis connections at once than the layer's
    pool holds ("Too many connections"), and each of those rings was lost. A ring still waiting
    covers a later one for the same exercise and kind: the hubs read what is new from the
    database, whatever the number of rings."""

    def __init__(self) -> None:
        self.waiting: dict[tuple[int, str], None] = {}
        self.sender: asyncio.Task[None] | None = None

    def add(self, exercise_id: int, kind: str) -> None:
        self.waiting[(exercise_id, kind)] = None
        if self.sender is None or self.sender.done():
            self.sender = asyncio.ensure_future(self._send_all())

    async def _send_all(self) -> None:
        layer = get_channel_layer()
        while self.waiting:
            exercise_id, kind = next(iter(self.waiting))
            del self.waiting[(exercise_id, kind)]
            try:
                await layer.group_send(GROUP, _message(exercise_id, kind))
            except Exception as exc:  # noqa: BLE001 - the layer raises its backend's own errors
                _not_sent(exercise_id, exc)


_OUTGOING = _Outgoing()


def _hub_loop() -> asyncio.AbstractEventLoop | None:
    """The running loop of this process's hub, unless the caller runs on it."""
    for hub in _local_hubs:
        loop: asyncio.AbstractEventLoop | None = hub.loop
        if loop is not None and loop.is_running() and not loop.is_closed():
            try:
                current = asyncio.get_running_loop()
            except RuntimeError:
                current = None
            return loop if current is not loop else None
    return None


def _not_sent(exercise_id: int, exc: BaseException | None) -> None:
    if exc is None:
        return
    logger.warning(
        "doorbell for exercise %s not sent; the tick will deliver",
        exercise_id,
        exc_info=exc,
        extra={"exercise": exercise_id},
    )


def revoked(exercise_id: int | None) -> None:
    """Called on commit of a revocation: every hub checks its sockets of that exercise (0: of
    every exercise) again. A lost ring is caught by the hubs' periodic check."""
    ring(exercise_id or 0, "revoke")
