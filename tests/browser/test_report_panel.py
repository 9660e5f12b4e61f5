"""The console's report panel in a real browser, with a Celery worker rendering the jobs: the file
it offers is always the one of the job the page just asked for, never the one before it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.flows import facilitator_signs_in, open_context, watch_errors
from tests.cast import facilitator_client, game_create

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.browser.stack import Stack

pytestmark = pytest.mark.django_db(transaction=True)

# Submitted from the page, then the link read in the same task, before any answer can arrive.
SUBMIT_AND_READ = """() => {
  document.querySelector("[data-report-form]").requestSubmit();
  const link = document.querySelector("[data-report-download]");
  return {hidden: link.hidden, href: link.getAttribute("href")};
}"""


def _requested(page: Page, fmt: str, language: str) -> str:
    """Ask for a report and return the file link the panel offers once the worker is done."""
    page.get_by_test_id("report-format").select_option(fmt)
    page.get_by_test_id("report-language").select_option(language)
    shown = page.evaluate(SUBMIT_AND_READ)
    assert shown["hidden"], shown
    assert not shown["href"], shown
    link = page.get_by_test_id("report-download")
    expect(link).to_be_visible(timeout=90_000)
    href = link.get_attribute("href")
    assert href
    return href


def test_the_panel_offers_only_the_file_of_the_job_it_just_asked_for(
    stack: Stack, chromium: Browser
) -> None:
    game = game_create(facilitator_client("panel-prof"))
    assert game.command("start").status_code == 200
    assert game.command("end").status_code == 200
    page = open_context(chromium).new_page()
    errors = watch_errors(page)
    facilitator_signs_in(page, stack.base, "panel-prof")
    page.goto(f"{stack.base}/console/{game.exercise_id}/")

    english_pdf = _requested(page, "pdf", "en")
    korean_html = _requested(page, "html", "ko")
    assert korean_html != english_pdf
    served = page.request.get(f"{stack.base}{korean_html}")
    assert served.ok
    assert 'lang="ko"' in served.text()
    assert errors == []
