"""A scenario built on a period baseline of the public record (`period: "2018"`).

The model keeps a baseline for January of 2010, 2015, 2017, 2018, 2020 and 2024: the model
settings of that year and the state of the peninsula, each number sourced
(`wargame/engine/data/periods.yaml`). A scenario that names a period starts from it; its own
`model:` and `initial_state` come on top, and its own time per turn (its cuts' or its duration's)
sets the clock, not the period's month.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from wargame.engine.periods import PREFIX, load_period, period_slugs


def _merged(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(base))
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def known_period(data: Mapping[str, Any]) -> str | None:
    """The period slug a scenario names, if it names one the model has."""
    year = data.get("period")
    slug = f"{PREFIX}{year}"
    return slug if isinstance(year, str) and slug in period_slugs() else None


def model_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """The scenario's model overrides on top of its period's, the period's clock left out."""
    own = data.get("model") or {}
    slug = known_period(data)
    if slug is None:
        return copy.deepcopy(dict(own))
    base = {k: v for k, v in load_period(slug).model_overrides.items() if k != "clock"}
    return _merged(base, own)


def state_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """The scenario's initial state on top of its period's."""
    own = dict(data.get("initial_state") or {})
    slug = known_period(data)
    if slug is None:
        return copy.deepcopy(own)
    return {**copy.deepcopy(dict(load_period(slug).state_overrides)), **copy.deepcopy(own)}


def period_findings(data: Mapping[str, Any]) -> list[tuple[tuple[str, ...], bool, str]]:
    year = data.get("period")
    if year is None or known_period(data) is not None:
        return []
    years = ", ".join(s.removeprefix(PREFIX) for s in period_slugs())
    return [(("period",), False, f"no period baseline '{year}'; the periods are {years}")]
