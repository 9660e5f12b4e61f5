"""A scenario's time per turn, as the engine's clock sees it: `duration.hours_per_turn` (or a cut's
own hours) becomes `clock.days_per_turn` in the model the scenario plays with."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

HOURS_PER_DAY = 24.0


def clocked_overrides(
    model_overrides: Mapping[str, Any] | None, hours_per_turn: float | None
) -> dict[str, Any]:
    """The scenario's `model:` overrides with its time per turn merged in. An explicit
    `model.clock.days_per_turn` wins; without either the model's default turn (a month) holds."""
    merged = copy.deepcopy(dict(model_overrides or {}))
    if hours_per_turn is None or hours_per_turn <= 0:
        return merged
    clock = merged.get("clock")
    if isinstance(clock, Mapping) and "days_per_turn" in clock:
        return merged
    clock = dict(clock) if isinstance(clock, Mapping) else {}
    clock["days_per_turn"] = float(hours_per_turn) / HOURS_PER_DAY
    merged["clock"] = clock
    return merged


def hours_of(data: Mapping[str, Any]) -> float | None:
    """`duration.hours_per_turn` of raw scenario data, if it is a positive number."""
    duration = data.get("duration")
    raw = duration.get("hours_per_turn") if isinstance(duration, Mapping) else None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw <= 0:
        return None
    return float(raw)
