"""Every scenario shipped in scenarios/ validates and loads."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.scenarios.helpers import PROJECT
from wargame.engine.scenario import builtin_slugs, load_builtin, validate_file

if TYPE_CHECKING:
    from pathlib import Path

BUILTINS = sorted((PROJECT / "scenarios").glob("*.yaml"))
EXPECTED = {"exercise_season", "arms_control_opening", "border_clash"}


@pytest.mark.parametrize("path", BUILTINS, ids=lambda p: p.stem)
def test_it_validates_every_builtin_scenario(path: Path) -> None:
    assert validate_file(path) == []


@pytest.mark.parametrize("path", BUILTINS, ids=lambda p: p.stem)
def test_it_loads_every_builtin_by_slug(path: Path) -> None:
    scenario = load_builtin(path.stem)
    assert scenario.slug == path.stem
    assert 8 <= scenario.turn_count <= 12
    assert {"US", "ROK", "JPN", "DPRK"} <= set(scenario.teams)
    assert "ja" in scenario.languages


def test_it_lists_the_builtins_by_slug() -> None:
    assert builtin_slugs() == sorted(p.stem for p in BUILTINS)


def test_it_ships_the_three_builtin_scenarios() -> None:
    assert set(builtin_slugs()) >= EXPECTED
