"""A team's validated decision for one turn."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def freeze_params(params: Mapping[str, Any] | None) -> tuple[tuple[str, Any], ...]:
    """Params as sorted (key, value) pairs; lists become tuples so the choice is hashable."""

    def freeze(v: Any) -> Any:
        if isinstance(v, list | tuple):
            return tuple(freeze(x) for x in v)
        if isinstance(v, Mapping):
            return tuple(sorted((k, freeze(x)) for k, x in v.items()))
        return v

    return tuple(sorted((str(k), freeze(v)) for k, v in (params or {}).items()))


def _thaw(v: Any) -> Any:
    if isinstance(v, tuple):
        return [_thaw(x) for x in v]
    return v


@dataclass(frozen=True, slots=True)
class ActionChoice:
    action: str
    target: str | None = None
    params: tuple[tuple[str, Any], ...] = ()

    def params_dict(self) -> dict[str, Any]:
        return {k: _thaw(v) for k, v in self.params}

    def canonical_params(self) -> str:
        return json.dumps(self.params_dict(), sort_keys=True, separators=(",", ":"))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"action": self.action}
        if self.target is not None:
            out["target"] = self.target
        if self.params:
            out["params"] = self.params_dict()
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ActionChoice:
        return cls(
            action=str(raw["action"]),
            target=raw.get("target"),
            params=freeze_params(raw.get("params")),
        )


@dataclass(frozen=True, slots=True)
class Decision:
    team: str
    actions: tuple[ActionChoice, ...] = ()
    rationale: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "team": self.team,
            "actions": [a.to_dict() for a in self.actions],
            "rationale": self.rationale,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Decision:
        return cls(
            team=str(raw["team"]),
            actions=tuple(ActionChoice.from_dict(a) for a in raw.get("actions", ())),
            rationale=str(raw.get("rationale", "")),
        )
