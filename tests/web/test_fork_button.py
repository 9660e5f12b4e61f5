"""The console's fork button in a real browser: control forks a what-if branch at a published
turn and lands on the labelled side-by-side comparison of the game and its branch."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.browser.stack import chromium_launch
from tests.cast import facilitator_client
from tests.reports.play import play
from tests.web.conftest import signed_in
from wargame.exercises.models import Exercise

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_control_forks_at_a_published_turn_and_sees_the_comparison(
    live_server: LiveServer,
) -> None:
    from playwright.sync_api import sync_playwright

    game = play(facilitator_client("control"), tag="f")  # turn 1 published
    eid = game.exercise_id
    session = signed_in("control").cookies["sessionid"].value
    host = live_server.url.split("//", 1)[1].rsplit(":", 1)[0]
    with sync_playwright() as playwright:
        browser = chromium_launch(playwright)
        try:
            context = browser.new_context()
            context.add_cookies(
                [{"name": "sessionid", "value": session, "domain": host, "path": "/"}]
            )
            page = context.new_page()
            page.goto(f"{live_server.url}/console/{eid}/")
            page.get_by_test_id("fork").locator("summary").click()
            assert page.get_by_test_id("fork-turn").locator("option").all_inner_texts() == ["1"]
            page.get_by_test_id("fork-make").click()
            page.wait_for_url(re.compile(rf"/exercises/{eid}/compare/\d+/$"))
            branch_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
            compare = page.get_by_test_id("compare")
            assert "Compare branches" in compare.inner_text()
            assert "What-if from turn 1" in compare.inner_text()
            assert page.get_by_test_id("compare-turn").count() >= 1
        finally:
            browser.close()
    branch = Exercise.objects.get(pk=branch_id)
    assert (branch.branch_of_id, branch.branch_from_turn) == (eid, 1)
