"""Every API operation, fuzzed from its own OpenAPI schema with each role's credentials, answers
without a server error and within its documented responses (docs/reliability.md#s9, quick form).

The Django app runs in-process through WSGI on the test database; the examples are derandomized
so a failure reproduces, and the run is bounded per operation so it fits the quick profile
(`make reliability` runs 25 per operation, `FULL=1` 1000).
"""

from __future__ import annotations

import time

import pytest

from tests.security.schema_fuzz import fuzz_role

pytestmark = [pytest.mark.slow, pytest.mark.django_db, pytest.mark.timeout(180)]

EXAMPLES_PER_OPERATION = 10


@pytest.mark.parametrize("role", ["facilitator", "player", "observer", "anonymous"])
def test_every_operation_answers_without_a_server_error_and_as_documented(role: str) -> None:
    started = time.monotonic()
    tally = fuzz_role(role, EXAMPLES_PER_OPERATION)
    took = time.monotonic() - started
    seen = ", ".join(f"{n}xx: {tally.statuses[n]}" for n in sorted(tally.statuses))
    print(f"\n{role}: {tally.operations} operations, {tally.cases} cases in {took:.1f} s ({seen})")
    assert tally.operations > 30
    assert tally.statuses[2] > 0, "no example got past authentication and validation"
    assert not tally.failures, "\n".join(dict.fromkeys(tally.failures))
