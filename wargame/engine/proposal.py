"""The adjudication proposal (the API's `proposal`, without the server's `overrides`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .decisions import freeze_params
from .rng import Die
from .state import State

if TYPE_CHECKING:
    from collections.abc import Mapping

LANGS = ("en", "ja", "ko")
DECISION_POINT_TEXT = "Control decision required"


def _thaw(v: Any) -> Any:
    if isinstance(v, tuple):
        return [_thaw(x) for x in v]
    return v


def _pairs_dict(pairs: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if isinstance(v, tuple) and v and all(isinstance(x, tuple) and len(x) == 2 for x in v):
            out[k] = _pairs_dict(v)
        else:
            out[k] = _thaw(v)
    return out


@dataclass(frozen=True, slots=True)
class OutcomeEvent:
    """One true event: an action, a doctrinal response, an incident, a CBM transition..."""

    id: str
    kind: str
    actor: str | None = None
    target: str | None = None
    action: str | None = None
    params: tuple[tuple[str, Any], ...] = ()
    vis: str = "control"
    tags: tuple[str, ...] = ()
    data: tuple[tuple[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "actor": self.actor,
            "target": self.target,
            "action": self.action,
            "params": _pairs_dict(self.params),
            "vis": self.vis,
            "tags": list(self.tags),
            "data": _pairs_dict(self.data),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> OutcomeEvent:
        return cls(
            id=raw["id"],
            kind=raw["kind"],
            actor=raw.get("actor"),
            target=raw.get("target"),
            action=raw.get("action"),
            params=freeze_params(raw.get("params")),
            vis=raw.get("vis", "control"),
            tags=tuple(raw.get("tags", ())),
            data=freeze_params(raw.get("data")),
        )


@dataclass(frozen=True, slots=True)
class PerceivedEvent:
    """What one view saw; `event` links to the truth (None for a phantom)."""

    id: str
    observer: str
    event: str | None
    kind: str
    actor: str | None
    target: str | None
    action: str | None
    params: tuple[tuple[str, Any], ...] = ()
    severity: float = 0.0
    confidence: float = 1.0
    tags: tuple[str, ...] = ()

    def to_dict(self, *, public: bool = False) -> dict[str, Any]:
        """`public` drops what the observer cannot know (the truth link, misread tags)."""
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "actor": self.actor,
            "target": self.target,
            "action": self.action,
            "params": _pairs_dict(self.params),
            "severity": self.severity,
            "confidence": self.confidence,
        }
        if not public:
            out["observer"] = self.observer
            out["event"] = self.event
            out["tags"] = list(self.tags)
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> PerceivedEvent:
        return cls(
            id=raw["id"],
            observer=raw["observer"],
            event=raw.get("event"),
            kind=raw["kind"],
            actor=raw.get("actor"),
            target=raw.get("target"),
            action=raw.get("action"),
            params=freeze_params(raw.get("params")),
            severity=float(raw.get("severity", 0.0)),
            confidence=float(raw.get("confidence", 1.0)),
            tags=tuple(raw.get("tags", ())),
        )


@dataclass(frozen=True, slots=True)
class DecisionPoint:
    """A nuclear candidate held for control (docs/model.md §9); never applied by the engine."""

    id: str
    actor: str
    rung: int
    rules: tuple[str, ...]
    p: float
    deltas: tuple[tuple[str, Any], ...]
    text: str = DECISION_POINT_TEXT

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "actor": self.actor,
            "rung": self.rung,
            "rules": list(self.rules),
            "p": self.p,
            "deltas": dict(self.deltas),
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> DecisionPoint:
        return cls(
            id=raw["id"],
            actor=raw["actor"],
            rung=int(raw["rung"]),
            rules=tuple(raw["rules"]),
            p=float(raw["p"]),
            deltas=tuple(sorted(raw["deltas"].items())),
            text=raw.get("text", DECISION_POINT_TEXT),
        )


@dataclass(frozen=True, slots=True)
class Proposal:
    turn: int
    seed: int
    model_hash: str
    requires_nuclear_approval: bool
    state: State
    events: tuple[OutcomeEvent, ...]
    perceptions: Mapping[str, tuple[PerceivedEvent, ...]]
    dice: tuple[Die, ...]
    rules_fired: tuple[tuple[str, str], ...]
    decision_points: tuple[DecisionPoint, ...]
    narrative: Mapping[str, str]
    view_narratives: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def narrative_for(self, view: str) -> dict[str, str]:
        found = self.view_narratives.get(view)
        return dict(found) if found is not None else dict(self.narrative)

    def to_dict(self) -> dict[str, Any]:
        return {
            "turn": self.turn,
            "seed": self.seed,
            "model_hash": self.model_hash,
            "requires_nuclear_approval": self.requires_nuclear_approval,
            "state": self.state.to_dict(),
            "events": [e.to_dict() for e in self.events],
            "perceptions": {
                view: [p.to_dict() for p in items] for view, items in self.perceptions.items()
            },
            "dice": [d.to_dict() for d in self.dice],
            "rules_fired": [{"id": i, "summary": s} for i, s in self.rules_fired],
            "decision_points": [d.to_dict() for d in self.decision_points],
            "narrative": dict(self.narrative),
            "view_narratives": {v: dict(n) for v, n in self.view_narratives.items()},
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Proposal:
        return cls(
            turn=int(raw["turn"]),
            seed=int(raw["seed"]),
            model_hash=str(raw["model_hash"]),
            requires_nuclear_approval=bool(raw["requires_nuclear_approval"]),
            state=State.from_dict(raw["state"]),
            events=tuple(OutcomeEvent.from_dict(e) for e in raw["events"]),
            perceptions={
                view: tuple(PerceivedEvent.from_dict(p) for p in items)
                for view, items in raw["perceptions"].items()
            },
            dice=tuple(
                Die(d["purpose"], d["key"], float(d["u"]), float(d["threshold"]), bool(d["hit"]))
                for d in raw["dice"]
            ),
            rules_fired=tuple((r["id"], r["summary"]) for r in raw["rules_fired"]),
            decision_points=tuple(DecisionPoint.from_dict(d) for d in raw["decision_points"]),
            narrative=dict(raw["narrative"]),
            view_narratives={v: dict(n) for v, n in raw.get("view_narratives", {}).items()},
        )
