"""The team room in a real browser: a reload mid-draft keeps what was typed, the Japanese
interface shows no untranslated English, a joint proposal arrives live and is joined with one
click, and handing a team to the AI is confirmed and told to its players."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.flows import (
    facilitator_signs_in,
    open_context,
    phase_is,
    player_joins,
    watch_errors,
)
from tests.cast import facilitator_client, game_create

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page

    from tests.browser.stack import Stack
    from tests.cast import Game

pytestmark = pytest.mark.django_db(transaction=True)

# Latin-script words a Japanese page may show: team codes, the product's name, abbreviations
# Japanese texts use as they are (see the action catalogue's Japanese texts), "English" as the
# language switcher names it in its own language, and the exercise's title, which the
# facilitator typed ("Seminar 3").
ALLOWED_LATIN = {
    "US", "ROK", "JPN", "DPRK", "PRC", "RUS", "wargame", "CBM", "CBMs", "DMZ", "ICBM", "SLBM",
    "KMPR", "NCG", "EDSCG", "EDD", "NTM", "NC3", "MDL", "AAR", "IAEA", "UTC", "CVID",
    "English", "Seminar",
}  # fmt: skip


def _seated(stack: Stack, chromium: Browser, game: Game, team: str, name: str) -> Page:
    """A player of ``team`` in the room, in a browser of their own."""
    page = open_context(chromium).new_page()
    player_joins(page, f"{stack.base}/join/?code={game.join_codes[team]}", name)
    # Live once its replay is done: what happens after that is news the room announces.
    expect(page.locator("[data-live-status]")).to_have_attribute("data-state", "online")
    return page


def test_a_reload_mid_draft_keeps_what_was_typed(stack: Stack, chromium: Browser) -> None:
    game = game_create(facilitator_client("control"))
    page = open_context(chromium).new_page()
    errors = watch_errors(page)
    player_joins(page, f"{stack.base}/join/?code={game.join_codes['ROK']}", "Min-ji")
    game.command("start")
    game.command("advance")
    phase_is(page, "deliberation")

    rationale = page.get_by_test_id("rationale")
    rationale.fill("Half a thought about the hotline")
    page.reload()
    expect(page.get_by_test_id("rationale")).to_have_value("Half a thought about the hotline")

    page.get_by_test_id("rationale").fill("Call Pyongyang before the drill starts")
    expect(page.get_by_test_id("draft-status")).to_have_attribute("data-state", "saved")
    page.reload()
    expect(page.get_by_test_id("rationale")).to_have_value("Call Pyongyang before the drill starts")
    saved = game.players["ROK"].get(game.url("turns/1/decision/")).json()
    assert saved["rationale"] == "Call Pyongyang before the drill starts"
    assert errors == []


def test_the_japanese_team_room_has_no_untranslated_english(
    stack: Stack, chromium: Browser
) -> None:
    game = game_create(facilitator_client("control"))
    page = open_context(chromium, locale="ja-JP").new_page()
    player_joins(page, f"{stack.base}/join/?code={game.join_codes['JPN']}", "佐藤")
    game.command("start")
    game.command("advance")
    phase_is(page, "deliberation")
    expect(page.get_by_test_id("inject-item").first).to_be_visible()
    page.get_by_test_id("action-add").click()
    assert page.locator("html").get_attribute("lang") == "ja"

    text = page.locator("body").inner_text()
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9]+", text))
    assert words - ALLOWED_LATIN == set(), sorted(words - ALLOWED_LATIN)


def test_a_partner_sees_a_joint_proposal_arrive_and_joins_with_one_click(
    stack: Stack, chromium: Browser
) -> None:
    game = game_create(facilitator_client("control"))
    us = _seated(stack, chromium, game, "US", "Alex")
    errors = watch_errors(us)
    japan = _seated(stack, chromium, game, "JPN", "Aoi")
    game.command("start")
    game.command("advance")
    phase_is(us, "deliberation")

    consult = {"action": "d.consult", "target": "US", "params": {"format": "EDSCG"}}
    proposed = game.players["ROK"].post(game.url("turns/1/joint/"), consult, format="json")
    assert proposed.status_code == 201, proposed.content
    proposal = us.get_by_test_id("joint-proposal")
    expect(proposal).to_contain_text("Proposed by ROK lead.")
    us.get_by_test_id("joint-join").click()
    expect(us.get_by_test_id("joint-joined")).to_be_visible()
    draft = game.players["US"].get(game.url("turns/1/decision/")).json()
    assert [(a["action"], a.get("target")) for a in draft["actions"]] == [("d.consult", "ROK")]
    expect(us.locator("[data-action-rows] select").first).to_have_value("d.consult")
    expect(japan.get_by_test_id("joint")).to_be_visible()
    assert japan.get_by_test_id("joint-proposal").count() == 0
    assert errors == []


def test_handing_a_team_to_the_ai_is_confirmed_and_its_players_are_told(
    stack: Stack, chromium: Browser
) -> None:
    game = game_create(facilitator_client("control"))
    us = _seated(stack, chromium, game, "US", "Alex")
    game.command("start")
    phase_is(us, "briefing")
    expect(us.get_by_test_id("ai-notice")).to_have_count(0)

    console = chromium.new_context().new_page()
    asked: list[str] = []

    def answer(dialog: Dialog) -> None:
        # The first time control changes its mind; the second time it means it.
        asked.append(dialog.message)
        if len(asked) == 1:
            dialog.dismiss()
        else:
            dialog.accept()

    console.on("dialog", answer)
    facilitator_signs_in(console, stack.base, "control")
    console.goto(f"{stack.base}/console/{game.exercise_id}/")
    row = console.locator('[data-testid="team-status"][data-team="US"]')
    row.get_by_test_id("hand-to-ai").click()
    console.wait_for_timeout(500)
    teams = game.control.get(game.url()).json()["teams"]
    assert [t["ai"] for t in teams if t["code"] == "US"] == [False]
    row.get_by_test_id("hand-to-ai").click()
    expect(us.get_by_test_id("ai-notice")).to_be_visible()
    assert len(asked) == 2
    assert "AI stand-in" in asked[0]


def test_the_room_warns_at_five_and_one_minute_and_shows_local_times(
    stack: Stack, chromium: Browser
) -> None:
    """The browser's zone is Tokyo (UTC+9): times of day read in Tokyo time, UTC on hover."""
    game = game_create(facilitator_client("control"), deliberation_minutes=6)
    page = open_context(chromium).new_page()
    errors = watch_errors(page)
    page.clock.install()
    player_joins(page, f"{stack.base}/join/?code={game.join_codes['ROK']}", "Min-ji")
    game.command("start")
    game.command("advance")
    phase_is(page, "deliberation")
    warning = page.get_by_test_id("deadline-warning")
    expect(warning).to_be_hidden()

    page.clock.fast_forward("01:10")
    expect(warning).to_be_visible()
    expect(warning).to_have_text("Five minutes left to submit your decision.")
    page.clock.fast_forward("04:00")
    expect(warning).to_have_text("One minute left: submit your decision now.")
    expect(warning).to_have_attribute("role", "alert")

    stamp = page.get_by_test_id("inject-item").first.locator("time")
    utc = stamp.get_attribute("title") or ""
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", utc), utc
    hour, minute = int(utc[11:13]), utc[14:16]
    expect(stamp).to_have_text(f"{(hour + 9) % 24:02d}:{minute}")
    assert errors == []


