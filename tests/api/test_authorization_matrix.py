"""Who may do what to which exercise (docs/interface.md#roles-and-views, #endpoints): every route of
wargame/api/urls.py, each method it allows, every role and object, against authz_matrix.yaml;
and the fog of war over every answer: no principal ever receives another team's private text,
the seed, the join codes or a hidden state variable it may not see.

The world is built once for the module (two exercises played to turn 2: tests/api/authz_world.py),
then every cell runs in a savepoint that is rolled back, so each starts from the same state
(tests/api/authz_cells.py); real writes and every principal's reads follow
(tests/api/authz_epilogue.py). The tests read what the world recorded."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import pytest
from django.db import transaction
from django.test import override_settings

from tests.api.authz_cells import (
    allowed_methods,
    api_patterns,
    label,
    not_allowed,
    route_params,
    run_case,
)
from tests.api.authz_epilogue import bad_credentials, epilogue, teaching
from tests.api.authz_world import CASES, ROLES, SEATED, Cell, World, world_build
from tests.cast import SEED, TEAMS
from wargame.exercises.events import EventType

if TYPE_CHECKING:
    from collections.abc import Iterator

ERROR_CODES = {
    400: {"invalid", "invalid_scenario"},
    401: {"not_authenticated"},
    403: {"permission_denied"},
    404: {"not_found"},
    405: {"method_not_allowed"},
    409: {"conflict", "idempotency_conflict", "approval_required"},
    423: {"locked"},
}
CANARY_PATTERN = re.compile(r"cnry\d{4}q")
HIDDEN_DPRK_KEYS = ("posture", "predelegation", "icbm", "warheads", "yongbyon", "russia")
# The world fixture opens the database itself (module scope); the marker makes pytest-django
# create the test database even when this module runs alone.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> World:
    # One password check with the production hasher takes about a second; this module makes
    # dozens, and tests who may sign in, not how the password is stored.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        built = world_build()
        params = route_params()
        for case in CASES:
            run_case(case, built, params[case["route"]])
        not_allowed(built, params)
        epilogue(built)
        bad_credentials(built)
        teaching(built)
        transaction.set_rollback(True)
    return built


# --- the tests ----------------------------------------------------------------------------------


def test_it_lists_every_method_of_every_api_route_in_the_matrix() -> None:
    routes = {
        (name, method)
        for name, pattern in api_patterns().items()
        for method in allowed_methods(pattern)
    }
    listed = {(case["route"], case["method"]) for case in CASES}
    known = {
        "route",
        "method",
        "what",
        "notes",
        "objects_are",
        "body",
        "content",
        "slug",
        "channel",
        "turn",
        "query",
        "prepare",
        "compare_with",
        "expect",
    }
    assert [set(case) - known for case in CASES if set(case) - known] == []
    labels = [label(case) for case in CASES]
    assert len(set(labels)) == len(labels), "two cases answer to one name: add a `what`"
    assert routes - listed == set(), "routes missing from authz_matrix.yaml"
    assert listed - routes == set(), "authz_matrix.yaml names routes or methods urls.py lacks"
    for case in CASES:
        assert set(case["expect"]) in ({"own", "other"}, {"any"}), label(case)
        for by_role in case["expect"].values():
            assert all(role in by_role or "*" in by_role for role in ROLES), label(case)


def test_it_answers_every_cell_of_the_matrix_as_expected(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = [cell.describe() for cell in world.cells if cell.status != cell.expected]
    wrong += [
        f"bad error shape: {cell.describe()}" for cell in world.cells if not _error_shape_fits(cell)
    ]
    summary = (
        f"authorization matrix: {len(world.cells)} cells checked ({len(CASES)} cases x objects"
        f" x {len(ROLES)} roles), {len(wrong)} unexpected"
    )
    with capsys.disabled():
        print(f"\n{summary}")
    assert wrong == []


def _error_shape_fits(cell: Cell) -> bool:
    if cell.status < 400:
        return True
    try:
        error = json.loads(cell.text)["error"]
    except (ValueError, KeyError, TypeError):
        return False
    return isinstance(error.get("message"), str) and error.get("code") in ERROR_CODES.get(
        cell.status, {error.get("code")}
    )


def test_a_method_no_route_allows_answers_405(world: World) -> None:
    wrong = [
        cell.describe()
        for cell in world.not_allowed
        if cell.status != 405 or not _error_shape_fits(cell)
    ]
    assert len(world.not_allowed) == len(api_patterns())
    assert wrong == []


def test_a_removed_participant_or_a_made_up_token_gets_401(world: World) -> None:
    wrong = [
        cell.describe()
        for cell in world.bad_credentials
        if cell.status != 401 or not _error_shape_fits(cell)
    ]
    assert len(world.bad_credentials) == 9
    assert wrong == []


def _received(world: World) -> dict[str, set[str]]:
    got: dict[str, set[str]] = {}
    for seen in world.seen:
        found = set(CANARY_PATTERN.findall(seen.text))
        found |= {secret.text for secret in world.secrets if secret.text in seen.text}
        got.setdefault(seen.who, set()).update(found)
    return got


def test_no_principal_ever_receives_text_it_may_not_read(world: World) -> None:
    """Over every matrix answer (errors included), every event stream and every read after the
    matrix: another team's rationale, channel or control-line message, another exercise's
    anything, a join code (control only) or a participant token (nobody)."""
    every = {**world.canaries, **{s.text: s for s in world.secrets}}
    leaks = [
        f"{seen.who} got {every[text].what} at {seen.where} ({seen.status})"
        for seen in world.seen
        for text in set(CANARY_PATTERN.findall(seen.text))
        | {s.text for s in world.secrets if s.text in seen.text}
        if seen.who not in every[text].readers
    ]
    assert leaks == []


def test_every_seated_principal_receives_exactly_the_private_text_it_may_read(
    world: World,
) -> None:
    """The check above must not pass by looking at nothing: each principal does receive all
    its own private text (control all of its exercise's), and nothing else."""
    got = _received(world)
    every = [*world.canaries.values(), *world.secrets]
    for who in (*SEATED, "other_facilitator", "anonymous"):
        may = {canary.text for canary in every if who in canary.readers}
        assert got.get(who, set()) == may, who
    assert len(got["control"]) > len(got["US"]) > len(got["observer"]) > 0


def _teaching_received(world: World) -> set[str]:
    return {text for seen in world.teaching_seen for text in CANARY_PATTERN.findall(seen.text)}


def test_with_observer_view_teams_observers_read_the_team_channels(world: World) -> None:
    may = {c.text for c in world.teaching_canaries.values() if "observer" in c.readers}
    assert len(may) == 1
    assert may <= _teaching_received(world)


def test_with_observer_view_teams_observers_never_read_a_control_line(world: World) -> None:
    leaks = [
        f"observer got {world.teaching_canaries[text].what} at {seen.where}"
        for seen in world.teaching_seen
        for text in set(CANARY_PATTERN.findall(seen.text)) & set(world.teaching_canaries)
        if "observer" not in world.teaching_canaries[text].readers
    ]
    assert leaks == []


def test_an_agreement_is_listed_to_its_parties_and_control_only(world: World) -> None:
    listed = {
        seen.who: seen.json()["results"] for seen in world.seen if seen.where == "agreements/"
    }
    assert {"US", "DPRK"} <= {p for a in listed["control"] for p in a["parties"]}
    for who, agreements in listed.items():
        if who != "control":
            assert all(who in agreement["parties"] for agreement in agreements), who
    assert listed["US"] != []
    assert listed["DPRK"] != []


def _walk(body: Any) -> Iterator[dict[str, Any]]:
    if isinstance(body, dict):
        yield body
        for value in body.values():
            yield from _walk(value)
    elif isinstance(body, list):
        for item in body:
            yield from _walk(item)


def test_only_control_gets_the_seed_and_the_join_codes(world: World) -> None:
    own_id = world.own.game.exercise_id
    exercises = [
        (seen.who, item)
        for seen in world.seen
        for item in _walk(seen.json())
        if {"id", "status", "teams", "seed"} <= set(item) and item["id"] == own_id
    ]
    assert {who for who, _item in exercises} >= {"control", "US", "DPRK", "observer"}
    for who, item in exercises:
        if who == "control":
            assert item["seed"] == SEED
            assert set(item["join_codes"]) == {*TEAMS, "observers"}
        else:
            assert item["seed"] is None, who
            assert "join_codes" not in item, who


def _states(world: World, who: str) -> list[dict[str, Any]]:
    """Every state body ``who`` received: state/ reads and the outcomes in its stream."""
    bodies = [seen.json() for seen in world.seen if seen.who == who and seen.where == "state/"]
    bodies += [
        event["payload"]["state"]
        for event in world.streams[who]
        if event["type"] == EventType.OUTCOME_PUBLISHED
    ]
    return [body for body in bodies if isinstance(body, dict)]


@pytest.mark.parametrize(
    ("who", "sees_dprk", "sees_killchain"),
    [
        ("US", False, True),
        ("ROK", False, True),
        ("JPN", False, False),
        ("DPRK", True, False),
        ("observer", False, False),
        ("control", True, True),
    ],
)
def test_a_hidden_state_variable_is_absent_from_a_view_that_may_not_see_it(
    world: World, who: str, sees_dprk: bool, sees_killchain: bool
) -> None:
    states = _states(world, who)
    assert len(states) >= 3, "the state read and two published outcomes"
    for state in states:
        assert ("dprk" in state) is sees_dprk
        assert ("killchain" in state) is sees_killchain
        assert ("ci" in state) is (who == "control")
        if sees_dprk:
            assert set(state["dprk"]) >= set(HIDDEN_DPRK_KEYS)
        if who not in ("control", "observer"):
            assert all(key.startswith("/") for key in state["belief"]), "its own beliefs only"
    if not sees_dprk:
        bodies = [seen.json() for seen in world.seen if seen.who == who]
        truths = [
            item for body in bodies for item in _walk(body) if set(HIDDEN_DPRK_KEYS) & set(item)
        ]
        assert truths == [], "the DPRK's hidden variables, anywhere in any answer"


def test_each_view_stream_is_gapless_and_control_sees_every_event(world: World) -> None:
    for who, events in world.streams.items():
        assert [event["seq"] for event in events] == list(range(1, len(events) + 1)), who
    assert len(world.streams["control"]) > max(
        len(events) for who, events in world.streams.items() if who != "control"
    )
