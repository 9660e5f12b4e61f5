"""Simulated browsers: one WebSocket each, authenticated by the page's cookies, and a model of what
the page does with each frame. The model is the only part a new live-screens mechanism changes:
register it in MODELS and the same harness measures it.

- ``plain``: a socket client that does nothing with a frame (the frame latency baseline).
- ``refetch``: live.js before regions were pushed. On each frame, every region whose
  ``data-refresh`` names the frame's type (or ``*``) is fetched again 120 ms later (a region
  already waiting is not scheduled twice); presence frames refresh the regions that name
  ``presence``. The browser is current once it has the action's last frame and every fetch it
  caused has been answered.
- ``pushed``: today's live.js. The socket asks for the page's regions (``&page=room&lang=ja``);
  an event marks the regions it names as waiting for a regions frame at its position or later,
  and a regions frame swaps in the HTML of the regions it carries (parsed, as a browser parses
  it) and ends the wait of every region it names; a region it lists as kept (unchanged since
  the frame at a position) is fetched unless that is the one it shows. A region still waiting
  after live.js's fallback delay is fetched; presence frames refresh the regions that name
  ``presence`` by fetching them. The browser is current once it has the action's last frame and
  no region waits.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, ClassVar

import h11
import websockets
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from bench.httpget import Browser as Http
from bench.loadclient import at_seconds

if TYPE_CHECKING:
    from bench.screens.pages import Page, Region, Seat

LIVE_JS_REFRESH_DELAY_S = 0.120  # the refetching live.js's delay before a fetch
LIVE_JS_FALLBACK_S = 3.0  # FALLBACK_MS in static/js/wargame/live.js


@dataclass(frozen=True, slots=True)
class Seen:
    """A log frame as it arrived: when, its view position, type, insert time and size."""

    arrival: float
    seq: int
    type: str
    at: float
    size: int


class SimBrowser:
    model: ClassVar[str] = "base"

    def __init__(self, seat: Seat, page: Page, base: str) -> None:
        self.seat, self.page, self.base = seat, page, base
        self.http = Http(base, seat.headers())
        self.frames: list[Seen] = []
        self.seq = page.since
        self.busy = 0
        self.idle_at = 0.0
        self.bytes_in = 0
        self.statuses: Counter[int] = Counter()  # 0: no answer (its reason in ``errors``)
        self.errors: Counter[str] = Counter()
        self.gaps = 0
        self.ready = asyncio.Event()
        self.ws: ClientConnection | None = None
        self.reader: asyncio.Task[None] | None = None
        self.close_code: int | None = None

    # --- the socket -----------------------------------------------------------------------------

    def ws_query(self) -> str:
        return f"?since={self.page.since}"

    async def open(self) -> None:
        url = self.base.replace("http", "ws", 1) + self.page.ws_path + self.ws_query()
        self.ws = await connect(
            url,
            origin=Origin(self.base),
            additional_headers=[("Cookie", self.seat.cookie_header())],
            compression=None,  # the server declines permessage-deflate
            max_size=None,
            max_queue=None,
            ping_interval=None,
            open_timeout=60,
        )
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        if self.ws is None:
            return
        try:
            async for raw in self.ws:
                arrival = time.time()
                text = raw if isinstance(raw, str) else raw.decode()
                self.bytes_in += len(text.encode())
                self.on_frame(json.loads(text), arrival, len(text))
        except websockets.ConnectionClosed:
            pass
        self.close_code = self.ws.close_code
        self.ready.set()

    def on_frame(self, frame: dict[str, Any], arrival: float, size: int) -> None:
        kind = frame.get("type")
        if kind == "replay.done":
            self.ready.set()
            return
        if kind == "presence":
            self.on_presence(frame)
            return
        if kind == "regions":
            self.on_regions(frame)
            return
        seq = frame.get("seq")
        if not isinstance(seq, int) or seq <= self.seq:
            return
        if seq != self.seq + 1:
            self.gaps += 1  # live.js closes and resumes; a gap is a fault the rows report
            return
        self.seq = seq
        self.frames.append(Seen(arrival, seq, str(kind), at_seconds(frame["at"]), size))
        self.on_event(frame)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await asyncio.wait([self.reader], timeout=10)
        self.http.close()

    # --- what the page does ---------------------------------------------------------------------

    def on_event(self, frame: dict[str, Any]) -> None:
        """A log frame, in order."""

    def on_presence(self, frame: dict[str, Any]) -> None:
        """A presence frame (not in the log)."""

    def on_regions(self, frame: dict[str, Any]) -> None:
        """A regions frame (not in the log)."""

    def current_at(self, target: int) -> float | None:
        """When this browser had applied everything up to view position ``target``; None while
        it has not."""
        if self.seq < target or self.busy:
            return None
        arrival = next(seen.arrival for seen in reversed(self.frames) if seen.seq == target)
        return max(arrival, self.idle_at)

    def frames_between(self, before: int, target: int) -> list[Seen]:
        return [seen for seen in self.frames if before < seen.seq <= target]

    def _busy(self, delta: int) -> None:
        self.busy += delta
        if self.busy == 0:
            self.idle_at = time.time()


class PlainSocket(SimBrowser):
    model = "plain"


class Refetch(SimBrowser):
    model = "refetch"

    def __init__(self, seat: Seat, page: Page, base: str) -> None:
        super().__init__(seat, page, base)
        self.pending: set[Region] = set()
        self.fetches: set[asyncio.Task[None]] = set()

    def on_event(self, frame: dict[str, Any]) -> None:
        for region in self.page.regions_for(str(frame.get("type"))):
            self._schedule(region)

    def on_presence(self, frame: dict[str, Any]) -> None:
        for region in self.page.regions_for("presence"):
            self._schedule(region)

    def _schedule(self, region: Region) -> None:
        if region in self.pending:
            return
        self.pending.add(region)
        self._busy(+1)
        asyncio.get_running_loop().call_later(LIVE_JS_REFRESH_DELAY_S, self._fire, region)

    def _fire(self, region: Region) -> None:
        self.pending.discard(region)
        task = asyncio.ensure_future(self._fetch(region))
        self.fetches.add(task)
        task.add_done_callback(self.fetches.discard)

    async def _fetch(self, region: Region) -> None:
        try:
            answer = await self.http.get(region.src, [("X-Requested-With", "fetch")])
            self.statuses[answer.status] += 1
            self.bytes_in += len(answer.body)
        except (OSError, h11.ProtocolError) as exc:
            self.statuses[0] += 1  # no answer at all: counted with the non-2xx
            self.errors[f"{type(exc).__name__}: {exc}"] += 1
        finally:
            self._busy(-1)


class _Swallow(HTMLParser):
    """Parses a region's HTML as a browser would before it can show it, and keeps nothing."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        return None


