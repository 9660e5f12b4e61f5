"""The calibration suite (docs/model.md §14) at 200 seeds: every check on every built-in scenario
passes, each with a lower and an upper bound and its source; a check that cannot pass says FAIL."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from wargame.engine.calibration import (
    POOLED,
    calibration_scenarios,
    calibration_spec,
    checks_for,
    run_calibration,
    verdict,
)
from wargame.engine.periods import period_slugs
from wargame.engine.scenario import builtin_slugs

SEEDS = 200
TURNS = 12


@functools.cache
def _suite() -> dict[str, Any]:
    return run_calibration(seeds=SEEDS, turns=TURNS, workers=2)


def test_it_covers_every_built_in_scenario_and_the_periods_together() -> None:
    suite = _suite()
    assert set(suite) == {*calibration_scenarios(), POOLED}
    assert set(period_slugs()) >= {f"period-{y}" for y in (2010, 2015, 2017, 2018, 2020, 2024)}
    assert set(builtin_slugs()) <= set(suite)


@pytest.mark.parametrize("scenario", [*calibration_scenarios(), POOLED])
def test_every_check_passes_on_every_built_in_scenario(scenario: str) -> None:
    failed = {
        name: result
        for name, result in _suite()[scenario]["checks"].items()
        if result["verdict"] != "PASS"
    }
    assert not failed, failed


def test_every_check_has_two_bounds_and_a_source() -> None:
    for name, check in calibration_spec()["checks"].items():
        assert check["source"], name
        assert check["low"] <= check["high"], name
        assert check["title"], name


def test_historical_bounds_hold_periods_and_invariants_hold_scenarios() -> None:
    """Periods replay the record (historical bounds); teaching and crisis scenarios declare their
    checks and are held to invariants."""
    kind, names, _ = checks_for("period-2017")
    assert kind == "period"
    assert {"no_nuclear_alert", "warheads_per_year", "local_share"} <= set(names)
    kind, names, note = checks_for("border_clash")
    assert kind == "crisis"
    assert note
    assert "no_nuclear_alert" not in names
    kind, names, _ = checks_for("exercise_season")
    assert kind == "teaching"
    assert "exchanges_ceiling" in names


def test_a_check_outside_its_bounds_is_reported_as_a_failure() -> None:
    """No vacuous pass: a replay that reached a nuclear alert in every game fails, with numbers;
    too few events to judge is a failure with a note, not a pass."""
    check = calibration_spec()["checks"]["no_nuclear_alert"]
    alert = [{"max_rung": 8} for _ in range(10)]
    result = verdict(check, "period-2017", {"scripted": alert}, 1.0, {})  # type: ignore[dict-item]
    assert result["verdict"] == "FAIL"
    assert result["value"] == 1.0
    share = calibration_spec()["checks"]["local_share"]
    quiet = [{"exchanges": 0, "spirals": 0} for _ in range(10)]
    result = verdict(share, "default", {"cautious": quiet}, 1.0, {})  # type: ignore[dict-item]
    assert result["verdict"] == "FAIL"
    assert result["note"]
