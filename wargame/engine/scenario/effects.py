"""What an inject does to the state when it is released (`effects:`).

Four kinds, each a small mapping in the file:

- `{hazard: incident, factor: 2, days: 30}`: a hazard of the model made likelier (or rarer) for a
  stretch of scenario time (`wargame.engine.effects.HAZARDS`);
- `{exercise: [US, ROK], scale: full, days: 11}`: an exercise in progress, which the adjudication
  sees every turn it runs (`wargame.engine.background`);
- `{shift: "threat/DPRK/ROK", by: 8}`: a number of the state moved, kept within its range;
- `{set: "hotline/ik", to: down}`: a value of the state set (a hotline, Kill Chain readiness, the
  DPRK's posture).

Days become turns through the cut's time per turn, so the same inject lasts as long in scenario
time whichever cut is played. Rungs are never set by an inject: they follow from what the teams do.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from wargame.engine.effects import EXERCISE_SCALES, HAZARDS, Effect

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from wargame.engine.model import Model
    from wargame.engine.scenario.yaml_reader import Path
    from wargame.engine.state import State

    Finding = tuple[Path, bool, str]

KINDS = ("hazard", "exercise", "shift", "set")
KEYS: dict[str, tuple[str, ...]] = {
    "hazard": ("hazard", "factor", "days", "turns"),
    "exercise": ("exercise", "scale", "notify", "days", "turns"),
    "shift": ("shift", "by"),
    "set": ("set", "to"),
}
# Numbers an inject may move (`shift`), and the range each is kept within.
SHIFTABLE = {
    "threat": "threat",
    "threat0": "threat",
    "trust": "trust",
    "assurance": "assurance",
    "assurance0": "assurance",
    "sanctions": "sanctions",
}
SETTABLE_HEADS = ("hotline", "killchain", "dprk")
HOURS_PER_DAY = 24.0


@dataclass(frozen=True, slots=True)
class EffectSpec:
    kind: str
    name: str  # the hazard, the state pointer, or the first team of an exercise
    teams: tuple[str, ...] = ()
    factor: float = 1.0
    scale: str = "full"
    notify: bool = False
    by: float = 0.0
    to: Any = None
    days: float | None = None
    turns: int | None = None

    def duration_turns(self, hours_per_turn: float | None) -> int:
        """How many turns a standing effect lasts, counting the turn it starts on."""
        if self.turns is not None:
            return max(1, self.turns)
        if self.days is None or not hours_per_turn:
            return 1
        # The nearest whole number of turns, halves up: ten days at four days a turn is three.
        return max(1, math.floor(self.days * HOURS_PER_DAY / hours_per_turn + 0.5))


def _kind(raw: Mapping[str, Any]) -> str | None:
    found = [kind for kind in KINDS if kind in raw]
    return found[0] if len(found) == 1 else None


def parse_effect(raw: Mapping[str, Any]) -> EffectSpec:
    """An effect from checked data (call only after `effect_findings` found nothing)."""
    kind = _kind(raw)
    days = None if raw.get("days") is None else float(raw["days"])
    turns = None if raw.get("turns") is None else int(raw["turns"])
    if kind == "hazard":
        name = str(raw["hazard"])
        return EffectSpec("hazard", name, factor=float(raw["factor"]), days=days, turns=turns)
    if kind == "exercise":
        named = raw["exercise"]
        teams = (named,) if isinstance(named, str) else tuple(str(t) for t in named)
        return EffectSpec(
            "exercise",
            teams[0],
            teams=teams,
            scale=str(raw.get("scale", "full")),
            notify=bool(raw.get("notify", False)),
            days=days,
            turns=turns,
        )
    if kind == "shift":
        return EffectSpec("shift", str(raw["shift"]), by=float(raw["by"]))
    return EffectSpec("set", str(raw["set"]), to=raw["to"])


def _clamped(model: Model, pointer: str, value: float) -> float | int:
    head = pointer.split("/")[0]
    lo, hi = model.data["domains"][SHIFTABLE[head]]
    bounded = min(max(value, lo), hi)
    return round(bounded) if head == "sanctions" else float(bounded)


def apply_effects(
    state: State,
    specs: Sequence[EffectSpec],
    model: Model,
    *,
    hours_per_turn: float | None,
    source: str = "",
) -> State:
    """The state after an inject's effects; standing ones start on `state.turn`."""
    from wargame.engine.scenario.reading import variable_value
    from wargame.engine.state import state_with

    for spec in specs:
        if spec.kind in ("hazard", "exercise"):
            until = state.turn + spec.duration_turns(hours_per_turn) - 1
            if spec.kind == "hazard":
                added: tuple[Effect, ...] = (
                    Effect("hazard", spec.name, until, factor=spec.factor, source=source),
                )
            else:
                added = tuple(
                    Effect(
                        "exercise",
                        team,
                        until,
                        scale=spec.scale,
                        partners=tuple(t for t in spec.teams if t != team),
                        notify=spec.notify,
                        source=source,
                    )
                    for team in spec.teams
                )
            state = replace(state, effects=state.effects + added)
        elif spec.kind == "shift":
            current = float(variable_value(state, spec.name, model))
            value = _clamped(model, spec.name, current + spec.by)
            state = state_with(model, state, {spec.name: value})
        else:
            state = state_with(model, state, {spec.name: spec.to})
    return state


# --- checks -------------------------------------------------------------------------------------


