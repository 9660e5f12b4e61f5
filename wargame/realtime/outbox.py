"""A connected socket's way out: frames are written at once, and only a client that stops reading
gets a queue and a task of its own.

The hub writes one event to every socket of a view in one pass. Handing each frame to a
per-socket queue and task cost a task switch per socket per event (the tail of the fan-out
latency) and a queue plus a task per idle connection (most of our per-client memory). The ASGI
server's send finishes without suspending while the client keeps up, so we run it eagerly and
fall back to a task only when it really has to wait (docs/benchmarks.md#goal-stalled).
"""

from __future__ import annotations

import asyncio
import secrets
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine, Generator


# Regions frames a slow client's backlog may hold at once: a page that misses one fetches what it
# still waits for (live.js), so an older one is dropped rather than the socket cut.
MAX_QUEUED_REGIONS = 4


@dataclass(frozen=True, slots=True)
class RegionsFrame:
    """A regions frame, encoded once for its (page, view, language): ``covers`` names what it
    brings up to date, so that a newer one covering all of it replaces it in a backlog."""

    text: str
    covers: frozenset[str]


Item = str | int | RegionsFrame

# What an ASGI server's send raises once the client has gone (a reset connection, or a send after
# the close), as opposed to a bug of ours, which should surface.
_CLIENT_GONE = (OSError, RuntimeError)


class _CarryOn:
    """Resumes a coroutine that was started outside any task, from the point where it first
    suspended: the future it yielded is handed to the task that awaits this, as ``yield from``
    would do."""

    __slots__ = ("coro", "yielded")

    def __init__(self, coro: Coroutine[Any, Any, Any], yielded: Any) -> None:
        self.coro, self.yielded = coro, yielded

    def __await__(self) -> Generator[Any, Any, None]:
        value = self.yielded
        while True:
            try:
                sent = yield value
            except BaseException as exc:  # noqa: BLE001 - cancellation goes on to the coroutine
                try:
                    value = self.coro.throw(exc)
                except StopIteration:
                    return
            else:
                try:
                    value = self.coro.send(sent)
                except StopIteration:
                    return


def start_eagerly(coro: Coroutine[Any, Any, Any]) -> _CarryOn | None:
    """Run ``coro`` up to its first suspension. None when it finished without one; otherwise an
    awaitable that carries it on. Exceptions it raises before suspending reach the caller."""
    try:
        yielded = coro.send(None)
    except StopIteration:
        return None
    return _CarryOn(coro, yielded)


@dataclass(eq=False, slots=True)
class Socket:
    """A connected client as the hub sees it: where it is in its view's stream, and its way out."""

    view: str
    participant_id: int | None
    send_text: Callable[[str], Coroutine[Any, Any, None]]
    close: Callable[[int], Coroutine[Any, Any, None]]
    # The seat's number within the exercise: what a ``participant.left`` frame names.
    participant_number: int | None = None
    # An account's socket: its user, and the API token it authenticated with (None: a session).
    user_id: int | None = None
    token: str | None = None
    # A page's socket (``?page=room``) gets its regions pushed in this language; None: an API
    # client, which gets events only.
    page: str | None = None
    lang: str = "en"
    cursor: int = 0
    live: bool = False
    id: str = field(default_factory=lambda: secrets.token_hex(12))
    # Frames (or, last, a close code) waiting behind a send the client has not taken yet. None
    # while nothing waits: an idle socket holds no queue and no task.
    backlog: deque[Item] | None = None
    sender: asyncio.Task[None] | None = None
    closed: bool = False
    # A page's socket: by region key, the digest of the HTML last pushed to it and the position
    # of the frame that carried it (``wargame.realtime.screens`` pushes only what differs).
    shown: dict[str, tuple[bytes, int]] = field(default_factory=dict)

    def push(self, item: Item, limit: int) -> bool:
        """Send a frame (a str or regions) or close with a code (an int) after what is already on
        its way. False when ``limit`` frames already wait: the client reads too slowly."""
        if self.closed:
            return True
        if self.backlog is not None:
            if isinstance(item, RegionsFrame):
                self._supersede(item)
            if not isinstance(item, int) and len(self.backlog) >= limit:
                return False
            self.backlog.append(item)
            return True
        self._send_now(item)
        return True

    def _supersede(self, newer: RegionsFrame) -> None:
        """Drop waiting regions frames the newer one covers, and the oldest past the bound."""
        assert self.backlog is not None  # noqa: S101 - called only with a backlog
        queued = [i for i in self.backlog if isinstance(i, RegionsFrame)]
        dropped = {id(i) for i in queued if i.covers <= newer.covers}
        kept = [i for i in queued if id(i) not in dropped]
        past_bound = kept[: max(0, len(kept) - MAX_QUEUED_REGIONS + 1)]
        if past_bound:
            # The page will not get what those carried: the next push carries every region.
            self.shown.clear()
        dropped |= {id(i) for i in past_bound}
        if dropped:
            self.backlog = deque(i for i in self.backlog if id(i) not in dropped)

    def abort(self, code: int) -> None:
        """Drop the backlog and close with ``code`` next (the client resumes from its seq)."""
        self.live = False
        if self.backlog is not None:
            self.backlog.clear()
        self.push(code, 1)

    def _send_now(self, item: Item) -> None:
        if isinstance(item, int):
            self.closed = True
            coro = self.close(item)
        else:
            coro = self.send_text(item.text if isinstance(item, RegionsFrame) else item)
        try:
            waiting = start_eagerly(coro)
        except _CLIENT_GONE:
            self._gone()
            return
        if waiting is not None:
            self.backlog = deque()
            self.sender = asyncio.ensure_future(self._drain(waiting))

    async def _drain(self, waiting: _CarryOn) -> None:
        try:
            await waiting
            while self.backlog:
                item = self.backlog.popleft()
                if isinstance(item, int):
                    self.closed = True
                    await self.close(item)
                    break
                await self.send_text(item.text if isinstance(item, RegionsFrame) else item)
        except _CLIENT_GONE:
            self._gone()
        self.backlog = None
        self.sender = None

    def _gone(self) -> None:
        # The client went away mid-send; the consumer's disconnect detaches this socket.
        self.live = False
        self.closed = True
        self.backlog = None
