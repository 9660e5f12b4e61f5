"""What scenario conditions read: the state (with a few derived values) and the decisions taken.

Inject triggers, branches, objective checks and belief truths all evaluate the same conditions
(`conditions.py`). A condition's variables come from the state through the engine's pointers,
plus two values authors need often: `rung/max`, the highest rung of any pair on the ladder, and
`turn`, the turn about to be played. Its `decided` tests come from a log of the decisions each
team took, turn by turn.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wargame.engine.pointers import state_pointers, state_value
from wargame.engine.scenario.conditions import Condition, Decided, evaluate

if TYPE_CHECKING:
    from wargame.engine.decisions import Decision
    from wargame.engine.model import Model
    from wargame.engine.state import State

DERIVED_VARIABLES = ("rung/max", "turn")


@dataclass(frozen=True, slots=True)
class Taken:
    """One action a team chose on a turn (what its sealed decision carried)."""

    turn: int
    team: str
    action: str
    target: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)


DecisionLog = Sequence[Taken]


def taken_from(turn: int, decisions: Mapping[str, Decision]) -> list[Taken]:
    """The log entries of one turn's decisions."""
    return [
        Taken(turn, team, choice.action, choice.target, choice.params_dict())
        for team, decision in sorted(decisions.items())
        for choice in decision.actions
    ]


def taken_from_dicts(turn: int, decisions: Mapping[str, Mapping[str, Any]]) -> list[Taken]:
    """The same from stored decisions (`{team: {actions: [{action, target, params}]}}`)."""
    return [
        Taken(
            turn,
            team,
            str(action["action"]),
            action.get("target"),
            dict(action.get("params") or {}),
        )
        for team, decision in sorted(decisions.items())
        for action in decision.get("actions") or ()
    ]


def variable_value(state: State, pointer: str, model: Model | None = None) -> Any:
    """A condition variable's value; the engine's StateError when the pointer is unknown."""
    if pointer == "rung/max":
        return max((value for _a, _b, value in state.rung), default=0)
    if pointer == "turn":
        return state.turn
    return state_value(state, pointer, model)


def known_variables(state: State, model: Model | None = None) -> frozenset[str]:
    return state_pointers(state, model) | frozenset(DERIVED_VARIABLES)


def _params_match(wanted: Iterable[tuple[str, Any]], params: Mapping[str, Any]) -> bool:
    for name, value in wanted:
        have = params.get(name)
        if isinstance(have, list | tuple) and not isinstance(value, list | tuple):
            if value not in have:
                return False
        elif have != value:
            return False
    return True


def decided_in(
    log: DecisionLog, test: Decided, *, now_turn: int, asking_team: str | None = None
) -> bool:
    """Whether `test` names a decision in `log` within its window before `now_turn`."""
    first = 1 if test.within is None else now_turn - test.within
    target = asking_team if test.target == "self" else test.target
    for entry in log:
        if not first <= entry.turn < now_turn:
            continue
        if entry.team != test.team or entry.action != test.action:
            continue
        if target is not None and entry.target != target:
            continue
        if _params_match(test.params, entry.params):
            return True
    return False


def holds(
    condition: Condition,
    state: State,
    model: Model | None = None,
    *,
    log: DecisionLog = (),
    asking_team: str | None = None,
) -> bool:
    """Whether `condition` holds on `state`, with decisions read from `log` (before
    `state.turn`, the turn about to be played)."""

    def read(pointer: str) -> Any:
        return variable_value(state, pointer, model)

    def decided(test: Decided) -> bool:
        return decided_in(log, test, now_turn=state.turn, asking_team=asking_team)

    return evaluate(condition, read, decided)
