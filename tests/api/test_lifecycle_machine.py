"""The exercise lifecycle as a stateful property (docs/reliability.md#r9).

A hypothesis state machine plays one exercise through the REST API: people join, teams draft and
submit, members chat, control advances, locks, pauses, resumes, extends, publishes and removes
people (sometimes with a stale `expected_turn`/`expected_phase`), and clients reconnect with
`events/?since=<last seq>`. A reference model predicts every answer and the events each write
appends; after every step the invariants compare the model, the API and the event log:
one phase at a time, gapless view streams equal to a fresh read, no decision after its turn
locked, and every view holding exactly the events whose audience includes it.

`make test` runs 50 examples of 20 steps; `FULL=1` runs 2000 of 50.
"""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from tests.api.lifecycle_base import Tally, lobby_create
from tests.api.lifecycle_checks import InvariantChecks
from tests.api.lifecycle_control import ControlRules
from tests.api.lifecycle_model import (
    CONTROL,
    NOTHING,
    OBSERVERS,
    LogWatch,
    contract_audience,
    publish_growth,
)
from tests.api.lifecycle_players import PlayerRules
from tests.cast import TEAMS, facilitator_client

FULL = os.environ.get("FULL") == "1"
EXAMPLES, STEPS = (2000, 50) if FULL else (50, 20)
# what every run must have done at least once, or it proves little (R9's rules; see Tally)
EXERCISED = (
    "participant.joined",
    "participant.left",
    "decision.saved",
    "decision.submitted",
    "message.posted",
    "adjudication.proposed",
    "outcome.published",
    "refused 409 conflict",
    "refused 423 locked",
    "submit after lock",
)


class LifecycleMachine(PlayerRules, ControlRules, InvariantChecks):
    """One example: the shared lobby exercise, played inside a savepoint (see ``Lobby``); its
    rules are the participants' and control's, its invariants checked after every step."""


# the quick form takes about a minute on a loaded 2-core box; the bound only stops a hang
@pytest.mark.django_db
@pytest.mark.slow
@pytest.mark.timeout(0 if FULL else 600)
def test_the_lifecycle_keeps_its_invariants_under_random_play() -> None:
    tally = Tally()
    started = time.perf_counter()
    lobby = lobby_create(facilitator_client("control"))

    class OnThisLobby(LifecycleMachine):
        def __init__(self) -> None:
            super().__init__(lobby, tally)

    run_state_machine_as_test(
        OnThisLobby,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            derandomize=not FULL,
            suppress_health_check=list(HealthCheck),
        ),
    )
    elapsed = time.perf_counter() - started
    print(
        f"\nR9 lifecycle machine: {tally.examples} examples, {tally.steps} steps "
        f"in {elapsed:.1f} s ({'FULL' if FULL else 'quick'} profile)"
    )
    print("  " + ", ".join(f"{what}: {n}" for what, n in sorted(tally.seen.items())))
    never = [what for what in EXERCISED if not tally.seen[what]]
    assert not never, f"the run never exercised {never}: rebalance the rules"


# --- the model's own checks can fail ---------------------------------------------------------


def _event(seq: int, kind: str, **payload: Any) -> dict[str, Any]:
    return {"seq": seq, "type": kind, "payload": payload}


def test_it_reports_a_decision_for_a_turn_that_has_locked() -> None:
    log = [
        _event(1, "phase.changed", turn=1, phase="briefing"),
        _event(2, "decision.saved", turn=1, team="US"),
        _event(3, "phase.changed", turn=1, phase="deliberation"),
        _event(4, "phase.changed", turn=1, phase="adjudication"),
        _event(5, "decision.submitted", turn=1, team="DPRK"),
    ]
    assert LogWatch().problems(log) == ["seq 5: decision.submitted for locked turn 1"]


def test_it_reports_a_phase_that_skips_or_repeats() -> None:
    watch = LogWatch()
    assert watch.problems([_event(1, "phase.changed", turn=1, phase="briefing")]) == []
    skipped = watch.problems([_event(2, "phase.changed", turn=1, phase="adjudication")])
    repeated = watch.problems([_event(3, "phase.changed", turn=1, phase="adjudication")])
    assert skipped == ["seq 2: phase step 2, expected 1"]
    assert repeated == ["seq 3: phase step 2, expected 3"]


def test_it_refuses_a_growth_that_appends_more_or_other_than_the_write_may() -> None:
    publish = publish_growth()
    assert publish.matches(["outcome.published", "hotline.changed", "phase.changed"])
    assert not publish.matches(["outcome.published", "decision.saved", "phase.changed"])
    assert not publish.matches(["outcome.published"])
    assert NOTHING.matches([])
    assert not NOTHING.matches(["exercise.changed"])


def test_it_holds_each_event_type_to_the_contracts_audience() -> None:
    members = {7: ["US", "ROK"]}
    message = contract_audience(
        "message.posted", {"channel": 7}, teams=TEAMS, channel_members=members
    )
    assert message.admits(frozenset({CONTROL, "team:US", "team:ROK"}))
    assert not message.admits(frozenset({CONTROL, "team:US", "team:ROK", OBSERVERS}))
    saved = contract_audience(
        "decision.saved", {"team": "DPRK"}, teams=TEAMS, channel_members=members
    )
    assert not saved.admits(frozenset({CONTROL, "team:DPRK", "team:US"}))
    with pytest.raises(AssertionError, match="no audience rule"):
        contract_audience("something.new", {}, teams=TEAMS, channel_members=members)