class Pushed(Refetch):
    model = "pushed"

    def __init__(self, seat: Seat, page: Page, base: str) -> None:
        super().__init__(seat, page, base)
        self.shown: dict[Region, int] = dict.fromkeys(page.regions, page.since)
        self.awaiting: dict[Region, int] = {}
        self.fallbacks: dict[Region, asyncio.TimerHandle] = {}
        self.regions_frames = 0
        self.fell_back = 0  # regions fetched because no push came in time

    def ws_query(self) -> str:
        if not self.page.kind:
            return super().ws_query()
        return f"{super().ws_query()}&page={self.page.kind}&lang={self.seat.lang}"

    def on_event(self, frame: dict[str, Any]) -> None:
        seq = int(frame["seq"])
        for region in self.page.regions_for(str(frame.get("type"))):
            if not region.name or not self.page.kind:
                self._schedule(region)  # no pushes for it: fetched, as a page without them
                continue
            if self.shown[region] >= seq:
                continue
            if region not in self.awaiting:
                self._busy(+1)
                loop = asyncio.get_running_loop()
                self.fallbacks[region] = loop.call_later(
                    LIVE_JS_FALLBACK_S, self._fall_back, region
                )
            self.awaiting[region] = max(self.awaiting.get(region, 0), seq)

    def on_regions(self, frame: dict[str, Any]) -> None:
        self.regions_frames += 1
        seq = int(frame["seq"])
        html: dict[str, str] = frame.get("regions") or {}
        names = set(frame.get("names") or ())
        kept: dict[str, int] = frame.get("kept") or {}
        for region in self.page.regions:
            text = html.get(region.key)
            since = kept.get(region.key)
            if text is None and since is not None and self.shown[region] != since:
                # What it shows is not the render the server says it holds: fetched.
                self.fell_back += 1
                self._busy(+1)
                self._fire(region)
            if text is not None and seq >= self.shown[region]:
                parser = _Swallow()
                parser.feed(text)
                parser.close()
                self.shown[region] = seq
            if region.name in names or text is not None:
                self._settle(region, seq)

    def _settle(self, region: Region, seq: int) -> None:
        waiting = self.awaiting.get(region)
        if waiting is None or waiting > seq:
            return
        del self.awaiting[region]
        timer = self.fallbacks.pop(region, None)
        if timer is not None:
            timer.cancel()
        self._busy(-1)

    def _fall_back(self, region: Region) -> None:
        self.fallbacks.pop(region, None)
        if self.awaiting.pop(region, None) is None:
            return
        # The wait's busy mark passes to the fetch, which answers the region as it stands now.
        self.fell_back += 1
        self._fire(region)


MODELS: dict[str, type[SimBrowser]] = {
    model.model: model for model in (PlainSocket, Refetch, Pushed)
}
