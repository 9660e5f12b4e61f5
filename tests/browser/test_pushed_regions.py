"""Pushed regions in a real browser: team rooms show an inject, a pause and their own team's
message from the regions frame, without fetching the regions, and never another team's; a region
a frame lists as kept (unchanged) is left as it is, not fetched."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.flows import open_context, phase_is, player_joins, watch_errors
from tests.cast import facilitator_client, game_create

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Request, WebSocket

    from tests.browser.stack import Stack

pytestmark = pytest.mark.django_db(transaction=True)


def _fragments(page: Page) -> list[str]:
    """The region fragments the page fetches from now on."""
    fetched: list[str] = []

    def note(request: Request) -> None:
        if "/part/" in request.url:
            fetched.append(request.url)

    page.on("request", note)
    return fetched


def _kept_regions(page: Page) -> list[str]:
    """The regions the page's regions frames list as kept, from now on."""
    kept: list[str] = []

    def frames(socket: WebSocket) -> None:
        def note(payload: str | bytes) -> None:
            frame = json.loads(payload)
            if frame.get("type") == "regions":
                kept.extend(frame.get("kept", {}))

        socket.on("framereceived", note)

    page.on("websocket", frames)
    return kept


def test_team_rooms_apply_pushed_regions_without_fetching_them(
    stack: Stack, chromium: Browser
) -> None:
    game = game_create(facilitator_client("control"))
    pages: dict[str, Page] = {}
    errors: list[str] = []
    kept: dict[str, list[str]] = {}
    for team, name in (("US", "Avery"), ("ROK", "Min-ji")):
        page = open_context(chromium).new_page()
        errors += watch_errors(page)
        kept[team] = _kept_regions(page)
        player_joins(page, f"{stack.base}/join/?code={game.join_codes[team]}", name)
        pages[team] = page
    game.command("start")
    game.command("advance")
    for page in pages.values():
        phase_is(page, "deliberation")
        expect(page.locator("[data-live-status]")).to_have_attribute("data-state", "online")
    fetched = {team: _fragments(page) for team, page in pages.items()}

    released = game.command(
        "release_inject",
        args={"title": "Carrier group enters the strait", "body": "Assess.", "audience": "all"},
    )
    assert released.status_code == 200, released.content
    for page in pages.values():
        expect(page.get_by_test_id("inject-feed")).to_contain_text(
            "Carrier group enters the strait"
        )

    channels = game.players["US"].get(game.url("channels/")).json()["results"]
    own = next(c for c in channels if c["kind"] == "team")
    posted = game.players["US"].post(
        game.url(f"channels/{own['id']}/messages/"),
        {"body": "Hold the carrier south of the line", "client_key": "pushed-1"},
        format="json",
    )
    assert posted.status_code == 201, posted.content
    expect(pages["US"].locator("#channels [data-testid='message-list']")).to_contain_text(
        "Hold the carrier south of the line"
    )

    assert game.command("pause").status_code == 200
    for page in pages.values():
        expect(page.get_by_test_id("phase")).to_have_attribute("data-status", "paused")
    assert game.command("resume").status_code == 200
    for page in pages.values():
        expect(page.get_by_test_id("phase")).to_have_attribute("data-status", "running")
        expect(page.get_by_test_id("inject-feed")).to_contain_text(
            "Carrier group enters the strait"
        )
    # A pause and a resume re-render regions they leave as they were: those are not sent again.
    assert all(kept.values()), kept

    assert "Hold the carrier south of the line" not in pages["ROK"].content()
    # Everything above came in regions frames: no page fetched a region to show it.
    assert fetched == {"US": [], "ROK": []}
    assert errors == []
