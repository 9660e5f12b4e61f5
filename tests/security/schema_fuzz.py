"""Schemathesis over every operation of ``/api/schema/`` with one role's credentials, at a chosen
scale (docs/reliability.md#s9): 10 examples per operation in `make test`
(tests/security/test_api_fuzz.py), 25 in `make reliability`, 1000 with `FULL=1`. Every case is
counted, so the reliability table can show how many ran."""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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

from tests.cast import facilitator_client, game_create

if TYPE_CHECKING:
    from collections.abc import Iterator

    from schemathesis.schemas import APIOperation

    from tests.cast import Game

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


@dataclass
class FuzzTally:
    operations: int = 0
    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        return self.statuses[5]


def _fuzz_operation(
    operation: APIOperation[Any, Any, Any, Any],
    game: Game,
    headers: dict[str, str],
    examples: int,
    tally: FuzzTally,
) -> None:
    known = _known_ids(game, operation) or None
    strategy = st.one_of(
        operation.as_strategy(path_parameters=known),
        operation.as_strategy(),
        operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=known),
    )

    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        tally.cases += 1
        try:
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            tally.statuses[response.status_code // 100] += 1
        except (AssertionError, BaseExceptionGroup) as exc:
            # Collected rather than raised, so one run reports every failing operation.
            tally.failures.append(f"{operation.label}:\n{_summary(exc)}")

    run()


def fuzz_role(role: str, examples: int) -> FuzzTally:
    """Every operation of ``/api/schema/`` with ``role``'s credentials, ``examples`` each, on a
    fresh game; call inside a test that holds the database."""
    game = game_create(facilitator_client(f"control-{role}"))
    headers = _authorization(game, role)
    tally = FuzzTally()
    with _connection_kept_across_requests():
        schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
        for result in schema.get_all_operations():
            # An operation the schema describes badly is a failure, not something to skip.
            assert isinstance(result, Ok), result.err()
            tally.operations += 1
            _fuzz_operation(result.ok(), game, headers, examples, tally)
    return tally
