"""One hub per server process: fans each exercise's log out to the sockets of this process.

Each event is read from the database once per view and encoded once per view, then queued to
every socket of that view (docs/benchmarks.md#why-ratios-to-a-raw-server: the stock pattern, one
group_send per socket, is 12-60x slower and drops messages). The channel layer carries one doorbell
per process per event; a periodic tick compares each room's last known ``seq`` with the database, so
events written by a worker, by another process, or while Redis was down still arrive. A socket whose
bounded buffer overflows is closed with 4409 and resumes from its last ``seq``: nothing is lost."""

from __future__ import annotations

import asyncio
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from wargame.exercises.events import EventType
from wargame.exercises.models import EventView, Exercise
from wargame.exercises.selectors.access import Seat, seats_still_allowed
from wargame.exercises.selectors.presence import presence_frames
from wargame.exercises.services.presence import presence_close, presence_open, presence_touch
from wargame.realtime.doorbell import (
    GROUP,
    PROCESS,
    layer_is_shared,
    register_local_hub,
    ring,
)
from wargame.realtime.screens import Screens
from wargame.web.regions.table import CHANNEL_NAMED

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
    from datetime import datetime

    from wargame.exercises.notify import Committed
    from wargame.realtime.outbox import Socket

logger = logging.getLogger(__name__)

BATCH = 500
# Presence dots are not a race: a quarter second is not seen, and a socket reconnecting in a
# loop (a flooder cut with 4429, a flapping link) then costs four broadcasts a second, not twenty.
PRESENCE_COALESCE_SECONDS = 0.25


@dataclass(frozen=True, slots=True)
class Frame:
    position: int
    type: str
    text: str
    participant_left: int | None = None
    channel: object = None  # the channel a message names: the page regions it changes


@dataclass(frozen=True, slots=True)
class Taken:
    """One committed event as handed to the loop: the views it was appended to, and its frame
    for each of them this process had sockets of when it was encoded."""

    audience: frozenset[str]
    frames: dict[str, Frame]


