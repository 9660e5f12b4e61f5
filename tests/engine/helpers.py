"""Shared helpers for engine cases: a quiet model (no background randomness) and one-turn runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wargame.engine import (
    Proposal,
    State,
    adjudicate,
    initial_state,
    load_catalogue,
    load_model,
    state_value,
    validate_decision,
)
from wargame.engine.montecarlo import merge_overrides

if TYPE_CHECKING:
    from collections.abc import Mapping

    from wargame.engine.model import Model

# Background draws off, so a case isolates the rule it states.
QUIET: dict[str, Any] = {
    "capabilities": {"warheads_per_year": {"yongbyon": 0.0, "enrichment": 0.0}},
    "false_alarm": {"per_year": 0.0},
    "hotline": {"fail_per_year": 0.0, "fail_per_year_tested": 0.0},
    "perception": {"misread_base": 0.0},
    "cbm": {
        "military_lapse_per_year": 0.0,
        "verify_per_year": {"ntm": 0.0, "self": 0.0, "onsite": 0.0},
    },
    "rules": {
        "R12": {"per_year": 0.0},
        "R16": {"p_base": 0.0, "p_russia": 0.0},
    },
}
SEE_ALL = {
    "perception": {
        "detect": {"prv": 1.0, "cov": 1.0},
        "isr": {"US": 1.0, "ROK": 1.0, "JPN": 1.0, "DPRK": 1.0},
    }
}
MISREAD_ALWAYS = {
    "perception": {
        "misread_base": 100.0,
        "misread_cap": 1.0,
        "detect": {"prv": 1.0, "cov": 1.0},
        "isr": {"US": 1.0, "ROK": 1.0, "JPN": 1.0, "DPRK": 1.0},
    }
}


def quiet_model(*extra: Mapping[str, Any], disable: tuple[str, ...] = ()) -> Model:
    overrides = merge_overrides(QUIET, *extra)
    if disable:
        overrides = merge_overrides(overrides, {"rules": {"disabled": list(disable)}})
    return load_model(overrides)


def start(model: Model, **pointers: Any) -> State:
    return initial_state(model, overrides={k.replace("__", "/"): v for k, v in pointers.items()})


def play(state: State, model: Model, seed: int = 1, **actions: list[dict[str, Any]]) -> Proposal:
    catalogue = load_catalogue(model)
    decisions = {
        team: validate_decision(catalogue, state, team, {"actions": items}, model)
        for team, items in actions.items()
    }
    return adjudicate(state, decisions, seed=seed, model=model, catalogue=catalogue)


def get(state: State, pointer: str) -> Any:
    return state_value(state, pointer)


def fired(proposal: Proposal, rule_id: str) -> bool:
    return any(r == rule_id for r, _ in proposal.rules_fired)
