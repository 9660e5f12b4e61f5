"""Standing effects on the state: what a scenario's inject sets going for a stretch of turns.

An inject can make a hazard likelier (crab season makes an incident at sea likelier, a surge of
alerts makes false alarms likelier) or put an exercise in progress (Freedom Shield runs whether or
not a team picks the exercise again). Each effect lasts up to and including `until_turn`; the
rules read hazard factors through `hazard_factor`, and `wargame.engine.background` turns an
exercise in progress into the act the adjudication sees. One-off changes (a threat shift, a
hotline cut) are not standing effects: they are written into the state when the inject is released
(`wargame.engine.scenario.effects`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

# The hazards an effect can scale, and the rule each one feeds.
HAZARDS: dict[str, str] = {
    "incident": "R12: an inter-Korean incident at the line or at sea",
    "false_alarm": "a phantom launch seen by a side on alert",
    "hotline_failure": "a working hotline failing",
    "misperception": "an act misread as something worse",
}
KINDS = ("hazard", "exercise")
EXERCISE_SCALES = ("full", "reduced")


@dataclass(frozen=True, slots=True)
class Effect:
    kind: str  # "hazard" or "exercise"
    name: str  # the hazard; for an exercise, the team that conducts it
    until_turn: int  # the last turn whose adjudication it affects
    factor: float = 1.0  # hazard multiplier
    scale: str = "full"  # exercise scale
    partners: tuple[str, ...] = ()  # the exercise's other participants
    notify: bool = False  # the exercise is notified in advance to the adversary
    source: str = ""  # the inject that set it

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "name": self.name, "until_turn": self.until_turn}
        if self.kind == "hazard":
            out["factor"] = self.factor
        else:
            out.update(scale=self.scale, partners=list(self.partners), notify=self.notify)
        if self.source:
            out["source"] = self.source
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Effect:
        return cls(
            kind=str(raw["kind"]),
            name=str(raw["name"]),
            until_turn=int(raw["until_turn"]),
            factor=float(raw.get("factor", 1.0)),
            scale=str(raw.get("scale", "full")),
            partners=tuple(raw.get("partners", ())),
            notify=bool(raw.get("notify", False)),
            source=str(raw.get("source", "")),
        )


def active(effects: Iterable[Effect], turn: int, kind: str) -> list[Effect]:
    return [e for e in effects if e.kind == kind and e.until_turn >= turn]


def hazard_factor(effects: Iterable[Effect], turn: int, hazard: str) -> float:
    """The product of the factors of every standing effect on `hazard` this turn (1 when none)."""
    factor = 1.0
    for effect in active(effects, turn, "hazard"):
        if effect.name == hazard:
            factor *= effect.factor
    return factor


def carried(effects: Iterable[Effect], next_turn: int) -> tuple[Effect, ...]:
    """The effects still standing on `next_turn`: expired ones drop out of the state."""
    return tuple(e for e in effects if e.until_turn >= next_turn)
