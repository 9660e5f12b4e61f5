"""The room's optional sound for news: off by default, a toggle remembered in this browser, and a
WebAudio tone (counted here by watching the page's oscillators) for a new inject; the toasts'
live region says what happened either way."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.flows import open_context, phase_is, player_joins, watch_errors
from tests.cast import facilitator_client, game_create

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.browser.stack import Stack
    from tests.cast import Game

pytestmark = pytest.mark.django_db(transaction=True)

COUNT_TONES = """
window.tonesStarted = 0;
const makeOscillator = AudioContext.prototype.createOscillator;
AudioContext.prototype.createOscillator = function () {
  const oscillator = makeOscillator.call(this);
  const start = oscillator.start.bind(oscillator);
  oscillator.start = (...args) => { window.tonesStarted += 1; return start(...args); };
  return oscillator;
};
"""


def tones(page: Page) -> int:
    return int(page.evaluate("window.tonesStarted"))


def release(game: Game, title: str) -> None:
    answer = game.command(
        "release_inject", args={"title": title, "body": "Assess.", "audience": "all"}
    )
    assert answer.status_code == 200, answer.content


def test_the_sound_is_off_until_turned_on_and_then_chimes_for_an_inject(
    stack: Stack, chromium: Browser
) -> None:
    game = game_create(facilitator_client("sound-prof"))
    context = open_context(chromium)
    context.add_init_script(COUNT_TONES)
    page = context.new_page()
    errors = watch_errors(page)
    game.command("start")
    game.command("advance")
    player_joins(page, f"{stack.base}/join/?code={game.join_codes['ROK']}", "Seo-yeon")
    phase_is(page, "deliberation")
    expect(page.locator("[data-live-status]")).to_have_attribute("data-state", "online")
    toggle = page.get_by_test_id("sound-toggle")
    expect(toggle).not_to_be_checked()

    release(game, "Fishing boats detained")
    expect(page.get_by_test_id("toast")).to_have_count(1)
    assert tones(page) == 0, "a tone played with the sound off"

    toggle.check()
    assert page.evaluate("localStorage.getItem('wargame:sound')") == "on"
    assert tones(page) == 1, "turning the sound on plays a test tone"
    release(game, "Typhoon closes Busan port")
    expect(page.get_by_test_id("toast")).to_have_count(2)
    page.wait_for_function("window.tonesStarted === 2")

    page.reload()
    expect(page.get_by_test_id("sound-toggle")).to_be_checked()
    page.get_by_test_id("sound-toggle").uncheck()
    release(game, "Ferry service suspended")
    expect(page.get_by_test_id("toast")).to_have_count(1)
    assert tones(page) == 0
    assert errors == []
    context.close()
