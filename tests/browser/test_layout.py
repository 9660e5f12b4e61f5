"""Layout on the pages everyone meets: the language switcher's label stays on one line in every
language, and the projector screen never cuts off the older public events."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.flows import observer_joins, open_context
from tests.cast import client_key, facilitator_client, game_create

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.browser.stack import Stack

pytestmark = pytest.mark.django_db(transaction=True)

LABEL_LINES = """() => {
  const label = document.querySelector('label[for="language-select"]');
  const height = label.getBoundingClientRect().height;
  return height / parseFloat(getComputedStyle(label).lineHeight);
}"""

FEED_FITS = """() => {
  const feed = document.querySelector('[data-testid="public-feed"]');
  const items = feed.querySelectorAll("li");
  const last = items[items.length - 1].getBoundingClientRect();
  const box = feed.getBoundingClientRect();
  return {
    feedBottom: box.bottom,
    lastBottom: last.bottom,
    viewport: window.innerHeight,
    scrolls: feed.scrollHeight > feed.clientHeight
      && getComputedStyle(feed).overflowY === "auto",
  };
}"""


def label_lines(page: Page) -> float:
    return float(page.evaluate(LABEL_LINES))


@pytest.mark.parametrize("locale", ["ja-JP", "ko-KR", "en-GB"])
@pytest.mark.parametrize("width", [390, 1366])
def test_the_language_label_stays_on_one_line(
    stack: Stack, chromium: Browser, locale: str, width: int
) -> None:
    context = chromium.new_context(locale=locale, viewport={"width": width, "height": 844})
    page = context.new_page()
    for path in ("/join/", "/practice/", "/accounts/login/"):
        page.goto(f"{stack.base}{path}")
        expect(page.locator('label[for="language-select"]')).to_be_visible()
        lines = label_lines(page)
        assert lines < 1.5, f"{path} at {width} px in {locale}: the label takes {lines:.1f} lines"
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{path} is {scroll_width} px wide at {width}"
    context.close()


def test_the_projector_screen_shows_or_scrolls_to_the_oldest_public_event(
    stack: Stack, chromium: Browser
) -> None:
    game = game_create(facilitator_client("projector-prof"))
    game.command("start")
    game.command("advance")
    for number in range(14):
        team = ("US", "ROK", "JPN", "DPRK")[number % 4]
        statement = {
            "body": f"Statement {number}: we call for calm and a return to talks on the peninsula.",
            "client_key": client_key(),
        }
        response = game.players[team].post(game.url("statements/"), statement, format="json")
        assert response.status_code == 201, response.content

    context = open_context(chromium)
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 720})
    observer_joins(page, f"{stack.base}/join/?code={game.join_codes['observers']}", "Projector")
    expect(page.get_by_test_id("public-feed").locator("li")).to_have_count(16)
    fit = page.evaluate(FEED_FITS)
    assert fit["feedBottom"] <= fit["viewport"] + 1, fit
    assert fit["lastBottom"] <= fit["viewport"] + 1 or fit["scrolls"], fit
    page.get_by_test_id("public-feed").locator("li").last.scroll_into_view_if_needed()
    last = page.get_by_test_id("public-feed").locator("li").last.bounding_box()
    assert last is not None
    assert last["y"] + last["height"] <= 721, last
    assert page.evaluate("window.scrollY") == 0, "the page itself scrolled, not the feed"
    context.close()
