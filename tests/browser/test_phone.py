"""The room on a phone (390x844): four tabs at the top, the decision one tap away, nothing
scrolls sideways; without JavaScript the tabs are jump links down the page."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.flows import phase_is, player_joins, shot, watch_errors
from tests.cast import client_key, facilitator_client, game_create

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page, ViewportSize

    from tests.browser.stack import Stack

pytestmark = pytest.mark.django_db(transaction=True)

PHONE: ViewportSize = {"width": 390, "height": 844}
TABS = ("situation", "decide", "channels", "statements")


def phone(chromium: Browser, *, locale: str = "en-GB", javascript: bool = True) -> Page:
    context = chromium.new_context(
        viewport=PHONE,
        locale=locale,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=javascript,
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def in_viewport(page: Page, locator: Locator) -> bool:
    box = locator.bounding_box()
    assert box is not None
    return 0 <= box["y"] < PHONE["height"] and box["y"] + min(box["height"], 200) > 0


def assert_no_sideways_scroll(page: Page, where: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{where}: the page is {width} px wide at 390"


@pytest.mark.parametrize("locale", ["en-GB", "ja-JP", "ko-KR"])
def test_on_a_phone_the_decision_is_one_tap_from_the_top(
    stack: Stack, chromium: Browser, locale: str
) -> None:
    game = game_create(facilitator_client(f"phone-prof-{locale}"))
    game.command("start")
    game.command("advance")
    page = phone(chromium, locale=locale)
    errors = watch_errors(page)
    player_joins(page, f"{stack.base}/join/?code={game.join_codes['ROK']}", "Ji-woo")
    phase_is(page, "deliberation")

    decide = page.get_by_test_id("tab-decide")
    assert in_viewport(page, decide), "the tab bar is not on the first screen"
    # The room opens on the situation; the decision is behind its tab.
    expect(page.get_by_test_id("tab-situation")).to_have_attribute("aria-current", "true")
    decision = page.get_by_test_id("decision-form")
    expect(decision).to_be_hidden()
    decide.tap()
    expect(decision).to_be_visible()
    assert in_viewport(page, decision), "one tap on Decide did not show the decision"
    expect(decide).to_have_attribute("aria-current", "true")
    if locale == "en-GB":
        shot(page, "room-phone")
    # The decision is worked on the phone: add an action, and the page stays 390 px wide.
    page.get_by_test_id("action-add").tap()
    expect(page.get_by_test_id("action-row")).to_have_count(1)
    for tab in TABS:
        page.get_by_test_id(f"tab-{tab}").tap()
        expect(page.get_by_test_id(f"tab-{tab}")).to_have_attribute("aria-current", "true")
        assert_no_sideways_scroll(page, tab)
    page.get_by_test_id("tab-channels").tap()
    expect(page.get_by_test_id("channel-list")).to_be_visible()
    expect(page.get_by_test_id("decision-form")).to_be_hidden()
    # The tab bar stays at the top wherever the player has scrolled.
    page.get_by_test_id("tab-situation").tap()
    page.mouse.wheel(0, 3000)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert in_viewport(page, page.get_by_test_id("tab-decide"))
    page.get_by_test_id("tab-decide").tap()
    assert in_viewport(page, page.get_by_test_id("decision-form"))
    # A reload keeps the tab the address names.
    page.reload()
    expect(page.get_by_test_id("tab-decide")).to_have_attribute("aria-current", "true")
    expect(page.get_by_test_id("decision-form")).to_be_visible()
    assert errors == []
    # Closed before the database is flushed: an open page's socket would still write presence.
    page.context.close()


def test_without_javascript_the_tabs_jump_down_the_page(stack: Stack, chromium: Browser) -> None:
    game = game_create(facilitator_client("phone-nojs"))
    game.command("start")
    game.command("advance")
    page = phone(chromium, javascript=False)
    player_joins(page, f"{stack.base}/join/?code={game.join_codes['JPN']}", "Ren")
    decision = page.get_by_test_id("decision-form")
    expect(decision).to_be_visible()
    assert not in_viewport(page, decision)
    page.get_by_test_id("tab-decide").tap()
    assert in_viewport(page, decision), "the Decide link did not jump to the decision"
    assert_no_sideways_scroll(page, "without JavaScript")
    page.context.close()


def test_the_channels_tab_counts_what_a_teammate_wrote_until_it_is_read(
    stack: Stack, chromium: Browser
) -> None:
    game = game_create(facilitator_client("phone-unread"))
    game.command("start")
    page = phone(chromium)
    errors = watch_errors(page)
    player_joins(page, f"{stack.base}/join/?code={game.join_codes['ROK']}", "Min-jun")
    tab = page.get_by_test_id("tab-channels")
    badge = page.get_by_test_id("channels-unread")
    expect(page.get_by_test_id("tab-situation")).to_have_attribute("aria-current", "true")
    expect(badge).to_be_hidden()
    assert tab.get_attribute("aria-label") is None

    # A teammate writes in the team's channel while this phone shows the situation.
    teammate = game.players["ROK"]
    channels = teammate.get(game.url("channels/")).json()["results"]
    team_channel = next(c for c in channels if c["name"] == "ROK")
    posted = teammate.post(
        game.url(f"channels/{team_channel['id']}/messages/"),
        {"body": "Brief the minister at noon", "client_key": client_key()},
        format="json",
    )
    assert posted.status_code == 201, posted.content
    expect(badge).to_be_visible()
    expect(badge).to_have_text("1")
    expect(tab).to_have_attribute("aria-label", "Channels, 1 unread message")
    expect(page.get_by_test_id("channel-list")).to_be_hidden()

    # Opening the channel reads it: the tab's count goes, and so does its label.
    tab.tap()
    page.locator(f'[data-testid="channel-link"][data-channel-id="{team_channel["id"]}"]').tap()
    expect(page.get_by_test_id("message-list")).to_contain_text("Brief the minister at noon")
    expect(badge).to_be_hidden()
    expect(tab).not_to_have_attribute("aria-label", re.compile(".+"))
    assert errors == []
    page.context.close()
