"""The review panel's script in a real browser: an override typed into a row's form reaches the
API as the contract's list, its error shows beside the field, and Publish waits for the explicit
nuclear approval. The panel is embedded as the console embeds it: a live region."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser.stack import chromium_launch
from tests.web.test_review_support import deliberate_and_lock, start

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

    from tests.web.conftest import WebCast

EMBED = """async (part) => {
    const html = await (await fetch(part)).text();
    document.querySelector("main").innerHTML =
        `<section data-src="${part}" data-refresh="adjudication.proposed">${html}</section>`;
    const script = document.createElement("script");
    script.type = "module";
    script.src = "/static/js/wargame/review.js";
    document.head.appendChild(script);
    await new Promise((done) => script.addEventListener("load", done));
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_override_then_the_approval_then_publish(
    live_server: LiveServer, web_cast: WebCast
) -> None:
    from playwright.sync_api import sync_playwright

    game = web_cast.game
    start(game)
    deliberate_and_lock(game, 1)
    eid = web_cast.exercise_id
    host = live_server.url.split("//", 1)[1].rsplit(":", 1)[0]
    session = web_cast.control.cookies["sessionid"].value
    with sync_playwright() as playwright:
        browser = chromium_launch(playwright)
        try:
            context = browser.new_context()
            context.add_cookies(
                [{"name": "sessionid", "value": session, "domain": host, "path": "/"}]
            )
            page = context.new_page()
            page.on("dialog", lambda dialog: dialog.accept())
            # Any page with the base layout gives the CSRF token and forms.js.
            page.goto(f"{live_server.url}/exercises/{eid}/timeline/")
            page.evaluate(EMBED, f"/console/{eid}/adjudication/part/")
            panel = page.get_by_test_id("review")
            assert panel.get_attribute("data-status") == "proposed"
            assert page.get_by_test_id("nuclear-warning").count() == 0

            # Every value, each with its override, is behind the review's disclosure.
            page.get_by_test_id("values-disclosure").locator(":scope > summary").click()
            page.locator('tr[data-path="/state/rung/DPRK/ROK"] summary').click()
            form = page.locator('[data-testid="override-form"][data-path="/state/rung/DPRK/ROK"]')
            form.locator('input[name="overrides.0.value"]').fill("8")
            form.get_by_role("button", name="Override").click()
            reason_error = form.locator('[data-field-error="overrides.0.reason"]')
            reason_error.wait_for(state="visible")
            assert reason_error.text_content()

            form.locator('input[name="overrides.0.reason"]').fill("Browser drill")
            form.get_by_role("button", name="Override").click()
            page.get_by_test_id("nuclear-warning").wait_for()
            assert "Browser drill" in (page.get_by_test_id("overrides").text_content() or "")
            publish = page.get_by_test_id("publish")
            assert publish.is_disabled()
            page.get_by_test_id("approve-nuclear").check()
            assert publish.is_enabled()
            publish.click()
            page.wait_for_selector('[data-testid="review"][data-status="published"]')
        finally:
            browser.close()
    assert game.exercise()["phase"] == "outcome"
