"""axe-core (the copy the axe-playwright-python package ships, read from disk: no CDN) on the
pages a class meets, in English, Japanese and Korean: the join and practice pages, a team's
room mid-turn (on a laptop and on a phone), control's console and the projector screen. No
serious or critical violation."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from tests.browser.flows import PASSWORD, observer_joins, phase_is, player_joins
from tests.cast import facilitator_client, game_create

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.browser.stack import Stack

pytestmark = pytest.mark.django_db(transaction=True)

AXE_SCRIPT = (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
BLOCKING = ("serious", "critical")
TEAM_OF = {"en-GB": "US", "ja-JP": "JPN", "ko-KR": "ROK"}


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.evaluate(AXE_SCRIPT)
    result: dict[str, Any] = page.evaluate(
        "() => axe.run(document, { resultTypes: ['violations'] })"
    )
    return [v for v in result["violations"] if v.get("impact") in BLOCKING]


def report(where: str, violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = [json.dumps(n["target"]) for n in v["nodes"][:5]]
        lines.append(f"{where}: {v['impact']} {v['id']}: {v['help']} at {', '.join(targets)}")
    return "\n".join(lines)


def _accept_dialogs(page: Page) -> None:
    page.on("dialog", lambda dialog: dialog.accept())


def page_in(chromium: Browser, locale: str, width: int = 1366, height: int = 900) -> Page:
    context = chromium.new_context(locale=locale, viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    context.on("page", _accept_dialogs)
    return context.new_page()


def signs_in(page: Page, base: str, username: str) -> None:
    """By ids, not labels: the same steps run in every language."""
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.get_by_test_id("console-list")).to_be_visible()


@pytest.mark.parametrize("locale", ["en-GB", "ja-JP", "ko-KR"])
def test_the_pages_a_class_meets_pass_axe(stack: Stack, chromium: Browser, locale: str) -> None:
    username = f"axe-{locale.lower()}"
    game = game_create(facilitator_client(username))
    game.command("start")
    game.command("advance")
    found: list[str] = []

    def check(page: Page, where: str) -> None:
        violations = axe_violations(page)
        if violations:
            found.append(report(f"{where} ({locale})", violations))

    front = page_in(chromium, locale)
    for path in ("/join/", "/practice/"):
        front.goto(f"{stack.base}{path}")
        check(front, path)

    room = page_in(chromium, locale)
    player_joins(room, f"{stack.base}/join/?code={game.join_codes[TEAM_OF[locale]]}", "Axe")
    phase_is(room, "deliberation")
    room.get_by_test_id("action-add").click()
    check(room, "room")

    phone = page_in(chromium, locale, width=390, height=844)
    player_joins(phone, f"{stack.base}/join/?code={game.join_codes['DPRK']}", "Axe phone")
    phone.get_by_test_id("tab-decide").click()
    check(phone, "room on a phone")

    console = page_in(chromium, locale)
    signs_in(console, stack.base, username)
    check(console, "exercise list")
    console.goto(f"{stack.base}/console/{game.exercise_id}/")
    expect(console.get_by_test_id("console")).to_be_visible()
    check(console, "console")

    screen = page_in(chromium, locale)
    observer_joins(screen, f"{stack.base}/join/?code={game.join_codes['observers']}", "Projector")
    check(screen, "screen")

    for page in (front, room, phone, console, screen):
        page.context.close()
    assert not found, "\n".join(found)
