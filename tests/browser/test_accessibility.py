"""Pages people use on tablets and with keyboards: at 768 px nothing scrolls sideways, every
control has an accessible name, and the team room can be worked from the keyboard alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.flows import facilitator_signs_in, phase_is, player_joins
from tests.cast import facilitator_client, game_create

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.browser.stack import Stack

pytestmark = pytest.mark.django_db(transaction=True)

UNNAMED_CONTROLS = """() => [...document.querySelectorAll(
    "input:not([type=hidden]), select, textarea, button, a[href]")]
  .filter((el) => el.checkVisibility({ contentVisibilityAuto: true, visibilityProperty: true }))
  .filter((el) => {
    const named = (el.labels && el.labels.length) || el.getAttribute("aria-label")
      || el.getAttribute("aria-labelledby") || el.getAttribute("title")
      || (["BUTTON", "A"].includes(el.tagName) && el.innerText.trim());
    return !named;
  })
  .map((el) => el.outerHTML.slice(0, 120))"""


def tablet(chromium: Browser) -> Page:
    context = chromium.new_context(viewport={"width": 768, "height": 1024}, locale="en-GB")
    context.set_default_timeout(15_000)
    return context.new_page()


def assert_fits_and_named(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768, f"{page.url} is {width} px wide at 768"
    unnamed = page.evaluate(UNNAMED_CONTROLS)
    assert not unnamed, "\n".join(unnamed)


def test_the_room_and_the_console_fit_a_tablet_and_name_every_control(
    stack: Stack, chromium: Browser
) -> None:
    game = game_create(facilitator_client("tablet-prof"))
    game.command("start")
    game.command("advance")

    room = tablet(chromium)
    player_joins(room, f"{stack.base}/join/?code={game.join_codes['JPN']}", "Aiko")
    phase_is(room, "deliberation")
    room.get_by_test_id("action-add").click()
    assert_fits_and_named(room)

    console = tablet(chromium)
    facilitator_signs_in(console, stack.base, "tablet-prof")
    assert_fits_and_named(console)
    console.goto(f"{stack.base}/console/{game.exercise_id}/")
    expect(console.get_by_test_id("review")).to_be_attached()
    assert_fits_and_named(console)
    join = tablet(chromium)
    join.goto(f"{stack.base}/join/")
    assert_fits_and_named(join)


def tab_to(page: Page, selector: str, *, limit: int = 150) -> None:
    """Press Tab until the focus is on ``selector``: what the keyboard reaches, and nothing else."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_a_player_can_play_a_turn_with_the_keyboard_alone(stack: Stack, chromium: Browser) -> None:
    game = game_create(facilitator_client("keyboard-api"))
    game.command("start")
    game.command("advance")
    page = tablet(chromium)
    page.on("dialog", lambda dialog: dialog.accept())
    player_joins(page, f"{stack.base}/join/?code={game.join_codes['US']}", "Sam")
    phase_is(page, "deliberation")
    page.locator("body").focus()

    # Add an action (Enter on the button), choose it and its target with the arrow keys.
    tab_to(page, '[data-testid="action-add"]')
    page.keyboard.press("Enter")
    row = page.get_by_test_id("action-row").last
    expect(row.get_by_test_id("action-select")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(row.get_by_test_id("action-select")).not_to_have_value("")
    targets = row.get_by_test_id("target-select")
    if targets.count() and targets.is_enabled():
        tab_to(page, '[data-testid="action-row"]:last-child [data-testid="target-select"]')
        page.keyboard.press("ArrowDown")
        expect(targets).not_to_have_value("")
    tab_to(page, '[data-testid="rationale"]')
    page.keyboard.type("Keep the carrier out of the exercise area this turn")
    expect(page.get_by_test_id("draft-status")).to_have_attribute("data-state", "saved")
    saved = game.players["US"].get(game.url("turns/1/decision/")).json()
    assert len(saved["actions"]) == 1, saved
    assert saved["rationale"] == "Keep the carrier out of the exercise area this turn"

    # Submit with Space on the focused button.
    tab_to(page, '[data-testid="decision-submit"]')
    page.keyboard.press("Space")
    expect(page.get_by_test_id("decision-status")).to_have_attribute("data-status", "submitted")
