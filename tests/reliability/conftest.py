"""The reliability table: every fault test fills one row; the run prints them all at the end.

A row's result comes from the test's own outcome, so a row can never say PASS for a test that
failed, and the figures a failing test had measured so far are still shown.

Also the Uvicorn process the attack modules share, one per module.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from django.db import connection

from tests.realtime.harness import asgi_server

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator

    from _pytest.terminal import TerminalReporter
    from pytest_django import DjangoDbBlocker

    from tests.realtime.harness import Server
    from tests.services import PostgresServer, RedisServer


@dataclass
class Row:
    fault: str
    checked: str
    lost: int | None = None
    duplicates: int | None = None
    gaps: int | None = None
    server_errors: int | None = None
    recovery_seconds: float | None = None
    result: str = "FAIL"


ROWS: list[Row] = []


_HEADERS = ("fault", "checked", "lost", "dups", "gaps", "5xx", "recovery s", "result")


def _cells(row: Row) -> tuple[str, ...]:
    def number(value: int | None) -> str:
        return "-" if value is None else str(value)

    recovery = "-" if row.recovery_seconds is None else f"{row.recovery_seconds:.2f}"
    return (
        row.fault,
        row.checked,
        number(row.lost),
        number(row.duplicates),
        number(row.gaps),
        number(row.server_errors),
        recovery,
        row.result,
    )


def table_lines(rows: list[Row]) -> list[str]:
    cells = [_HEADERS, *(_cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(_HEADERS))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |"
        for line in cells
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return lines


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call":
        item.stash[_OUTCOME] = report.passed
    return report


_OUTCOME = pytest.StashKey[bool]()


@pytest.fixture
def table_row(request: pytest.FixtureRequest) -> Iterator[Row]:
    """The test's row; name the fault and the check, then fill the figures as they are measured."""
    row = Row(fault=request.node.name, checked="")
    ROWS.append(row)
    yield row
    row.result = "PASS" if request.node.stash.get(_OUTCOME, False) else "FAIL"


def pytest_terminal_summary(terminalreporter: TerminalReporter) -> None:
    if not ROWS:
        return
    terminalreporter.section("reliability")
    for line in table_lines(ROWS):
        terminalreporter.write_line(line)


@pytest.fixture(scope="module")
def server(
    postgres_server: PostgresServer,
    redis_server: RedisServer,
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
) -> Iterator[Server]:
    """One Uvicorn process for the attacks that need no special settings: each test reads the
    server's memory before and after its own attack. (After the test database exists, which
    the server's settings name.)"""
    with asgi_server(postgres_server, redis_server) as started:
        yield started
    with django_db_blocker.unblock():
        _wait_for_sessions_to_end()


def _wait_for_sessions_to_end(timeout: float = 10) -> None:
    """The stopped server's database sessions end a moment after it does; dropping the test
    database before then fails with "being accessed by other users"."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            row = cursor.fetchone()
            if row is None or row[0] == 0:
                return
            time.sleep(0.1)
