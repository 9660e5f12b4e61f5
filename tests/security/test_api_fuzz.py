"""Every API operation, fuzzed from its own OpenAPI schema with each role's credentials, answers
without a server error and within its documented responses (RELIABILITY.md S9, quick form).

The Django app runs in-process through WSGI on the test database; the examples are derandomized
so a failure reproduces, and the run is bounded per operation so it fits the quick profile.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.cast import facilitator_client, game_create

if TYPE_CHECKING:
    from collections.abc import Iterator

    from schemathesis.schemas import APIOperation

    from tests.api.cast import Game

pytestmark = [pytest.mark.slow, pytest.mark.django_db, pytest.mark.timeout(180)]

EXAMPLES_PER_OPERATION = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _authorization(game: Game, role: str) -> dict[str, str]:
    clients = {"facilitator": game.control, "player": game.players["US"], "observer": game.observer}
    if role not in clients:
        return {}
    credentials: dict[str, str] = clients[role]._credentials  # type: ignore[attr-defined]
    return {"Authorization": credentials["HTTP_AUTHORIZATION"]}


def _known_ids(game: Game, operation: APIOperation[Any, Any, Any, Any]) -> dict[str, Any]:
    """Path parameters that name things in the built world, so examples reach the views' bodies
    rather than stopping at 404; the free strategy still tries foreign and absurd ids."""
    names = {p.name for p in operation.path_parameters}
    known: dict[str, Any] = {"exercise_id": game.exercise_id, "turn": 1}
    return {name: value for name, value in known.items() if name in names}


def _summary(exc: BaseException) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return "\n".join(f"    {line}" for line in lines[:14])


@contextlib.contextmanager
def _connection_kept_across_requests() -> Iterator[None]:
    """Django's WSGI handler closes the database connection after each request; the test's
    transaction lives on that connection, so the test client's trick is repeated here."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _fuzz(
    operation: APIOperation[Any, Any, Any, Any],
    game: Game,
    headers: dict[str, str],
    statuses: Counter[int],
) -> list[str]:
    """Valid inputs aimed at the built world, valid ones anywhere, and invalid ones; returns
    each failing example's summary and counts the status classes seen (2 for 2xx, ...)."""
    failures: list[str] = []
    known = _known_ids(game, operation) or None
    strategy = st.one_of(
        operation.as_strategy(path_parameters=known),
        operation.as_strategy(),
        operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=known),
    )

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        try:
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            statuses[response.status_code // 100] += 1
        except (AssertionError, BaseExceptionGroup) as exc:
            # Collected rather than raised, so one run reports every failing operation.
            failures.append(f"{operation.label}:\n{_summary(exc)}")

    run()
    return failures


@pytest.mark.parametrize("role", ["facilitator", "player", "observer", "anonymous"])
def test_every_operation_answers_without_a_server_error_and_as_documented(role: str) -> None:
    game = game_create(facilitator_client("control"))
    headers = _authorization(game, role)
    started = time.monotonic()
    failures: list[str] = []
    operations = 0
    statuses: Counter[int] = Counter()
    with _connection_kept_across_requests():
        schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
        for result in schema.get_all_operations():
            # An operation the schema describes badly is a failure, not something to skip.
            assert isinstance(result, Ok), result.err()
            operation = result.ok()
            operations += 1
            failures += _fuzz(operation, game, headers, statuses)
    took = time.monotonic() - started
    seen = ", ".join(f"{n}xx: {statuses[n]}" for n in sorted(statuses))
    print(f"\n{role}: {operations} operations in {took:.1f} s ({seen})")
    assert operations > 30
    assert statuses[2] > 0, "no example got past authentication and validation"
    assert not failures, "\n".join(dict.fromkeys(failures))
