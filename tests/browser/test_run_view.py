"""The facilitator's run view on a 1280x800 screen: in deliberation and in review the clock, the
phase's controls and who has submitted are in sight without scrolling, and stay there when the
page scrolls; the review reads in words with its dice behind a closed disclosure; join codes,
injects, settings and the report are tabs a keyboard can switch; every control is named."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.flows import PASSWORD, shot, watch_errors
from tests.browser.test_accessibility import UNNAMED_CONTROLS
from tests.cast import client_key, facilitator_client, game_create
from tests.web.test_review_support import PLANS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

    from tests.browser.stack import Stack
    from tests.cast import Game

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

WIDTH, HEIGHT = 1280, 800
# What must be in sight, whatever the phase: the exercise's state (with the clock while one
# runs), the phase's controls and who has submitted.
IN_SIGHT = ("exercise-state", "command-form", "submitted-list")


def run_console(
    chromium: Browser, stack: Stack, username: str, exercise_id: int, locale: str = "en-GB"
) -> Page:
    context = chromium.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale=locale)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{stack.base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.get_by_test_id("console-list")).to_be_visible()
    page.goto(f"{stack.base}/console/{exercise_id}/")
    return page


def bottom(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box is not None, locator
    assert box["y"] >= 0, (locator, box)
    return box["y"] + box["height"]


def heights(page: Page) -> dict[str, float]:
    """Where each thing that must be in sight ends, in px from the viewport's top."""
    found = {testid: bottom(page.get_by_test_id(testid)) for testid in IN_SIGHT}
    clock = page.get_by_test_id("clock")
    if clock.count():
        found["clock"] = bottom(clock)
    review = page.get_by_test_id("review-region").bounding_box()
    assert review is not None
    found["review-top"] = review["y"]
    return found


def assert_in_sight(page: Page) -> dict[str, float]:
    assert page.evaluate("window.scrollY") == 0
    measured = heights(page)
    for name in (*IN_SIGHT, "clock"):
        assert measured.get(name, 0) <= HEIGHT, (name, measured)
    assert measured["review-top"] < HEIGHT, measured
    # The review's column ends on screen: what it holds scrolls inside it.
    assert bottom(page.get_by_test_id("review-column")) <= HEIGHT
    # Scrolled to the foot of the page, the bar and the review stay where they were.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function("window.scrollY > 0")
    scrolled = heights(page)
    for name in (*IN_SIGHT, "clock"):
        assert 0 <= scrolled.get(name, 0) <= HEIGHT, (name, scrolled)
    assert 0 <= scrolled["review-top"] < HEIGHT, scrolled
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_function("window.scrollY === 0")
    unnamed = page.evaluate(UNNAMED_CONTROLS)
    assert not unnamed, "\n".join(unnamed)
    return measured


def save_and_submit(game: Game, team: str, *, submit: bool) -> None:
    saved = game.players[team].put(
        game.url("turns/1/decision/"),
        {"actions": PLANS[team], "rationale": f"{team} plan", "client_key": client_key()},
        format="json",
    )
    assert saved.status_code == 200, saved.content
    if submit:
        sent = game.players[team].post(game.url("turns/1/decision/submit/"), {}, format="json")
        assert sent.status_code == 200, sent.content


