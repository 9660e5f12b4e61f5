"""The screens benchmark's simulated browser does what live.js does: it reads its regions from the
page's HTML, fetches each region an event names once per 120 ms wait, fetches presence regions on
presence frames, and is current only once every fetch it caused has been answered."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest

from bench.screens.browsers import LIVE_JS_FALLBACK_S, LIVE_JS_REFRESH_DELAY_S, Pushed, Refetch
from bench.screens.pages import Page, Region, Seat, page_of
from tests.web.test_room_helpers import html, room_url, to_deliberation
from wargame.web.regions.table import ROOM_PAGE

if TYPE_CHECKING:
    from tests.web.conftest import WebCast


class Fragments:
    """A loopback HTTP server that answers every GET with a small fragment and counts paths."""

    def __init__(self) -> None:
        self.paths: Counter[str] = Counter()
        self.server: asyncio.Server | None = None

    async def __aenter__(self) -> str:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def __aexit__(self, *exc: object) -> None:
        if self.server is not None:
            self.server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = await reader.readuntil(b"\r\n\r\n") if not reader.at_eof() else b""
            if not head:
                break
            self.paths[head.split(b" ")[1].decode()] += 1
            body = b"<p>fragment</p>"
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            await writer.drain()
        writer.close()


def frame(seq: int, kind: str) -> dict[str, Any]:
    at = dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")
    return {"seq": seq, "type": kind, "at": at, "payload": {}}


PAGE = Page(
    ws_path="/ws/exercises/1/",
    since=10,
    regions=(
        Region("/a/", frozenset({"inject.released"})),
        Region("/b/", frozenset({"exercise.paused", "phase.changed"})),
        Region("/everything/", frozenset({"*"})),
        Region("/people/", frozenset({"presence"})),
    ),
)
SEAT = Seat("room", "team:US", "en", (("wargame_participant", "x"),))


def test_it_fetches_each_named_region_once_for_events_inside_one_wait() -> None:
    async def scenario() -> tuple[Counter[str], Refetch, bool]:
        fragments = Fragments()
        async with fragments as base:
            browser = Refetch(SEAT, PAGE, base)
            browser.on_frame(frame(11, "inject.released"), 0.0, 10)
            browser.on_frame(frame(12, "inject.released"), 0.0, 10)
            waiting = browser.current_at(12) is None
            await asyncio.sleep(LIVE_JS_REFRESH_DELAY_S + 0.3)
            browser.http.close()
            return fragments.paths, browser, waiting

    paths, browser, waiting = asyncio.run(scenario())
    assert waiting  # not current while its fetches wait
    assert paths == Counter({"/a/": 1, "/everything/": 1})
    assert browser.statuses == Counter({200: 2})
    done = browser.current_at(12)
    assert done is not None
    assert done > browser.frames[-1].arrival


def test_presence_refreshes_the_regions_that_name_it_and_a_gap_is_reported() -> None:
    async def scenario() -> tuple[Counter[str], Refetch]:
        fragments = Fragments()
        async with fragments as base:
            browser = Refetch(SEAT, PAGE, base)
            browser.on_frame({"type": "presence", "teams": {}}, 0.0, 10)
            browser.on_frame(frame(13, "exercise.paused"), 0.0, 10)  # 11 and 12 never came
            await asyncio.sleep(LIVE_JS_REFRESH_DELAY_S + 0.3)
            browser.http.close()
            return fragments.paths, browser

    paths, browser = asyncio.run(scenario())
    assert paths == Counter({"/people/": 1, "/everything/": 1})
    assert browser.gaps == 1
    assert browser.seq == 10


def test_an_event_no_region_names_fetches_nothing_and_is_current_on_arrival() -> None:
    narrow = Page(PAGE.ws_path, PAGE.since, PAGE.regions[:2])

    async def scenario() -> tuple[Counter[str], Refetch]:
        fragments = Fragments()
        async with fragments as base:
            browser = Refetch(SEAT, narrow, base)
            browser.on_frame(frame(11, "message.posted"), 5.0, 10)
            await asyncio.sleep(LIVE_JS_REFRESH_DELAY_S + 0.1)
            browser.http.close()
            return fragments.paths, browser

    paths, browser = asyncio.run(scenario())
    assert paths == Counter()
    assert browser.current_at(11) == 5.0


PUSHED_PAGE = Page(
    PAGE.ws_path,
    PAGE.since,
    (
        Region("/a/", frozenset({"inject.released"}), "injects"),
        Region("/c/?channel=7", frozenset({"message.posted"}), "channel", "7"),
    ),
    "room",
)


def test_the_pushed_model_waits_for_the_regions_frame_and_fetches_nothing() -> None:
    async def scenario() -> tuple[Counter[str], Pushed, bool]:
        fragments = Fragments()
        async with fragments as base:
            browser = Pushed(SEAT, PUSHED_PAGE, base)
            browser.on_frame(frame(11, "inject.released"), 0.0, 10)
            browser.on_frame(frame(12, "message.posted"), 0.0, 10)
            waiting = browser.current_at(12) is None
            regions = {"injects": "<ul><li>Inject</li></ul>"}
            # The channel shown did not change (another one did): named, no HTML for it.
            browser.on_frame(
                {"type": "regions", "seq": 12, "names": ["injects", "channel"], "regions": regions},
                0.0,
                10,
            )
            await asyncio.sleep(0.1)
            browser.http.close()
            return fragments.paths, browser, waiting

    paths, browser, waiting = asyncio.run(scenario())
    assert waiting
    assert paths == Counter()
    assert browser.current_at(12) is not None
    assert browser.regions_frames == 1
    assert browser.fell_back == 0


def test_the_pushed_model_fetches_a_region_whose_push_is_late() -> None:
    async def scenario() -> tuple[Counter[str], Pushed]:
        fragments = Fragments()
        async with fragments as base:
            browser = Pushed(SEAT, PUSHED_PAGE, base)
            browser.on_frame(frame(11, "inject.released"), 0.0, 10)
            await asyncio.sleep(LIVE_JS_FALLBACK_S + 0.3)
            browser.http.close()
            return fragments.paths, browser

    paths, browser = asyncio.run(scenario())
    assert paths == Counter({"/a/": 1})
    assert browser.fell_back == 1
    assert browser.current_at(11) is not None


def test_the_pushed_model_keeps_a_kept_region_it_shows_and_fetches_one_it_does_not() -> None:
    async def scenario() -> tuple[Counter[str], Pushed]:
        fragments = Fragments()
        async with fragments as base:
            browser = Pushed(SEAT, PUSHED_PAGE, base)
            browser.on_frame(frame(11, "inject.released"), 0.0, 10)
            regions = {"injects": "<ul><li>Inject</li></ul>"}
            browser.on_frame(
                {"type": "regions", "seq": 11, "names": ["injects"], "regions": regions}, 0.0, 10
            )
            browser.on_frame(frame(12, "inject.released"), 0.0, 10)
            # Unchanged since the frame at 11, which it shows: nothing to do.
            kept = {"type": "regions", "seq": 12, "names": ["injects"], "regions": {}}
            browser.on_frame({**kept, "kept": {"injects": 11}}, 0.0, 10)
            await asyncio.sleep(0.1)
            assert fragments.paths == Counter()
            # The server says it last sent the frame at 9, which this page does not show.
            browser.on_frame(frame(13, "inject.released"), 0.0, 10)
            browser.on_frame({**kept, "seq": 13, "kept": {"injects": 9}}, 0.0, 10)
            await asyncio.sleep(0.3)
            browser.http.close()
            return fragments.paths, browser

    paths, browser = asyncio.run(scenario())
    assert paths == Counter({"/a/": 1})
    assert browser.current_at(13) is not None


@pytest.mark.django_db
def test_it_reads_the_rooms_regions_from_the_page_as_live_js_does(web_cast: WebCast) -> None:
    to_deliberation(web_cast)
    page = page_of(html(web_cast.players["US"], room_url(web_cast.exercise_id)))
    named = {region.name: region.types for region in page.regions if region.types}
    expected = {
        name: frozenset(region.refresh.split())
        for name, region in ROOM_PAGE.regions.items()
        if region.refresh
    }
    expected.pop("practice")  # a practice room's region only
    assert named == expected
    assert page.ws_path == f"/ws/exercises/{web_cast.exercise_id}/"
    assert page.since > 0
    assert page.kind == "room"
    channel = next(region for region in page.regions if region.name == "channel")
    assert channel.variant
    assert channel.key == f"channel:{channel.variant}"
    assert channel.src.endswith(f"?channel={channel.variant}")