def effect_findings(raw: Any, path: Path, teams: Sequence[str]) -> Iterator[Finding]:
    """What is wrong with one effect's shape, naming its field; the engine's judgement of
    pointers and values comes after (`effect_engine_findings`)."""
    from wargame.engine.scenario.schema import did_you_mean

    if not isinstance(raw, Mapping):
        yield path, False, "an effect is a mapping such as {hazard: incident, factor: 2, days: 30}"
        return
    kinds = [kind for kind in KINDS if kind in raw]
    if not kinds:
        first = next(iter(raw), "")
        hint = did_you_mean(str(first), list(KINDS))
        yield (
            (*path, str(first)) if first else path,
            bool(first),
            f"unknown effect '{first}'{hint}; an effect is one of {', '.join(KINDS)}",
        )
        return
    if len(kinds) > 1:
        yield path, False, f"one effect per entry: found {', '.join(kinds)}"
        return
    kind = kinds[0]
    for key in raw:
        if key not in KEYS[kind]:
            hint = did_you_mean(str(key), list(KEYS[kind]))
            yield (*path, key), True, f"unknown key '{key}' in a {kind} effect{hint}"
    yield from _shape(kind, raw, path, teams)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _shape(
    kind: str, raw: Mapping[str, Any], path: Path, teams: Sequence[str]
) -> Iterator[Finding]:
    if kind in ("hazard", "exercise"):
        if "days" in raw and "turns" in raw:
            yield (*path, "turns"), False, "give either 'days' or 'turns', not both"
        if "days" not in raw and "turns" not in raw:
            yield path, False, f"a {kind} effect lasts a number of 'days' (or 'turns')"
        for key in ("days", "turns"):
            if key in raw and not (_number(raw[key]) and raw[key] > 0):
                yield (*path, key), False, f"'{key}' must be a number above 0"
    if kind == "hazard":
        name = raw.get("hazard")
        if name not in HAZARDS:
            from wargame.engine.scenario.schema import did_you_mean

            yield (
                (*path, "hazard"),
                False,
                f"unknown hazard '{name}'{did_you_mean(str(name), list(HAZARDS))}; expected one "
                f"of {', '.join(HAZARDS)}",
            )
        factor = raw.get("factor")
        if not (isinstance(factor, int | float) and _number(factor) and 0 <= factor <= 10):
            yield (*path, "factor"), False, "a hazard's 'factor' is a number from 0 to 10"
    elif kind == "exercise":
        named = raw.get("exercise")
        entries = [named] if isinstance(named, str) else named
        if not isinstance(entries, list) or not entries:
            yield (*path, "exercise"), False, "name the teams that exercise, such as [US, ROK]"
        else:
            for j, team in enumerate(entries):
                if team not in teams:
                    yield (
                        (*path, "exercise", j)
                        if not isinstance(named, str)
                        else (*path, "exercise"),
                        False,
                        f"team '{team}' does not play in this scenario (teams: {', '.join(teams)})",
                    )
        if raw.get("scale", "full") not in EXERCISE_SCALES:
            yield (*path, "scale"), False, f"'scale' is one of {', '.join(EXERCISE_SCALES)}"
        if not isinstance(raw.get("notify", False), bool):
            yield (*path, "notify"), False, "'notify' is true or false"
    elif kind == "shift":
        pointer = raw.get("shift")
        head = pointer.split("/")[0] if isinstance(pointer, str) else ""
        if head == "rung":
            yield (
                (*path, "shift"),
                False,
                "an inject never moves a rung: rungs follow from what the teams do",
            )
        elif head not in SHIFTABLE:
            yield (
                (*path, "shift"),
                False,
                f"'shift' moves a number of the state: {', '.join(h + '/...' for h in SHIFTABLE)}",
            )
        if not _number(raw.get("by")):
            yield (*path, "by"), False, "'by' is the number to add (negative to subtract)"
    else:
        pointer = raw.get("set")
        head = pointer.split("/")[0] if isinstance(pointer, str) else ""
        if head == "rung":
            yield (
                (*path, "set"),
                False,
                "an inject never sets a rung: rungs follow from what the teams do",
            )
        elif head not in SETTABLE_HEADS:
            yield (
                (*path, "set"),
                False,
                f"'set' sets a value of the state: {', '.join(h + '/...' for h in SETTABLE_HEADS)}",
            )
        if "to" not in raw:
            yield path, False, "a set effect needs 'to'"


def effect_engine_findings(
    spec: EffectSpec, path: Path, state: State, model: Model, can_exercise: frozenset[str]
) -> Iterator[Finding]:
    """The engine's judgement of a well-shaped effect: the pointer exists, the value fits."""
    from wargame.engine.errors import EngineError
    from wargame.engine.scenario.reading import variable_value
    from wargame.engine.state import state_with

    if spec.kind == "exercise":
        for j, team in enumerate(spec.teams):
            if team not in can_exercise:
                yield (
                    (*path, "exercise", j),
                    False,
                    f"team '{team}' cannot hold a combined exercise",
                )
    elif spec.kind == "shift":
        try:
            variable_value(state, spec.name, model)
        except EngineError:
            yield (*path, "shift"), False, f"unknown state pointer '{spec.name}'"
    elif spec.kind == "set":
        try:
            state_with(model, state, {spec.name: spec.to})
        except EngineError as exc:
            reason = str(getattr(exc, "reason", "") or exc)
            yield (*path, "to"), False, f"cannot set '{spec.name}': {reason}"
