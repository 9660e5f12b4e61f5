"""Hostile input on the production topology (docs/reliability.md#goals: S9 and S10): hostile YAML
over HTTP against a real Uvicorn process, the server's resident memory read from /proc before and
after, and schemathesis over every operation and role. Every test fills one table row."""

from __future__ import annotations

import itertools
import os
import secrets
import time
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from tests.reliability.attackers import MB, RSS_GROWTH_BOUND, healthz, post_raw, rss_bytes
from tests.security.schema_fuzz import fuzz_role

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.realtime.harness import Server
    from tests.reliability.conftest import Row

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]
BODY_CAP = 256 * 1024
# Bound from docs/reliability.md#s10: hostile YAML refused within 2 s.
YAML_SECONDS = 2.0


def _billion_laughs() -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in itertools.pairwise("abcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


def _ten_megabytes() -> Iterator[bytes]:
    yield b"slug: huge\nsummary: '"
    for _ in range(160):
        yield secrets.token_hex(32 * 1024).encode()  # 64 KiB each
    yield b"'\n"


def _hostile_bodies() -> list[tuple[str, bytes | Iterator[bytes], int, str]]:
    depth = (BODY_CAP - 100) // 2
    huge = b"".join(_ten_megabytes())
    return [
        ("billion laughs", _billion_laughs(), 400, "invalid_scenario"),
        (
            "!!python/object",
            b'slug: x\nsummary: !!python/object/apply:os.system ["true"]\n',
            400,
            "invalid_scenario",
        ),
        ("!!python/name", b"slug: !!python/name:os.system ''\n", 400, "invalid_scenario"),
        (
            f"nesting {depth} deep",
            ("slug: deep\nsummary: " + "[" * depth + "]" * depth + "\n").encode(),
            400,
            "invalid_scenario",
        ),
        ("10 MB declared", huge, 413, "payload_too_large"),
        ("10 MB chunked", _ten_megabytes(), 413, "payload_too_large"),
    ]


def test_hostile_yaml_over_http_is_refused_quickly_without_memory_growth(
    server: Server, table_row: Row
) -> None:
    table_row.fault = "S10 hostile YAML over HTTP"
    user = get_user_model().objects.create_user("yaml", password="a-long-pass-phrase-9")
    headers = {
        "Authorization": f"Token {Token.objects.create(user=user).key}",
        "Content-Type": "application/yaml",
    }
    paths = ("/api/v1/scenarios/validate/", "/api/v1/scenarios/")
    for path in paths:  # the first requests import the views; only the hostile ones count
        post_raw(server.base, path, headers, b"[")
    rss_before = rss_bytes(server.pid)
    wrong = []
    slowest = 0.0
    statuses = []
    for path in paths:
        for name, body, status, code in _hostile_bodies():
            got, answer, took = post_raw(server.base, path, headers, body)
            statuses.append(got)
            slowest = max(slowest, took)
            error = answer.get("error", {}) if isinstance(answer, dict) else {}
            if (got, error.get("code")) != (status, code) or took >= YAML_SECONDS:
                wrong.append((path, name, got, error.get("code"), round(took, 2)))
    growth = rss_bytes(server.pid) - rss_before
    health = healthz(server.base)
    table_row.server_errors = sum(1 for s in statuses if s >= 500)
    table_row.checked = (
        f"{len(statuses)} bodies on 2 endpoints: {statuses.count(400)} x 400 invalid_scenario, "
        f"{statuses.count(413)} x 413; slowest {slowest:.2f} s; RSS +{growth / MB:.1f} MB; "
        f"healthz {health}"
    )
    print(f"\n{table_row.checked}")
    assert not wrong, wrong
    assert growth < RSS_GROWTH_BOUND
    assert health == 200


# CI scale; FULL=1 is the full run of docs/reliability.md#s9 (by hand: about an hour on 2 cores).
SCHEMA_EXAMPLES = 1000 if os.environ.get("FULL") == "1" else 25
ROLES = ("facilitator", "player", "observer", "anonymous")


@pytest.mark.django_db
@pytest.mark.timeout(0)
def test_every_operation_and_role_survives_schemathesis_at_scale(table_row: Row) -> None:
    table_row.fault = f"S9 schemathesis, {SCHEMA_EXAMPLES} examples/operation x 4 roles"
    started = time.monotonic()
    tallies = {role: fuzz_role(role, SCHEMA_EXAMPLES) for role in ROLES}
    took = time.monotonic() - started
    cases = sum(t.cases for t in tallies.values())
    failures = [f for t in tallies.values() for f in t.failures]
    table_row.server_errors = sum(t.server_errors for t in tallies.values())
    table_row.checked = (
        f"{cases} cases on {tallies['anonymous'].operations} operations in {took:.0f} s; "
        f"{len(failures)} schema/status failures"
    )
    for role, tally in tallies.items():
        seen = ", ".join(f"{n}xx: {tally.statuses[n]}" for n in sorted(tally.statuses))
        print(f"\n{role}: {tally.cases} cases ({seen})")
    assert all(t.operations > 30 for t in tallies.values())
    assert all(t.statuses[2] > 0 for t in tallies.values()), "no example got past validation"
    assert table_row.server_errors == 0
    assert not failures, "\n".join(dict.fromkeys(failures))
