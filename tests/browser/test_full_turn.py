"""A facilitator and four teams, in five browser contexts, play a whole turn through the web app:
join, see the inject, draft, chat, submit, the deadline, review, publish, see the outcome. Along
the way no team's page ever shows another team's private decision or channel."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.browser.flows import (
    PASSWORD,
    TEAMS,
    command,
    draft_first_action,
    facilitator_creates_exercise,
    facilitator_signs_in,
    join_link,
    observer_joins,
    open_context,
    phase_is,
    player_joins,
    post_message,
    shot,
    watch_errors,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.browser.stack import Stack

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def secret(team: str) -> str:
    return f"{team}-PRIVATE-RATIONALE-7Q"


def chat(team: str) -> str:
    return f"{team}-TEAM-CHANNEL-NOTE-4K"


def assert_private_to(pages: dict[str, Page], owner: str, text: str) -> None:
    for team, page in pages.items():
        if team != owner:
            assert text not in page.content(), f"{owner}'s private text on {team}'s page"


def test_a_facilitator_and_four_teams_play_a_whole_turn(stack: Stack, chromium: Browser) -> None:
    get_user_model().objects.create_user("prof", password=PASSWORD)
    control_context = open_context(chromium)
    control = control_context.new_page()
    errors = {"control": watch_errors(control)}
    facilitator_signs_in(control, stack.base, "prof")
    exercise_id = facilitator_creates_exercise(control, title="Seminar 3: exercise season")
    command(control, "open_lobby")
    expect(control.locator('[data-testid="qr"][data-team="US"]')).to_be_visible()

    rooms: dict[str, Page] = {}
    for team in TEAMS:
        page = open_context(chromium).new_page()
        errors[team] = watch_errors(page)
        player_joins(page, join_link(control, team), f"{team} lead")
        rooms[team] = page
    expect(control.locator('[data-testid="team-status"][data-team="DPRK"]')).to_have_attribute(
        "data-connected", "1"
    )
    control.locator('[data-testid="qr"][data-team="US"]').scroll_into_view_if_needed()
    shot(control, "console-lobby")

    command(control, "start")
    for page in rooms.values():
        phase_is(page, "briefing")
    command(control, "advance")
    for page in rooms.values():
        phase_is(page, "deliberation")
        expect(page.get_by_test_id("inject-item").first).to_be_visible()
    shot(rooms["US"], "room-deliberation")

    for team, page in rooms.items():
        draft_first_action(page, secret(team))
    post_message(rooms["US"], "US", chat("US"))
    post_message(rooms["ROK"], "US-ROK", "ROK to US: shall we consult before the drill?")
    rooms["US"].locator('[data-testid="channel-link"][data-channel-name="US-ROK"]').click()
    expect(rooms["US"].get_by_test_id("message-list")).to_contain_text("shall we consult")
    shot(rooms["US"], "room-channels")

    for team in ("US", "ROK", "JPN"):
        rooms[team].get_by_test_id("decision-submit").click()
        expect(rooms[team].get_by_test_id("decision-status")).to_have_attribute(
            "data-status", "submitted"
        )
    expect(control.locator('[data-testid="team-status"][data-team="US"]')).to_have_attribute(
        "data-submitted", "true"
    )
    for team in TEAMS:
        assert_private_to(rooms, team, secret(team))
    assert_private_to(rooms, "US", chat("US"))

    # DPRK never submits: the deadline locks the turn (a Celery timer, or the beat sweep).
    for page in rooms.values():
        phase_is(page, "adjudication", timeout=120_000)
    review = control.get_by_test_id("review")
    expect(review).to_have_attribute("data-status", "proposed", timeout=30_000)
    expect(control.get_by_test_id("rules-fired")).to_be_visible()
    shot(control, "console-review")
    approve = control.get_by_test_id("approve-nuclear")
    if approve.count():
        approve.check()
    control.get_by_test_id("publish").click()
    for team, page in rooms.items():
        phase_is(page, "outcome")
        expect(page.get_by_test_id("outcome")).not_to_be_empty()
        assert_private_to(rooms, team, secret(team))
    shot(rooms["ROK"], "room-outcome")
    shot(control, "console-outcome")

    screen = open_context(chromium).new_page()
    errors["screen"] = watch_errors(screen)
    observer_joins(screen, join_link(control, "observers"), "Projector")
    expect(screen.get_by_test_id("escalation-chart")).to_be_visible()
    for team in TEAMS:
        assert secret(team) not in screen.content()
    shot(screen, "observer-screen")
    control.goto(f"{stack.base}/exercises/{exercise_id}/timeline/")
    expect(control.get_by_test_id("timeline-turn").first).to_be_visible()
    shot(control, "timeline")
    assert {name: found for name, found in errors.items() if found} == {}
