"""Releasing a scenario's injects with their branches and effects, as the server and the
engine-level playthrough both do.

`injects_due` says what is scheduled or triggered now; a branch (`if:`) then decides whether each
is released at all, against the state and the decisions taken so far; a released inject's effects
change the state (`effects.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wargame.engine.scenario.effects import apply_effects
from wargame.engine.scenario.reading import DecisionLog, holds
from wargame.engine.scenario.schedule import injects_due

if TYPE_CHECKING:
    from wargame.engine.scenario.injects import Inject
    from wargame.engine.scenario.scenario import Scenario
    from wargame.engine.state import State


def branch_open(scenario: Scenario, inject: Inject, state: State, log: DecisionLog = ()) -> bool:
    """Whether an inject's branch lets it out now (always, for an inject without one)."""
    if inject.branch is None:
        return True
    return holds(inject.branch, state, scenario.model(), log=log)


def _became_true(
    scenario: Scenario, inject: Inject, before: State | None, after: State, log: DecisionLog
) -> bool:
    model = scenario.model()
    if inject.when is None or not holds(inject.when, after, model, log=log):
        return False
    # The state before the publish was the turn just played: its decisions were not yet taken.
    return before is None or not holds(inject.when, before, model, log=log)


def releases_due(
    scenario: Scenario,
    *,
    turn: int,
    phase: str,
    before: State | None,
    after: State,
    released: frozenset[str],
    log: DecisionLog = (),
) -> list[Inject]:
    """The injects to release now whose branches hold on `after`: the turn's scheduled ones for
    `phase` (`injects_due`), then each condition inject whose condition, decisions included,
    holds on `after` and did not on `before`."""
    conditional = frozenset(i.id for i in scenario.injects if i.when is not None)
    due = injects_due(
        scenario,
        turn=turn,
        phase=phase,
        before=before,
        after=after,
        released=released | conditional,
    )
    due += [
        i
        for i in scenario.injects
        if i.id in conditional - released and _became_true(scenario, i, before, after, log)
    ]
    return [inject for inject in due if branch_open(scenario, inject, after, log)]


def state_after(scenario: Scenario, state: State, inject: Inject) -> State:
    """The state once `inject` is released: its effects applied, standing ones from this turn."""
    if not inject.effects:
        return state
    return apply_effects(
        state,
        inject.effects,
        scenario.model(),
        hours_per_turn=scenario.hours_per_turn,
        source=inject.id,
    )
