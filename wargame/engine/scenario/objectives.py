"""Machine-checkable objectives (`objectives[].check`): the prose, and a condition that says
whether it was met.

A check is a condition on the state and the decisions (`conditions.py`) with when it must hold:

- `{at_end: <condition>}` (or the bare condition): on the state after the last outcome;
- `{always: <condition>}`: at the start of every turn and at the end ("no rung at 5 or above");
- `{ever: <condition>}`: at some point ("the hotline was up at least once").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wargame.engine.scenario.conditions import Condition, parse_condition
from wargame.engine.scenario.reading import DecisionLog, holds

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from wargame.engine.model import Model
    from wargame.engine.state import State

MODES = ("at_end", "always", "ever")


@dataclass(frozen=True, slots=True)
class Check:
    mode: str
    condition: Condition


def split_check(raw: Mapping[str, Any]) -> tuple[str, Any, tuple[str, ...]]:
    """(mode, condition data, the keys leading to it) of a check as written."""
    for mode in MODES:
        if mode in raw:
            return mode, raw[mode], (mode,)
    return "at_end", raw, ()


def parse_check(raw: Mapping[str, Any], path: tuple[str | int, ...]) -> Check:
    mode, condition, keys = split_check(raw)
    return Check(mode, parse_condition(condition, (*path, *keys)))


def check_met(
    check: Check,
    states: Sequence[State],
    model: Model | None = None,
    *,
    log: DecisionLog = (),
) -> bool:
    """Whether the objective was met over a game: `states` runs from the start of turn 1 to the
    state after the last outcome published."""
    if not states:
        return False
    if check.mode == "at_end":
        return holds(check.condition, states[-1], model, log=log)
    results = (holds(check.condition, s, model, log=log) for s in states)
    return all(results) if check.mode == "always" else any(results)