def test_the_run_view_keeps_clock_controls_and_submissions_in_sight_in_deliberation_and_review(
    stack: Stack, chromium: Browser
) -> None:
    game = game_create(facilitator_client("run-prof"))
    game.command("start")
    game.command("advance")
    save_and_submit(game, "US", submit=True)
    save_and_submit(game, "ROK", submit=False)
    save_and_submit(game, "DPRK", submit=True)

    page = run_console(chromium, stack, "run-prof", game.exercise_id)
    errors = watch_errors(page)
    expect(page.get_by_test_id("run-view")).to_be_visible()
    strip = page.get_by_test_id("submitted-list")
    expect(strip.locator('[data-team="US"]')).to_have_attribute("data-status", "submitted")
    expect(strip.locator('[data-team="ROK"]')).to_have_attribute("data-status", "draft")
    expect(strip.locator('[data-team="JPN"]')).to_have_attribute("data-status", "none")
    expect(page.get_by_test_id("submitted-count")).to_have_attribute("data-count", "2")
    deliberation = assert_in_sight(page)
    assert "clock" in deliberation
    shot(page, "console-run")
    # Japanese and Korean labels are no longer than the room the bar has for them.
    in_other_languages = {}
    for locale, lang in (("ja-JP", "ja"), ("ko-KR", "ko")):
        other = run_console(chromium, stack, "run-prof", game.exercise_id, locale=locale)
        expect(other.locator("html")).to_have_attribute("lang", lang)
        in_other_languages[lang] = assert_in_sight(other)
        other.context.close()

    # A submission arrives while the facilitator watches: the strip follows, pushed.
    save_and_submit(game, "JPN", submit=True)
    expect(strip.locator('[data-team="JPN"]')).to_have_attribute("data-status", "submitted")

    page.get_by_test_id("command-advance").click()
    review = page.get_by_test_id("review")
    expect(review).to_have_attribute("data-status", "proposed", timeout=60_000)
    expect(page.get_by_test_id("review-decisions")).to_be_visible()
    expect(page.get_by_test_id("key-numbers")).to_be_visible()
    expect(page.get_by_test_id("review-decisions")).not_to_contain_text("d.consult")
    # The dice are there, behind a closed disclosure.
    dice = page.get_by_test_id("dice-disclosure")
    expect(dice).not_to_have_attribute("open", "")
    expect(page.get_by_test_id("dice")).to_be_attached()
    expect(page.get_by_test_id("dice")).to_be_hidden()
    expect(page.get_by_test_id("state-diff")).to_be_hidden()
    in_review = assert_in_sight(page)
    shot(page, "console-run-review")
    publish = page.get_by_test_id("publish")
    publish.scroll_into_view_if_needed()
    expect(publish).to_be_in_viewport()

    # An opened disclosure stays open when the review is drawn again.
    dice.locator(":scope > summary").click()
    expect(page.get_by_test_id("dice")).to_be_visible()
    page.get_by_test_id("values-disclosure").locator(":scope > summary").click()
    form = page.locator('[data-testid="override-form"][data-path="/state/assurance/ROK"]')
    page.locator('tr[data-path="/state/assurance/ROK"] summary').click()
    form.locator('input[name="overrides.0.value"]').fill("61")
    form.locator('input[name="overrides.0.reason"]').fill("Run-view drill")
    form.get_by_role("button", name="Override").click()
    expect(page.get_by_test_id("overrides")).to_contain_text("Run-view drill")
    expect(page.get_by_test_id("dice")).to_be_visible()

    print(f"run view at {WIDTH}x{HEIGHT}: deliberation {deliberation}, review {in_review}")
    print(f"in deliberation, by language: {in_other_languages}")
    assert errors == []


def test_the_console_tabs_switch_by_keyboard_and_work_as_links_without_script(
    stack: Stack, chromium: Browser
) -> None:
    game = game_create(facilitator_client("tab-prof"))
    page = run_console(chromium, stack, "tab-prof", game.exercise_id)
    # The lobby opens on the join codes.
    codes_tab = page.get_by_role("tab", name="Join codes")
    expect(codes_tab).to_have_attribute("aria-selected", "true")
    expect(page.locator('[data-testid="qr"][data-team="US"]')).to_be_visible()
    expect(page.get_by_test_id("run-view")).to_be_hidden()

    codes_tab.focus()
    page.keyboard.press("ArrowRight")
    injects_tab = page.get_by_role("tab", name="Injects")
    expect(injects_tab).to_be_focused()
    expect(injects_tab).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("inject-form")).to_be_visible()
    expect(page.locator('[data-testid="qr"][data-team="US"]')).to_be_hidden()
    page.keyboard.press("End")
    expect(page.get_by_role("tab", name="Report")).to_be_focused()
    expect(page.get_by_test_id("report-form")).to_be_visible()
    page.keyboard.press("ArrowRight")  # round to the first
    expect(page.get_by_role("tab", name="Run")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("run-view")).to_be_visible()
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_role("tab", name="Report")).to_be_focused()
    page.keyboard.press("Home")
    expect(page.get_by_role("tab", name="Run")).to_be_focused()
    assert "tab=run" in page.url
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("auto-advance-form")).to_be_visible()
    unnamed = page.evaluate(UNNAMED_CONTROLS)
    assert not unnamed, "\n".join(unnamed)

    # Without script the tabs are links the server answers.
    plain = chromium.new_context(
        java_script_enabled=False,
        viewport={"width": WIDTH, "height": HEIGHT},
        storage_state=page.context.storage_state(),
    )
    static = plain.new_page()
    static.goto(f"{stack.base}/console/{game.exercise_id}/")
    expect(static.locator('[data-testid="qr"][data-team="US"]')).to_be_visible()
    static.get_by_role("link", name="Settings").click()
    expect(static.get_by_test_id("auto-advance-form")).to_be_visible()
    expect(static.locator('[data-testid="qr"][data-team="US"]')).to_be_hidden()
    assert "tab=settings" in static.url
    plain.close()

    # A console left on its opening tab follows the game into the run view once it starts.
    page.goto(f"{stack.base}/console/{game.exercise_id}/")
    expect(codes_tab).to_have_attribute("aria-selected", "true")
    page.get_by_test_id("command-start").click()
    expect(page.get_by_test_id("run-view")).to_be_visible()
    expect(page.get_by_role("tab", name="Run")).to_have_attribute("aria-selected", "true")
