"""Injects: news the facilitator's script releases, by turn, by time, or by a state condition."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from wargame.engine.scenario.conditions import Condition, evaluate
from wargame.engine.scenario.reading import variable_value

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from wargame.engine.model import Model
    from wargame.engine.scenario.effects import EffectSpec
    from wargame.engine.scenario.texts import Text, TextDict
    from wargame.engine.state import State

PHASES = ("briefing", "deliberation")


class InjectDict(TypedDict):
    id: str
    title: TextDict
    body: TextDict
    audience: list[str]
    source: str


@dataclass(frozen=True, slots=True)
class Inject:
    id: str
    title: Text
    body: Text
    audience: tuple[str, ...]  # views: "control", "observers", "team:US", ...
    source: str
    turn: int | None = None
    phase: str | None = None
    offset_minutes: int | None = None
    when: Condition | None = None
    # A branch (`if:`): released only when this holds at its time, else never.
    branch: Condition | None = None
    # What its release does to the state (`effects:`), and the actions it puts to its audience.
    effects: tuple[EffectSpec, ...] = ()
    asks: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        if self.when is not None:
            return "condition"
        return "offset" if self.offset_minutes is not None else "scheduled"

    def to_dict(self) -> InjectDict:
        """The payload of an `inject.released` event."""
        return {
            "id": self.id,
            "title": self.title.to_dict(),
            "body": self.body.to_dict(),
            "audience": list(self.audience),
            "source": self.source,
        }


def audience_views(raw: str | Sequence[str], teams: Iterable[str]) -> tuple[str, ...]:
    """Canonical views of an audience already checked: `all` is control, observers, every team."""
    codes = list(teams)
    entries = [raw] if isinstance(raw, str) else list(raw)
    wanted: set[str] = set()
    for entry in entries:
        if entry == "all":
            wanted.update(("control", "observers", *(f"team:{c}" for c in codes)))
        elif entry in codes:
            wanted.add(f"team:{entry}")
        else:
            wanted.add(entry)
    # Control sees every inject, as it sees every event (docs/interface.md, views).
    wanted.add("control")
    order = ["control", "observers", *(f"team:{c}" for c in codes)]
    return tuple(view for view in order if view in wanted)


def condition_holds(condition: Condition, state: State, model: Model | None = None) -> bool:
    def read(pointer: str) -> Any:
        return variable_value(state, pointer, model)

    return evaluate(condition, read)
