"""The stack serves the join page to a real browser, styles, scripts and fonts from the project
itself; Japanese and Korean text is drawn with the project's own faces."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from wargame.api.report_views import REPORT_CSP
from wargame.exercises.management.commands.sample_report import sample_play
from wargame.reports.aar.render import report_html

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.browser.stack import Stack

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_join_page_loads_with_no_request_leaving_the_machine(
    stack: Stack, chromium: Browser
) -> None:
    context = chromium.new_context()
    page = context.new_page()
    foreign: list[str] = []
    page.on(
        "request",
        lambda request: None if request.url.startswith(stack.base) else foreign.append(request.url),
    )
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{stack.base}/join/?code=ABCDE-FGHJK")
    assert page.get_by_label("Join code").input_value() == "ABCDE-FGHJK"
    page.wait_for_function("document.documentElement.classList.contains('js')")
    assert foreign == []
    assert errors == []
    context.close()


def _fonts_drawing(page: Page, selector: str) -> set[tuple[str, bool]]:
    """The fonts Chromium used for the text of the first element ``selector`` matches, each as
    (family, whether it came from an @font-face rule)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return {(font["familyName"], font["isCustomFont"]) for font in fonts}


@pytest.mark.parametrize(
    ("locale", "heading", "face", "unused"),
    [
        ("en-GB", "Join an exercise", None, ("WargameSansJP", "WargameSansKR")),
        ("ja-JP", "演習に参加", "Wargame Sans JP", ("WargameSansKR",)),
        ("ko-KR", "연습 참가", "Wargame Sans KR", ("WargameSansJP",)),
    ],
)
def test_pages_draw_japanese_and_korean_with_the_projects_faces_and_fetch_no_other(
    stack: Stack, chromium: Browser, locale: str, heading: str, face: str | None, unused: tuple[str]
) -> None:
    context = chromium.new_context(locale=locale)
    page = context.new_page()
    fonts: list[str] = []
    page.on(
        "request", lambda request: fonts.append(request.url) if "/fonts/" in request.url else None
    )
    page.goto(f"{stack.base}/join/")
    assert page.locator("h1").inner_text() == heading
    page.evaluate("document.fonts.ready.then(() => true)")
    drawn = _fonts_drawing(page, "h1")
    if face is None:
        assert not any(custom for _, custom in drawn), drawn
    else:
        assert (face, True) in drawn, drawn
        # the switcher names the page's language in that language, from a face of its own
        assert _fonts_drawing(page, "#language-select") == {("Wargame Language Names", True)}
    # its list of 日本語 and 한국어 comes from that face too: no other face is fetched for it
    assert not [url for url in fonts if any(name in url for name in unused)], fonts
    context.close()


def test_a_korean_report_page_draws_its_text_with_the_glyphs_it_carries(
    chromium: Browser,
) -> None:
    exercise = sample_play(scenario="exercise_season", turns=1, seed=7, language="ko")
    html = report_html(exercise, "ko")
    context = chromium.new_context()
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    # Served as the report endpoint serves it: its own policy, nothing fetched from anywhere.
    page.route(
        "http://report.invalid/",
        lambda route: route.fulfill(
            body=html,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": REPORT_CSP},
        ),
    )
    page.goto("http://report.invalid/")
    page.evaluate("document.fonts.ready.then(() => true)")
    assert ("Wargame Sans KR", True) in _fonts_drawing(page, "h2"), _fonts_drawing(page, "h2")
    assert violations == []
    context.close()
