"""Every API operation, fuzzed from its own OpenAPI schema with each role's credentials, answers
without a server error and within its documented responses (docs/reliability.md#s9, quick form).

Two profiles: PostgreSQL (the test database; the Django app in-process through WSGI) and the
embedded default of `make demo` (SQLite and the in-memory channel layer, in a process of its own:
tests/security/embedded_fuzz.py). The examples are derandomized so a failure reproduces, and the
run is bounded per operation so it fits the quick profile (`make reliability` runs 25 per
operation, `FULL=1` 1000).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from tests.security.embedded_fuzz import embedded_run
from tests.security.schema_fuzz import fuzz_role

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = [pytest.mark.slow]

EXAMPLES_PER_OPERATION = 10
ROLES = ("facilitator", "player", "observer", "anonymous")


@pytest.mark.django_db
@pytest.mark.timeout(180)
@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_without_a_server_error_and_as_documented(role: str) -> None:
    started = time.monotonic()
    tally = fuzz_role(role, EXAMPLES_PER_OPERATION)
    took = time.monotonic() - started
    seen = ", ".join(f"{n}xx: {tally.statuses[n]}" for n in sorted(tally.statuses))
    print(f"\n{role}: {tally.operations} operations, {tally.cases} cases in {took:.1f} s ({seen})")
    assert tally.operations > 30
    assert tally.statuses[2] > 0, "no example got past authentication and validation"
    assert not tally.failures, "\n".join(dict.fromkeys(tally.failures))


@pytest.mark.timeout(600)
def test_every_operation_answers_without_a_server_error_on_the_embedded_default(
    tmp_path: Path,
) -> None:
    started = time.monotonic()
    tallies = embedded_run([str(EXAMPLES_PER_OPERATION), *ROLES], tmp_path, timeout=540)
    took = time.monotonic() - started
    assert [t["role"] for t in tallies] == list(ROLES)
    for tally in tallies:
        print(f"\nembedded {tally['role']}: {tally['cases']} cases ({tally['statuses']})")
        assert tally["operations"] > 30
    print(f"embedded default: {sum(t['cases'] for t in tallies)} cases in {took:.1f} s")
    failures = [f for t in tallies for f in t["failures"]]
    assert not failures, "\n".join(failures)
