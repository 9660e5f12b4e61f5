"""Golden outcomes: fixed scenarios, seeds and bot decisions give byte-identical proposals.

A change to what the engine proposes for these inputs is a change to the model: look at it, then
rewrite the file with ``WARGAME_WRITE_GOLDEN=1 pytest tests/engine/test_golden.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from wargame.engine.adjudicate import adjudicate, apply_decision_points
from wargame.engine.bots import bot_decide
from wargame.engine.scenario import builtin_slugs, load_builtin
from wargame.engine.simulate import bot_view, turn_seed

GOLDEN = Path(__file__).resolve().parent / "golden" / "outcomes.json"
SEEDS = (1, 2, 3)
TURNS = 3
POLICY = "hawkish"


def _outcomes(slug: str, seed: int) -> list[dict[str, Any]]:
    scenario = load_builtin(slug)
    model, catalogue, state = scenario.model(), scenario.catalogue(), scenario.initial_state()
    turns = []
    for _ in range(TURNS):
        decisions = {
            team: bot_decide(
                POLICY,
                bot_view(state, team, model),
                team=team,
                turn=state.turn,
                seed=seed,
                catalogue=catalogue,
                model=model,
            )
            for team in state.teams
        }
        proposal = adjudicate(
            state, decisions, seed=turn_seed(seed, state.turn), model=model, catalogue=catalogue
        )
        body = json.dumps(proposal.to_dict(), sort_keys=True, separators=(",", ":"))
        turns.append(
            {
                "turn": proposal.turn,
                "sha256": hashlib.sha256(body.encode()).hexdigest(),
                "rungs": proposal.to_dict()["state"]["rung"],
                "rules_fired": sorted({rule for rule, _summary in proposal.rules_fired}),
            }
        )
        state = apply_decision_points(proposal, choice="deny_all")
    return turns


def _all() -> dict[str, Any]:
    return {
        f"{slug}/seed-{seed}": _outcomes(slug, seed) for slug in builtin_slugs() for seed in SEEDS
    }


def test_the_engine_reproduces_its_golden_outcomes() -> None:
    actual = _all()
    if os.environ.get("WARGAME_WRITE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        pytest.skip("golden outcomes rewritten")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert actual.keys() == expected.keys()
    for key in expected:
        assert actual[key] == expected[key], f"{key} differs from the golden file"
