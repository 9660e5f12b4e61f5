"""The stack serves the join page to a real browser, styles and scripts from the project itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

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
