"""Plausibility checks E1-E4 and sanity (docs/model.md §11) over 200 paired seeds.

Each check plays the same seeds with and without its condition; the verdicts and their numbers come
from wargame.engine.checks, the bounds on each effect's size (with their sources) from
data/checks.yaml.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest

from wargame.engine.checks import CHECK_NAMES, check_spec, ratio_check, run_checks

SEEDS = 200
TURNS = 12


@functools.cache
def _results() -> tuple[dict[str, str], dict[str, Any]]:
    return run_checks("default", seeds=SEEDS, turns=TURNS, workers=2)


def _explain(name: str) -> str:
    return f"{name}: {_results()[1][name]}"


@pytest.mark.parametrize("name", ["E1", "E2", "E3"])
def test_each_ratio_check_bounds_its_effect_from_both_sides(name: str) -> None:
    """E1 (hotlines and notification vs misperception escalations), E2 (the CMA vs exchanges of
    fire), E3 (the swap vs nuclear alerts): min_ratio <= with / without <= max_ratio, the paired
    95% interval below 0, each bound with its source."""
    verdicts, details = _results()
    spec = check_spec()[name]
    paired = details[name]["paired"]
    assert paired["mean_without"] > 0, _explain(name)
    assert spec["min_ratio"] <= paired["ratio"] <= spec["max_ratio"], _explain(name)
    assert paired["high"] < 0, _explain(name)
    assert details[name]["source"]
    assert details[name]["low_source"]
    assert verdicts[name] == "PASS"


def test_e4_an_unconsulted_us_dprk_measure_costs_each_ally_ten_to_forty_points() -> None:
    """E4: final ROK and JPN assurance each 10-40 points lower without consultation than with
    d.consult every turn (a swing, not a collapse)."""
    verdicts, details = _results()
    spec = check_spec()["E4"]
    for ally in ("ROK", "JPN"):
        gap = -details["E4"][ally]["mean_difference"]
        assert spec["min_gap"] <= gap <= spec["max_gap"], _explain("E4")
    assert verdicts["E4"] == "PASS"


def test_sanity_hawkish_escalates_most_and_cautious_play_rarely_needs_control() -> None:
    """Sanity: mean peak rung hawkish >= cautious; cautious < 2% decision points."""
    verdicts, details = _results()
    means = details["Sanity"]["mean_peak_rung"]
    assert means["hawkish"] >= means["cautious"], _explain("Sanity")
    assert details["Sanity"]["cautious_decision_point_games"]["estimate"] < 0.02
    assert verdicts["Sanity"] == "PASS"


def test_every_check_reports_a_verdict_with_its_numbers() -> None:
    verdicts, details = _results()
    assert tuple(verdicts) == CHECK_NAMES
    for name in CHECK_NAMES:
        assert verdicts[name] in ("PASS", "FAIL")
        assert details[name]["seeds"] == SEEDS


@pytest.mark.parametrize("name", ["E1", "E2", "E3"])
def test_a_check_fails_when_its_condition_changes_nothing(name: str) -> None:
    """The verdict can fail: an arm identical to its baseline gives ratio 1, difference 0."""
    from wargame.engine import stats
    from wargame.engine.montecarlo import Condition, RunConfig, run_games

    records = run_games(
        RunConfig("default", "hawkish", 6, "deny_all", Condition()),
        list(range(1, 41)),
        workers=1,
    )
    spec = check_spec()[name]
    verdict, detail = ratio_check(spec, records, records)
    assert verdict == "FAIL"
    assert detail["paired"]["mean_difference"] == 0
    assert stats.paired_difference([1.0], [1.0])["ratio"] == 1


def test_a_check_fails_when_its_effect_is_implausibly_large() -> None:
    """The lower bound bites: an effect that removes nine tenths of the rate fails E1."""
    spec = check_spec()["E1"]
    base = [{"misperception_escalations": {"x": 10}} for _ in range(20)]
    small = [{"misperception_escalations": {"x": 0 if i % 2 else 1}} for i in range(20)]
    verdict, detail = ratio_check(spec, small, base)  # type: ignore[arg-type]
    assert detail["paired"]["ratio"] < spec["min_ratio"]
    assert verdict == "FAIL"
