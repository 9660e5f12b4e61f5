"""Practice alone in a real browser: pick a team, play two turns against AI teams with no clock,
end the game, read its review page turn by turn, then its after-action report."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.flows import draft_first_action, open_context, phase_is, shot, watch_errors

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.browser.stack import Stack

pytestmark = pytest.mark.django_db(transaction=True)


def play_a_turn(page: Page, turn: int) -> None:
    phase_is(page, "briefing")
    page.get_by_test_id("practice-next").click()
    phase_is(page, "deliberation")
    draft_first_action(page, f"Turn {turn}: keep the line open and signal restraint")
    page.get_by_test_id("decision-submit").click()
    # The AI teams submit, the turn locks, the umpire adjudicates and auto-publish publishes;
    # at a nuclear decision point the player approves, as the practice bar explains.
    approval = page.get_by_test_id("practice-approval")
    outcome_or_approval = page.locator(
        '[data-testid="phase"][data-phase="outcome"], [data-testid="practice-approval"]'
    )
    expect(outcome_or_approval.first).to_be_visible(timeout=60_000)
    if approval.count():
        approval.get_by_role("button", name="Publish and approve").click()
    phase_is(page, "outcome", timeout=60_000)
    expect(page.get_by_test_id("outcome")).to_contain_text(str(turn))


def test_a_practice_game_survives_leaving_until_it_ends(stack: Stack, chromium: Browser) -> None:
    page = open_context(chromium).new_page()
    questions: list[str] = []
    page.on("dialog", lambda dialog: questions.append(dialog.message))
    page.goto(f"{stack.base}/practice/")
    page.get_by_test_id("practice-exercise_season-JPN").click()
    expect(page.get_by_test_id("practice-bar")).to_be_visible()
    room = page.url

    page.get_by_test_id("leave").click()
    expect(page.get_by_test_id("left-practice")).to_be_visible()
    assert any("return to it from the practice page" in q for q in questions), questions
    page.get_by_test_id("practice-return").click()
    expect(page.get_by_test_id("practice-bar")).to_be_visible()
    assert page.url == room

    page.get_by_role("button", name="End the exercise").first.click()
    expect(page.get_by_test_id("practice-next")).to_have_count(0)
    page.get_by_test_id("leave").click()
    expect(page.get_by_test_id("join-form")).to_be_visible()
    expect(page.get_by_test_id("left-practice")).to_have_count(0)


@pytest.mark.slow
def test_a_practice_game_ends_on_its_review_page_and_report(
    stack: Stack, chromium: Browser
) -> None:
    page = open_context(chromium).new_page()
    errors = watch_errors(page)
    page.goto(f"{stack.base}/practice/")
    shot(page, "practice")
    page.get_by_test_id("practice-exercise_season-ROK").click()
    expect(page.get_by_test_id("practice-bar")).to_be_visible()

    play_a_turn(page, 1)
    page.get_by_test_id("practice-next").click()
    play_a_turn(page, 2)
    page.get_by_role("button", name="End the exercise").first.click()
    page.get_by_test_id("timeline-link").click()

    turns = page.get_by_test_id("timeline-turn")
    expect(turns).to_have_count(2)
    expect(turns.nth(1)).to_contain_text("Turn 2: keep the line open")
    shot(page, "practice-timeline")

    page.get_by_test_id("report-link").click()
    expect(page.locator("h1").first).to_be_visible(timeout=60_000)
    report = page.locator("body").inner_text()
    assert "After-action review" in report
    assert "Turn 2: keep the line open" in report
    assert errors == []
