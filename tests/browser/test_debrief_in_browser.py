"""The debrief in a real browser: four teams answer the beliefs questionnaire in their rooms while
control watches them complete it; control locks, publishes, ends and releases the debrief; then
the report is opened as control, as a player (from the room's link) and as an observer (from the
screen's link), and each copy holds its sections and only what its reader's view may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.flows import (
    TEAMS,
    command,
    facilitator_signs_in,
    observer_joins,
    open_context,
    phase_is,
    player_joins,
    watch_errors,
)
from tests.cast import SEED, facilitator_client, game_create

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

    from tests.browser.stack import Stack

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# Each team's probability, a step of the form's input; no two share a digit pair, so one team's
# answer cannot be read inside another's.
PROBABILITY = {"US": "0.35", "ROK": "0.85", "JPN": "0.55", "DPRK": "0.65"}
SECTIONS = ("overview", "scorecard", "timeline", "charts", "beliefs", "say-do", "questions")


def _percent(team: str) -> str:
    return f"{round(float(PROBABILITY[team]) * 100)}%"


def _answer_all(room: Page, team: str) -> int:
    """Answer every question put to the team: the probability, and the first option of each
    choice. Returns how many questions there were."""
    form = room.get_by_test_id("beliefs-form")
    expect(form).to_be_visible()
    questions = form.locator("fieldset.belief")
    for index in range(questions.count()):
        question = questions.nth(index)
        number = question.locator("input[type=number]")
        if number.count():
            number.fill(PROBABILITY[team])
        else:
            question.locator("input[type=radio]").first.check()
    form.get_by_test_id("beliefs-save").click()
    return questions.count()


def _report_from(link: Locator) -> Page:
    """The report the link opens, in the new tab it opens it in (a page, not a download)."""
    with link.page.context.expect_page() as opened:
        link.click()
    report = opened.value
    report.wait_for_load_state()
    expect(report.locator("#overview")).to_be_visible()
    return report


def _beliefs_of(report: Page) -> list[str | None]:
    blocks = report.locator("#beliefs .beliefs")
    return [blocks.nth(i).get_attribute("data-team") for i in range(blocks.count())]


def _answers_shown(report: Page) -> str:
    return report.locator("#beliefs").inner_text()


def _facts(report: Page) -> dict[str, str]:
    """The overview's facts, label -> value (the seed is one, in control's copy only)."""
    terms = report.locator("#overview dl.facts dt").all_inner_texts()
    return dict(zip(terms, report.locator("#overview dl.facts dd").all_inner_texts(), strict=True))


def test_each_reader_opens_its_own_copy_of_the_released_debrief(
    stack: Stack, chromium: Browser
) -> None:
    game = game_create(facilitator_client("control"))
    control = open_context(chromium).new_page()
    errors = {"control": watch_errors(control)}
    facilitator_signs_in(control, stack.base, "control")
    control.goto(f"{stack.base}/console/{game.exercise_id}/")
    rooms: dict[str, Page] = {}
    for team in TEAMS:
        rooms[team] = open_context(chromium).new_page()
        errors[team] = watch_errors(rooms[team])
        player_joins(rooms[team], f"{stack.base}/join/?code={game.join_codes[team]}", f"{team} 2")
    screen = open_context(chromium).new_page()
    errors["screen"] = watch_errors(screen)
    observer_joins(screen, f"{stack.base}/join/?code={game.join_codes['observers']}", "Projector")

    command(control, "start")
    command(control, "advance")
    for team, room in rooms.items():
        phase_is(room, "deliberation")
        asked = _answer_all(room, team)
        progress = control.locator(f'[data-testid="beliefs-progress"][data-team="{team}"]')
        expect(progress).to_contain_text(f"{asked} of {asked}")

    command(control, "advance")  # the lock closes the questionnaire
    expect(control.get_by_test_id("review")).to_have_attribute(
        "data-status", "proposed", timeout=30_000
    )
    approve = control.get_by_test_id("approve-nuclear")
    if approve.count():
        approve.check()
    control.get_by_test_id("publish").click()
    for room in rooms.values():
        phase_is(room, "outcome")
    command(control, "end")
    for room in rooms.values():
        expect(room.get_by_test_id("phase")).to_have_attribute("data-status", "ended")
        expect(room.get_by_test_id("debrief-link")).to_have_count(0)
    expect(screen.get_by_test_id("debrief-link")).to_have_count(0)

    control.get_by_test_id("debrief-release").click()  # teams and observers, the default
    link = rooms["US"].get_by_test_id("debrief-link")
    expect(link).to_be_visible()
    expect(screen.get_by_test_id("debrief-link")).to_be_visible()

    control_copy = control.context.new_page()
    control_copy.goto(f"{stack.base}/api/v1/exercises/{game.exercise_id}/report.html")
    for section in (*SECTIONS, "causes", "consultations", "overrides"):
        expect(control_copy.locator(f"#{section}")).to_have_count(1)
    assert _beliefs_of(control_copy) == list(TEAMS)
    assert all(_percent(team) in _answers_shown(control_copy) for team in TEAMS)
    assert _facts(control_copy)["Seed"] == str(SEED)

    player_copy = _report_from(link)
    for section in SECTIONS:
        expect(player_copy.locator(f"#{section}")).to_have_count(1)
    expect(player_copy.locator("#causes")).to_have_count(0)  # the causal chain is control's
    assert _beliefs_of(player_copy) == ["US"]
    shown = _answers_shown(player_copy)
    assert _percent("US") in shown
    assert [t for t in TEAMS if t != "US" and _percent(t) in shown] == []
    expect(player_copy.locator("#scorecard table.scorecard")).to_have_count(1)
    expect(player_copy.locator("#scorecard table.scorecard")).to_have_attribute("data-team", "US")
    assert "Seed" not in _facts(player_copy)

    observer_copy = _report_from(screen.get_by_test_id("debrief-link"))
    for section in SECTIONS:
        expect(observer_copy.locator(f"#{section}")).to_have_count(1)
    expect(observer_copy.locator("#causes")).to_have_count(0)
    expect(observer_copy.locator("#beliefs table.versus tbody tr")).to_have_count(0)
    assert "Seed" not in _facts(observer_copy)
    assert {name: found for name, found in errors.items() if found} == {}
