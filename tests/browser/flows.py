"""Steps people take in the web app, shared by the browser tests and the screenshot run."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import expect

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

TEAMS = ("US", "ROK", "JPN", "DPRK")
PASSWORD = "a-long-pass-phrase-9"
# Long enough for the browsers to do a turn's work, short enough for the test to wait it out.
DELIBERATION_MINUTES = 1


def shot(page: Page, name: str) -> None:
    """With WARGAME_SCREENSHOTS set (``make screenshots``), keep a picture of this page."""
    folder = os.environ.get("WARGAME_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)


def open_context(chromium: Browser, *, locale: str = "en-GB") -> BrowserContext:
    context = chromium.new_context(
        locale=locale, viewport={"width": 1366, "height": 900}, timezone_id="Asia/Tokyo"
    )
    context.set_default_timeout(15_000)
    # Submitting, ending and publishing ask "are you sure?": the people in these tests are.
    context.on("page", _accept_dialogs)
    return context


def _accept_dialogs(page: Page) -> None:
    page.on("dialog", lambda dialog: dialog.accept())


def watch_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def facilitator_signs_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("console-list")).to_be_visible()


def facilitator_creates_exercise(page: Page, *, title: str) -> int:
    page.get_by_test_id("exercise-new").click()
    form = page.get_by_test_id("setup-form")
    form.get_by_test_id("scenario-select").select_option("exercise_season")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Seed").fill("7")
    form.get_by_label("Deliberation").fill(str(DELIBERATION_MINUTES))
    shot(page, "console-setup")
    form.get_by_role("button", name="Create exercise").click()
    expect(page.get_by_test_id("console")).to_be_visible()
    match = re.search(r"/console/(\d+)/", page.url)
    assert match, page.url
    return int(match.group(1))


def command(page: Page, name: str) -> None:
    button = page.get_by_test_id(f"command-{name}")
    expect(button).to_be_enabled()
    button.click()


def join_link(page: Page, team: str) -> str:
    link = page.locator(f'[data-testid="join-link"][data-team="{team}"]')
    href = link.get_attribute("href")
    assert href, team
    return href


def player_joins(page: Page, link: str, name: str) -> None:
    page.goto(link)
    # By id, not by label: the same steps run in Japanese and Korean.
    page.locator("#id_display_name").fill(name)
    shot(page, "join")
    page.get_by_test_id("join-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("room")).to_be_visible()


def observer_joins(page: Page, link: str, name: str) -> None:
    """An observer's seat: the join form sends observers to the public screen."""
    page.goto(link)
    page.locator("#id_display_name").fill(name)
    page.get_by_test_id("join-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("screen")).to_be_visible()


def phase_is(page: Page, phase: str, *, timeout: float = 15_000) -> None:
    expect(page.get_by_test_id("phase")).to_have_attribute("data-phase", phase, timeout=timeout)


def draft_first_action(page: Page, rationale: str) -> None:
    """Add an action (the first the catalogue offers, on its first target) and a rationale."""
    form = page.get_by_test_id("decision-form")
    form.get_by_test_id("action-add").click()
    row = form.get_by_test_id("action-row").last
    select = row.get_by_test_id("action-select")
    values = select.locator("option").evaluate_all(
        "options => options.map(o => o.value).filter(Boolean)"
    )
    select.select_option(values[0])
    targets = row.get_by_test_id("target-select")
    if targets.count() and targets.is_enabled():
        choices = targets.locator("option").evaluate_all(
            "options => options.map(o => o.value).filter(Boolean)"
        )
        if choices:
            targets.select_option(choices[0])
    form.get_by_test_id("rationale").fill(rationale)
    expect(form.get_by_test_id("draft-status")).to_have_attribute("data-state", "saved")


def post_message(page: Page, channel: str, body: str) -> None:
    page.locator(f'[data-testid="channel-link"][data-channel-name="{channel}"]').click()
    form = page.get_by_test_id("message-form")
    form.get_by_test_id("message-body").fill(body)
    form.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("message-list")).to_contain_text(body)
