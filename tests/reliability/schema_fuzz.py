"""Schemathesis over every operation and role at a chosen scale (RELIABILITY.md S9): the quick
form in tests/security/test_api_fuzz.py with the example count as a parameter and every case
counted, so the table can show how many ran."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.result import Ok

from tests.api.cast import facilitator_client, game_create
from tests.security.test_api_fuzz import (
    CHECKS,
    _authorization,
    _connection_kept_across_requests,
    _known_ids,
    _summary,
)

if TYPE_CHECKING:
    from schemathesis.schemas import APIOperation

    from tests.api.cast import Game


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
