"""The fork buttons in a real browser: control forks a what-if branch at a published turn, from
the console or from that turn on the timeline with one team's decision replaced, and lands on the
labelled side-by-side comparison of the game and its branch."""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest

from tests.browser.stack import chromium_launch
from tests.cast import facilitator_client
from tests.reports.play import play
from tests.web.conftest import signed_in
from wargame.exercises.models import Exercise

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ICBM_TEST = '{"action": "s.missile_test", "params": {"class": "ICBM"}}'


@contextmanager
def control_page(live_server: LiveServer) -> Iterator[Page]:
    """A Chromium page signed in as the facilitator "control"."""
    from playwright.sync_api import sync_playwright

    session = signed_in("control").cookies["sessionid"].value
    host = live_server.url.split("//", 1)[1].rsplit(":", 1)[0]
    with sync_playwright() as playwright:
        browser = chromium_launch(playwright)
        try:
            context = browser.new_context()
            context.add_cookies(
                [{"name": "sessionid", "value": session, "domain": host, "path": "/"}]
            )
            yield context.new_page()
        finally:
            browser.close()


def branch_opened(page: Page, eid: int) -> int:
    page.wait_for_url(re.compile(rf"/exercises/{eid}/compare/\d+/$"))
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def test_control_forks_at_a_published_turn_and_sees_the_comparison(
    live_server: LiveServer,
) -> None:
    game = play(facilitator_client("control"), tag="f")  # turn 1 published
    eid = game.exercise_id
    with control_page(live_server) as page:
        page.goto(f"{live_server.url}/console/{eid}/")
        page.get_by_test_id("fork").locator("summary").click()
        assert page.get_by_test_id("fork-turn").locator("option").all_inner_texts() == ["1"]
        page.get_by_test_id("fork-make").click()
        branch_id = branch_opened(page, eid)
        compare = page.get_by_test_id("compare")
        assert "Compare branches" in compare.inner_text()
        assert "What-if from turn 1" in compare.inner_text()
        assert page.get_by_test_id("compare-turn").count() >= 1
    branch = Exercise.objects.get(pk=branch_id)
    assert (branch.branch_of_id, branch.branch_from_turn) == (eid, 1)


def test_control_forks_from_a_turn_of_the_timeline_with_a_decision_replaced(
    live_server: LiveServer,
) -> None:
    from playwright.sync_api import expect

    game = play(facilitator_client("control"), tag="t")  # turn 1 published
    eid = game.exercise_id
    with control_page(live_server) as page:
        page.goto(f"{live_server.url}/exercises/{eid}/timeline/")
        turn = page.locator('[data-testid="timeline-turn"][data-turn="1"]')
        turn.get_by_test_id("timeline-fork").locator("summary").click()
        # A team chosen without an action: the refusal is said in the form, nothing is made.
        turn.get_by_test_id("fork-replace-team").select_option("DPRK")
        turn.get_by_test_id("timeline-fork-make").click()
        expect(turn.locator('[data-field-error="replace.0.actions"]')).not_to_be_empty()
        turn.get_by_test_id("fork-replace-action").select_option(ICBM_TEST)
        turn.get_by_test_id("timeline-fork-make").click()
        branch_id = branch_opened(page, eid)
        assert "DPRK" in page.locator('[data-kind="decision_replaced"]').inner_text()
    branch = Exercise.objects.get(pk=branch_id)
    assert Exercise.objects.filter(branch_of_id=eid).count() == 1  # the refused one made none
    replaced = [e for e in branch.branch_log if e["kind"] == "decision_replaced"]
    assert [(e["team"], e["turn"], e["actions"]) for e in replaced] == [
        ("DPRK", 1, [{"action": "s.missile_test", "params": {"class": "ICBM"}}])
    ]