def _frame(
    view: str,
    position: int,
    kind: str,
    created_at: datetime,
    shared: Mapping[str, Any],
    per_view: Mapping[str, Mapping[str, Any]],
) -> Frame:
    payload = per_view.get(view, shared)
    text = json.dumps(
        {
            "seq": position,
            "type": kind,
            "at": created_at.isoformat().replace("+00:00", "Z"),
            "payload": payload,
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )
    left = payload.get("participant_id") if kind == EventType.PARTICIPANT_LEFT else None
    channel = payload.get("channel") if kind in CHANNEL_NAMED else None
    return Frame(position, kind, text, left, channel)


def _frames_sync(exercise_id: int, view: str, since: int, limit: int) -> list[Frame]:
    # Plain rows, not model instances: building two models per event was most of a replay's
    # cost (docs/benchmarks.md#goal-replay).
    rows = (
        EventView.objects.filter(exercise_id=exercise_id, view=view, position__gt=since)
        .order_by("position")
        .values_list(
            "position", "event__type", "event__created_at", "event__payload", "event__view_payloads"
        )[:limit]
    )
    return [_frame(view, *row) for row in rows]


def _news_sync(exercise_id: int, cursors: dict[str, int], limit: int) -> dict[str, list[Frame]]:
    """One pump's reads in one trip to the reader thread: each view's frames after its cursor.

    The exercise row's last position per view, committed with the events, says which views have
    news: a message reaches two or three of the six views, and reading the others cost a
    statement each, for every write, in every other server process. A view that grows after
    this read rings its own doorbell (and the tick reads it), so skipping it now loses nothing.
    """
    row = Exercise.objects.filter(pk=exercise_id).values_list("view_positions", flat=True).first()
    positions: Mapping[str, int] = row or {}
    return {
        view: _frames_sync(exercise_id, view, since, limit)
        if positions.get(view, 0) > since
        else []
        for view, since in cursors.items()
    }


def _latest_sync(exercise_ids: list[int]) -> dict[int, int]:
    return dict(Exercise.objects.filter(pk__in=exercise_ids).values_list("pk", "last_seq"))


def _latest_position_sync(exercise_id: int, view: str) -> int:
    row = (
        EventView.objects.filter(exercise_id=exercise_id, view=view)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    return int(row or 0)


# The hub's reads run on two threads of their own, each keeping its database connection open
# between reads: under CONN_MAX_AGE=0 closing after every read meant a new PostgreSQL connection
# per pump. Two threads bound the connections a server process holds for fan-out.
_READER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="wargame-hub-db")
_Params = ParamSpec("_Params")
_Result = TypeVar("_Result")


def _reader(read: Callable[_Params, _Result]) -> Callable[_Params, Awaitable[_Result]]:
    def guarded(*args: _Params.args, **kwargs: _Params.kwargs) -> _Result:
        try:
            return read(*args, **kwargs)
        except DatabaseError:
            connection.close()  # broken (a restarted database): the next read reconnects
            raise

    return sync_to_async(guarded, thread_sensitive=False, executor=_READER)


fetch_frames = _reader(_frames_sync)
fetch_latest = _reader(_latest_sync)
fetch_news = _reader(_news_sync)
latest_position = _reader(_latest_position_sync)
still_allowed = _reader(seats_still_allowed)


@dataclass(eq=False)
class Room:
    exercise_id: int
    sockets: dict[str, set[Socket]] = field(default_factory=dict)
    delivered: dict[str, int] = field(default_factory=dict)
    seen_seq: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    pumping: bool = False
    dirty: bool = False
    presence_pending: bool = False

    def live_sockets(self) -> list[Socket]:
        return [s for group in self.sockets.values() for s in group if s.live]


class Hub:
    def __init__(self) -> None:
        self.rooms: dict[int, Room] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self.channel: str | None = None
        self.tasks: list[asyncio.Task[None]] = []
        self.inflight: set[asyncio.Future[None]] = set()
        self.buffer = int(getattr(settings, "WS_SEND_BUFFER", 1000))
        self.screens = Screens(self.buffer)

    # --- start-up and background work -----------------------------------------------------------

    def ensure_started(self) -> None:
        if self.loop is not None:
            return
        self.loop = asyncio.get_running_loop()
        register_local_hub(self)
        self.tasks.append(self.loop.create_task(self._tick_forever()))
        if layer_is_shared():
            self.tasks.append(self.loop.create_task(self._listen_forever()))

    def poke_threadsafe(self, exercise_id: int, kind: str = "log") -> None:
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.poke, exercise_id, kind)

    def take_threadsafe(self, exercise_id: int, events: Sequence[Committed]) -> None:
        """A transaction's events just committed in this process: encode them here, in the
        writer's thread, for the views this process has sockets of, and hand them to the loop
        together, without a database read. The loop falls back to a pump whenever that would not
        be exact."""
        if self.loop is None or self.loop.is_closed():
            return
        room = self.rooms.get(exercise_id)
        if room is None:
            return
        views = list(room.sockets)
        batch = [
            Taken(
                frozenset(event.positions),
                {
                    view: _frame(
                        view,
                        event.positions[view],
                        event.type,
                        event.created_at,
                        event.payload,
                        event.view_payloads,
                    )
                    for view in views
                    if view in event.positions
                },
            )
            for event in events
        ]
        self.loop.call_soon_threadsafe(self._take, exercise_id, batch)

    def _take(self, exercise_id: int, batch: list[Taken]) -> None:
        room = self.rooms.get(exercise_id)
        if room is None:
            return
        if room.lock.locked() or room.pumping:
            # Someone is reading the log (a pump, a replay seam): it reads what is due, in
            # order, from the database.
            self.poke(exercise_id)
            return
        views = {view: [s for s in group if s.live] for view, group in room.sockets.items()}
        delivered = dict(room.delivered)
        due: list[tuple[list[Socket], Frame]] = []
        for taken in batch:
            for view, live in views.items():
                if not live or view not in taken.audience:
                    continue
                frame = taken.frames.get(view)
                at = delivered.get(view)
                if frame is None or at is None or frame.position > at + 1:
                    # A view whose sockets came after the encoding, or a frame that is not the
                    # next one: the pump reads what is due from the database.
                    self.poke(exercise_id)
                    return
                if frame.position == at + 1:
                    due.append((live, frame))
                    delivered[view] = frame.position
        # Every frame first, then the regions they change: the screens of one commit are one
        # render job per group.
        for live, frame in due:
            self._deliver(live, frame)
            room.delivered[live[0].view] = frame.position
        for live, frame in due:
            kind = [(frame.type, frame.channel)]
            self.screens.delivered(
                exercise_id, live[0].view, frame.position - 1, frame.position, kind
            )

    def poke(self, exercise_id: int, kind: str = "log") -> None:
        if kind == "revoke":
            rooms = [self.rooms[exercise_id]] if exercise_id in self.rooms else []
            self._keep(self.recheck(rooms if exercise_id else list(self.rooms.values())))
            return
        room = self.rooms.get(exercise_id)
        if room is None:
            return
        if kind == "presence":
            if room.presence_pending:
                return  # one update already on its way will carry this change too
            room.presence_pending = True
            work = self._presence_soon(room)
        else:
            work = self.pump(room)
        self._keep(work)

    def _keep(self, work: Coroutine[Any, Any, None]) -> None:
        # The loop holds tasks weakly: keep each until it finishes.
        task = asyncio.ensure_future(work)
        self.inflight.add(task)
        task.add_done_callback(self.inflight.discard)

    async def recheck(self, rooms: list[Room]) -> None:
        """Close (4403, after what is already on its way) every account's socket whose access
        was revoked: deactivated, its API token deleted, or no longer a facilitator."""
        for room in rooms:
            accounts = [s for group in room.sockets.values() for s in group if s.user_id]
            if not accounts:
                continue
            seats = [Seat(user_id=s.user_id, token=s.token) for s in accounts]
            allowed = await still_allowed(room.exercise_id, seats)
            for sock, ok in zip(accounts, allowed, strict=True):
                if not ok:
                    sock.live = False
                    sock.push(4403, self.buffer)

    async def _tick_forever(self) -> None:
        interval = 0.25 if not layer_is_shared() else 1.0
        touch_every = max(1, int(10 / interval))
        beats = 0
        while True:
            await asyncio.sleep(interval)
            beats += 1
            try:
                await self._tick()
                if beats % touch_every == 0:
                    # In case the news of a revocation was lost (the layer promises nothing).
                    await self.recheck(list(self.rooms.values()))
                    await sync_to_async(presence_touch, thread_sensitive=False)(
                        process=PROCESS, now=timezone.now()
                    )
            except Exception:
                logger.warning("realtime tick failed; retrying", exc_info=True)

    async def _tick(self) -> None:
        if not self.rooms:
            return
        latest = await fetch_latest(list(self.rooms))
        for exercise_id, seq in latest.items():
            room = self.rooms.get(exercise_id)
            if room is not None and seq > room.seen_seq:
                await self.pump(room)
                # Read before the pump, so the pump (or the one it joined) read at least this far.
                room.seen_seq = seq

    async def _listen_forever(self) -> None:
        """Receive doorbells; after a layer error, rejoin the group (Redis may have restarted
        and forgotten it) and pump every room, since rings may have been lost meanwhile."""
        layer = get_channel_layer()
        rejoin_every = max(
            10.0,
            float(settings.CHANNEL_LAYERS["default"].get("CONFIG", {}).get("group_expiry", 86400))
            / 2,
        )
        while True:
            try:
                if self.channel is None:
                    # One channel for the process's life: a new one after a layer error (a
                    # read timeout is enough) left the old one in the group until group_expiry,
                    # a day by default, collecting doorbells nobody reads.
                    self.channel = await layer.new_channel(prefix="wargame.hub.")
                await layer.group_add(GROUP, self.channel)
                joined = asyncio.get_running_loop().time()
                for room in list(self.rooms.values()):
                    await self.pump(room)
                while True:
                    if asyncio.get_running_loop().time() - joined > rejoin_every:
                        await layer.group_add(GROUP, self.channel)  # group_expiry (channels#1371)
                        joined = asyncio.get_running_loop().time()
                    try:
                        message = await asyncio.wait_for(layer.receive(self.channel), 5)
                    except TimeoutError:
                        continue
                    if message.get("from") == PROCESS:
                        continue  # rung by this process, whose hub was poked at the commit
                    self.poke(int(message.get("exercise", 0)), str(message.get("kind", "log")))
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("channel layer lost; rejoining in 1 s", exc_info=True)
                await asyncio.sleep(1)

    # --- sockets --------------------------------------------------------------------------------

    async def attach(self, exercise_id: int, sock: Socket, since: int) -> int:
        """Replay the view after ``since``, then make the socket live with no gap and no
        duplicate at the seam. Returns the position ``replay.done`` reports."""
        self.ensure_started()
        room = self.rooms.setdefault(exercise_id, Room(exercise_id))
        room.sockets.setdefault(sock.view, set()).add(sock)
        cursor = since
        latest = await latest_position(exercise_id, sock.view)
        if since >= latest:
            cursor = latest if since > latest else since
        # The bulk of a long replay runs without the room lock, so others keep receiving.
        cursor = await self._replay(exercise_id, sock, cursor, latest_known=latest, since=since)
        async with room.lock:
            cursor = await self._replay(exercise_id, sock, cursor, latest_known=None, since=since)
            sock.cursor = cursor
            await sock.send_text(json.dumps({"type": "replay.done", "seq": cursor}))
            sock.live = True
            room.delivered.setdefault(sock.view, cursor)
            self.screens.join(exercise_id, sock)
            if since <= cursor:
                # What the page missed while away: one regions frame after replay.done.
                self.screens.caught_up(exercise_id, sock, since, cursor)
        await sync_to_async(presence_open, thread_sensitive=False)(
            exercise_id=exercise_id,
            socket=sock.id,
            process=PROCESS,
            view=sock.view,
            participant_id=sock.participant_id,
            now=timezone.now(),
        )
        await sync_to_async(ring, thread_sensitive=False)(exercise_id, "presence")
        return cursor

    async def _replay(
        self, exercise_id: int, sock: Socket, cursor: int, *, latest_known: int | None, since: int
    ) -> int:
        if since > cursor:
            return cursor  # the client's numbers are ahead of the log: replay nothing
        while latest_known is None or cursor < latest_known:
            frames = await fetch_frames(exercise_id, sock.view, cursor, BATCH)
            for frame in frames:
                await sock.send_text(frame.text)
                cursor = frame.position
            if len(frames) < BATCH:
                break
        return cursor

    async def detach(self, exercise_id: int, sock: Socket) -> None:
        self.screens.leave(exercise_id, sock)
        room = self.rooms.get(exercise_id)
        if room is not None:
            group = room.sockets.get(sock.view, set())
            group.discard(sock)
            if not group:
                room.sockets.pop(sock.view, None)
                room.delivered.pop(sock.view, None)
            if not room.sockets:
                self.rooms.pop(exercise_id, None)
        if sock.sender is not None:
            sock.sender.cancel()
        try:
            await sync_to_async(presence_close, thread_sensitive=False)(socket=sock.id)
            await sync_to_async(ring, thread_sensitive=False)(exercise_id, "presence")
        except Exception:
            logger.warning("presence not closed for socket %s", sock.id, exc_info=True)

    # --- delivery -------------------------------------------------------------------------------

    async def pump(self, room: Room) -> None:
        """Read what each view has not yet received and queue it to that view's sockets."""
        if room.pumping:
            room.dirty = True
            return
        room.pumping = True
        try:
            while True:
                room.dirty = False
                async with room.lock:
                    await self._pump_once(room)
                if not room.dirty:
                    return
        finally:
            room.pumping = False

    async def _pump_once(self, room: Room) -> None:
        views = {view: [s for s in group if s.live] for view, group in room.sockets.items()}
        cursors = {
            view: room.delivered.get(view, min(s.cursor for s in live))
            for view, live in views.items()
            if live
        }
        while cursors:
            news = await fetch_news(room.exercise_id, cursors, BATCH)
            for view, frames in news.items():
                before = cursors[view]
                for index, frame in enumerate(frames, 1):
                    self._deliver(views[view], frame)
                    cursors[view] = frame.position
                    if index % max(1, self.buffer // 2) == 0:
                        # Let each socket's sender pass on what its client takes now: without
                        # this, a burst over WS_SEND_BUFFER frames cut every socket of the view
                        # with 4409, not only the ones that fell behind.
                        await asyncio.sleep(0)
                room.delivered[view] = max(room.delivered.get(view, 0), cursors[view])
                if frames:
                    kinds = [(frame.type, frame.channel) for frame in frames]
                    self.screens.delivered(room.exercise_id, view, before, cursors[view], kinds)
            cursors = {view: cursors[view] for view, frames in news.items() if len(frames) == BATCH}

    def _deliver(self, live: list[Socket], frame: Frame) -> None:
        for sock in live:
            if not sock.live or frame.position <= sock.cursor:
                continue
            if not sock.push(frame.text, self.buffer):
                sock.abort(4409)
                continue
            sock.cursor = frame.position
            if frame.participant_left is not None and frame.participant_left == (
                sock.participant_number
            ):
                # Removed or moved: this frame is its last (4403 at once,
                # docs/interface.md#close-codes).
                sock.live = False
                sock.push(4403, self.buffer)

    async def _presence_soon(self, room: Room) -> None:
        """Coalesce: a class joining at once costs one presence update per room, not one per
        socket each (which made a connect storm quadratic)."""
        await asyncio.sleep(PRESENCE_COALESCE_SECONDS)
        room.presence_pending = False
        await self.send_presence(room)

    async def send_presence(self, room: Room) -> None:
        live = room.live_sockets()
        if not live:
            return
        frames = await sync_to_async(presence_frames, thread_sensitive=False)(
            exercise_id=room.exercise_id, now=timezone.now(), views={s.view for s in live}
        )
        for sock in live:
            if sock.live and not sock.push(frames[sock.view], self.buffer):
                sock.abort(4409)


HUB = Hub()
