"""Every built-in scenario is playable end to end by bots."""

from __future__ import annotations

import pytest

from wargame.engine.scenario import builtin_slugs, load_builtin
from wargame.engine.simulate import simulate


@pytest.mark.parametrize("slug", builtin_slugs())
@pytest.mark.parametrize("policy", ["cautious", "hawkish"])
def test_bots_play_a_built_in_scenario_to_its_last_turn(slug: str, policy: str) -> None:
    turns = load_builtin(slug).turn_count
    summary = simulate(slug, 3, turns, policy, workers=1)
    assert summary["games"] == 3
    assert summary["config"]["turns"] == turns
    assert summary["config"]["scenario"] == slug