def test_the_room_announces_injects_control_messages_and_a_published_outcome(
    stack: Stack, chromium: Browser
) -> None:
    game = game_create(facilitator_client("control"))
    page = _seated(stack, chromium, game, "ROK", "Min-ji")
    errors = watch_errors(page)
    game.command("start")
    phase_is(page, "briefing")
    # The start's own injects arrived live and were counted; a key pressed means "I have looked".
    released = [e for e in game.events(game.players["ROK"]) if e["type"] == "inject.released"]
    expect(page.get_by_test_id("toast")).to_have_count(len(released))
    title = re.sub(r"^\(\d+\) ", "", page.title())
    page.keyboard.press("Shift")
    expect(page).to_have_title(title)
    toasts = page.get_by_test_id("toasts")
    assert toasts.get_attribute("aria-live") == "polite"

    inject = {"title": "Typhoon closes Busan port", "body": "Shipping halts.", "audience": "all"}
    assert game.command("release_inject", args=inject).status_code == 200
    expect(toasts).to_contain_text("New inject: Typhoon closes Busan port")
    expect(page).to_have_title(f"(1) {title}")

    line = next(
        c["id"]
        for c in game.control.get(game.url("channels/")).json()["results"]
        if c["name"] == "control-ROK"
    )
    said = {"body": "Please brief me on the alliance line.", "client_key": "notice-1"}
    sent = game.control.post(game.url(f"channels/{line}/messages/"), said, format="json")
    assert sent.status_code == 201, sent.content
    expect(toasts).to_contain_text("Message from control: Please brief me on the alliance line.")
    expect(page).to_have_title(f"(2) {title}")
    page.keyboard.press("Shift")
    expect(page).to_have_title(title)

    game.command("advance")
    game.command("advance")
    assert game.control.get(game.url("turns/1/adjudication/")).status_code == 200
    published = game.control.post(
        game.url("turns/1/adjudication/publish/"), {"approve_nuclear": True}, format="json"
    )
    assert published.status_code == 200, published.content
    banner = page.get_by_test_id("outcome-banner")
    expect(banner).to_be_visible()
    expect(banner).to_have_attribute("role", "alert")
    expect(banner).to_contain_text("The outcome of turn 1 is published:")
    narrative = page.locator("[data-outcome-turn='1'] .prose").inner_text()
    first = narrative.split(". ", 1)[0]
    expect(banner).to_contain_text(first)
    expect(page).to_have_title(f"(1) {title}")
    assert errors == []
