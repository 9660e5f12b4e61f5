"""Live screens: the regions an event changes, rendered once per page, view and language, and
pushed to every page showing them (docs/architecture.md#live-screens).

When the hub has handed a view's events to its sockets, it tells this module which events they
were. For each (page, view, language) with page sockets here, the regions those events change
are queued as one job: a job still waiting absorbs newer events (its regions merged, its
position raised), so the events of one commit cost one pass. A pass runs on a render thread,
never on the event loop and never inside a writer's transaction; it renders every region the
view's events changed at the view's current position and keeps the renders in the shared cache.
A committed transaction's events reach the hub together, so they are one job.

A socket is sent only the regions whose HTML differs from what was last pushed to it (a digest
per region key); the rest are listed as kept, with the position of the frame that carried them,
and the page fetches one only if it no longer shows that render. One regions frame, encoded once
per distinct set of regions left out (in practice: one for the sockets that have followed, one
for those that just came), goes to every matching socket.

With several server processes, each with sockets of the same group, one of them renders: the
first to claim the group in Redis. The others wait for its renders to appear in the cache
(every region they need at a position no older than theirs) and push those; a claim not honoured
within a second is rendered locally.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import logging
import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DatabaseError, connection

from wargame.exercises.selectors.events import event_kinds_between
from wargame.realtime.outbox import RegionsFrame
from wargame.web.regions.cache import Group, region_cache
from wargame.web.regions.render import Pass, region_pass
from wargame.web.regions.table import PAGES, Changes, changes_of, key_of, merge

if TYPE_CHECKING:
    from collections.abc import Iterable

    from wargame.realtime.outbox import Socket
    from wargame.web.regions.cache import RegionCache

logger = logging.getLogger(__name__)

# Renders hold the GIL: a second thread overlaps one pass's database reads with another's
# templates; more would only queue. Each keeps its own database connection.
_RENDER = ThreadPoolExecutor(
    max_workers=int(getattr(settings, "RENDER_THREADS", 2)), thread_name_prefix="wargame-render"
)
CLAIM_WAIT_S = 1.0
CLAIM_POLL_S = 0.01
# Names this process's claims.
TOKEN = f"{os.getpid()}:{secrets.token_hex(4)}"


@dataclass(slots=True)
class Job:
    """Regions of one group to bring up to date: those ``changes`` names, and any the view's
    events after position ``after`` change, at a position no older than ``upto``."""

    after: int
    upto: int
    changes: Changes = field(default_factory=dict)
    # Whether ``changes`` names everything the events in (after, upto] change: false for a
    # reconnect's catch-up until its events are read (``_completed``).
    complete: bool = True


def _kept_pass(cache: RegionCache, group: Group, job: Job) -> Pass | None:
    """The job done from the cache: every region it names kept at a position no older than
    ``upto`` (rendered by another process, or asked for by a page meanwhile)."""
    if not job.complete:
        return None
    keys: list[str] = []
    for name, variants in job.changes.items():
        region = PAGES[group.page].regions.get(name)
        if region is None:
            continue
        if not region.shared:
            return None  # rendered for each push, never kept
        if region.variant is None:
            keys.append(name)
            continue
        shown = variants if variants is not None else cache.variants(group, name)
        if not shown:
            return None
        keys += [key_of(name, variant) for variant in shown]
    entries = cache.get_many(group, keys)
    if len(entries) < len(keys) or any(e.position < job.upto for e in entries.values()):
        return None
    position = min((e.position for e in entries.values()), default=job.upto)
    html = {key: entry.html for key, entry in entries.items() if entry.html is not None}
    return Pass(position, html, tuple(job.changes))


def _completed(group: Group, job: Job) -> Job:
    """A catch-up job with the regions its events change read from the log, so that a render
    another process made at a position no older serves it too (a class reconnecting to two
    processes at once is rendered once)."""
    kinds = event_kinds_between(
        exercise_id=group.exercise_id, view=group.view, after=job.after, upto=job.upto
    )
    changes = changes_of(PAGES[group.page], ((kind, channel) for _at, kind, channel in kinds))
    return Job(job.after, job.upto, merge(job.changes, changes))


def _attempt(group: Group, job: Job, *, force: bool) -> Pass | None:
    """On a render thread: the job from the cache, or rendered under the group's claim (or
    without it once ``force``); None while another process holds the claim."""
    cache = region_cache()
    try:
        kept = _kept_pass(cache, group, job)
        if kept is not None:
            return kept
        if not (force or cache.claim(group, TOKEN)):
            return None
        try:
            # Whoever held the claim may have kept these renders between the look above and
            # the claim: look again before rendering them a second time.
            kept = _kept_pass(cache, group, job)
            if kept is not None:
                return kept
            return region_pass(group, job.changes, after=job.after, cache=cache)
        finally:
            cache.release(group, TOKEN)
    except DatabaseError:
        connection.close()  # broken (a restarted database): the next pass reconnects
        raise


class Screens:
    """This process's render jobs, one per group at a time, and their pushes."""

    def __init__(self, buffer: int) -> None:
        self.buffer = buffer
        self.jobs: dict[Group, Job] = {}
        self.running: set[Group] = set()
        self.tasks: set[asyncio.Task[None]] = set()
        # Each group's page sockets, kept by the hub as sockets come and go, and the groups of
        # each exercise's view.
        self.sockets: dict[Group, set[Socket]] = {}
        self.groups: dict[tuple[int, str], set[Group]] = {}

    # --- sockets --------------------------------------------------------------------------------

    def join(self, exercise_id: int, sock: Socket) -> None:
        if sock.page is not None:
            group = self._group(exercise_id, sock)
            self.sockets.setdefault(group, set()).add(sock)
            self.groups.setdefault((exercise_id, sock.view), set()).add(group)

    def leave(self, exercise_id: int, sock: Socket) -> None:
        if sock.page is None:
            return
        group = self._group(exercise_id, sock)
        members = self.sockets.get(group)
        if members is not None:
            members.discard(sock)
            if not members:
                del self.sockets[group]
                of_view = self.groups.get((exercise_id, sock.view), set())
                of_view.discard(group)
                if not of_view:
                    self.groups.pop((exercise_id, sock.view), None)

    @staticmethod
    def _group(exercise_id: int, sock: Socket) -> Group:
        assert sock.page is not None  # noqa: S101 - only page sockets have a group
        return Group(exercise_id, sock.page, sock.view, sock.lang)

    # --- what changed ---------------------------------------------------------------------------

    def delivered(
        self,
        exercise_id: int,
        view: str,
        after: int,
        upto: int,
        kinds: Iterable[tuple[str, object]],
    ) -> None:
        """The view's events after ``after`` up to ``upto`` (their types and channels) went to
        its sockets: queue the regions they change for every group of that view here."""
        groups = self.groups.get((exercise_id, view))
        if not groups:
            return
        kinds = list(kinds)
        for group in groups:
            changes = changes_of(PAGES[group.page], kinds)
            if changes:
                self.queue(group, after, upto, changes)

    def caught_up(self, exercise_id: int, sock: Socket, since: int, upto: int) -> None:
        """A page's socket replayed its view after ``since``: bring every region those events
        changed up to date for its group (one pass for every socket reconnecting at once)."""
        if sock.page is not None and upto > since:
            self.queue(self._group(exercise_id, sock), since, upto, {}, complete=False)

    def queue(
        self, group: Group, after: int, upto: int, changes: Changes, *, complete: bool = True
    ) -> None:
        job = self.jobs.get(group)
        if job is None:
            self.jobs[group] = Job(after, upto, changes, complete)
        else:
            job.after = min(job.after, after)
            job.upto = max(job.upto, upto)
            job.changes = merge(job.changes, changes)
            job.complete = job.complete and complete
        if group not in self.running:
            self.running.add(group)
            task = asyncio.ensure_future(self._run(group))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    # --- rendering and pushing ------------------------------------------------------------------

    async def _run(self, group: Group) -> None:
        try:
            # One turn of the loop first: the other events of the same commit are handed over
            # one callback each, and join this job rather than making a pass of their own.
            await asyncio.sleep(0)
            while (job := self.jobs.pop(group, None)) is not None:
                if group not in self.sockets:
                    continue
                try:
                    done = await self._render(group, job)
                except Exception:
                    # The pages fetch what they still wait for (live.js): log and go on.
                    logger.warning("regions of %s not rendered", group, exc_info=True)
                    continue
                self._push(group, done)
        finally:
            self.running.discard(group)

    async def _render(self, group: Group, job: Job) -> Pass:
        loop = asyncio.get_running_loop()
        if not job.complete:
            job = await loop.run_in_executor(_RENDER, _completed, group, job)
        deadline = loop.time() + CLAIM_WAIT_S
        while True:
            attempt = functools.partial(_attempt, group, job, force=loop.time() > deadline)
            done = await loop.run_in_executor(_RENDER, attempt)
            if done is not None:
                return done
            await asyncio.sleep(CLAIM_POLL_S)

    def _push(self, group: Group, done: Pass) -> None:
        members = [s for s in self.sockets.get(group, ()) if s.live]
        if not members or not (done.html or done.names):
            return
        regions = PAGES[group.page].regions
        # A region that changes with presence is fetched by the page too: always sent.
        digests = {
            key: hashlib.blake2b(html.encode(), digest_size=16).digest()
            for key, html in done.html.items()
            if regions[key.partition(":")[0]].shared
        }
        frames: dict[tuple[frozenset[str], tuple[tuple[str, int], ...]], RegionsFrame] = {}
        for sock in members:
            kept = {
                key: sock.shown[key][1]
                for key, digest in digests.items()
                if key in sock.shown and sock.shown[key][0] == digest
            }
            sent = frozenset(key for key in done.html if key not in kept)
            signature = (sent, tuple(sorted(kept.items())))
            frame = frames.get(signature)
            if frame is None:
                frame = frames[signature] = _regions_frame(done, sent, kept)
            if not sock.live:
                continue
            if not sock.push(frame, self.buffer):
                sock.abort(4409)
                continue
            for key in sent:
                if key in digests:
                    sock.shown[key] = (digests[key], done.position)
                else:
                    sock.shown.pop(key, None)


def _regions_frame(done: Pass, sent: frozenset[str], kept: dict[str, int]) -> RegionsFrame:
    """The pass's regions frame for the sockets that lack ``sent`` and already hold the rest,
    each as pushed in the frame at the position ``kept`` names (the page checks that it still
    shows that one, and fetches the region otherwise)."""
    body: dict[str, object] = {
        "type": "regions",
        "seq": done.position,
        "names": list(done.names),
        "regions": {key: html for key, html in done.html.items() if key in sent},
    }
    if kept:
        body["kept"] = kept
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return RegionsFrame(text, sent | {f"={name}" for name in done.names})
