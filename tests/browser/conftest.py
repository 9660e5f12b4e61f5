"""Browser tests: real headless Chromium (Playwright) against the whole product on loopback."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from tests.browser.stack import Stack, chromium_launch, stack_running

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser

    from tests.services import PostgresServer, RedisServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def stack(
    django_db_setup: None,
    django_db_blocker: pytest.FixtureRequest,
    postgres_server: PostgresServer,
    redis_server: RedisServer,
) -> Iterator[Stack]:
    with stack_running(postgres_server, redis_server) as live:
        yield live


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One browser per module: Playwright's sync API keeps an event loop running on this thread,
    which must be gone before tests that run their own loop."""
    from playwright.sync_api import sync_playwright

    # The test's own ORM calls are plain synchronous code between Playwright's calls; Django
    # only sees the loop Playwright keeps running.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = chromium_launch(playwright)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE")
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
