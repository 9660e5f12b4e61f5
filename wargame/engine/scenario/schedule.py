"""When a scenario's injects are due: by turn and phase, or when a state condition becomes true."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wargame.engine.scenario.injects import Inject, condition_holds

if TYPE_CHECKING:
    from wargame.engine.model import Model
    from wargame.engine.scenario.conditions import Condition
    from wargame.engine.scenario.scenario import Scenario
    from wargame.engine.state import State


def _became_true(condition: Condition, before: State | None, after: State, model: Model) -> bool:
    if not condition_holds(condition, after, model):
        return False
    return before is None or not condition_holds(condition, before, model)


def injects_due(
    scenario: Scenario,
    *,
    turn: int,
    phase: str,
    before: State | None,
    after: State,
    released: frozenset[str],
) -> list[Inject]:
    """Injects to release now: the turn's scheduled ones for `phase`, then every condition inject
    whose condition holds on `after` but did not on `before` (the state before the last publish;
    None at the start of the game). Nothing in `released` comes back, so each fires once.
    Time-offset injects are not here: the server schedules them from `offset_injects`.
    """
    model = scenario.model()
    due: list[Inject] = []
    for inject in scenario.injects:
        if inject.id in released:
            continue
        if inject.kind == "scheduled":
            if inject.turn == turn and inject.phase == phase:
                due.append(inject)
        elif inject.when is not None and _became_true(inject.when, before, after, model):
            due.append(inject)
    return due


def offset_injects(scenario: Scenario, turn: int) -> list[Inject]:
    """Injects to release `offset_minutes` into turn `turn`'s deliberation, in that order."""
    timed = [i for i in scenario.injects if i.kind == "offset" and i.turn == turn]
    return sorted(timed, key=lambda i: i.offset_minutes or 0)
