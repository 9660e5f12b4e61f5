"""Plausibility checks E1-E4 and sanity (docs/model.md#validation) over 200 paired seeds.

Each check plays the same seeds with and without its condition; the verdicts and their numbers come
from wargame.engine.checks, the thresholds from data/bots.yaml.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest

from wargame.engine.checks import CHECK_NAMES, check_spec, run_checks

SEEDS = 200
TURNS = 12


@functools.cache
def _results() -> tuple[dict[str, str], dict[str, Any]]:
    return run_checks("default", seeds=SEEDS, turns=TURNS, workers=2)


def _explain(name: str) -> str:
    return f"{name}: {_results()[1][name]}"


def test_e1_hotlines_and_notification_cut_misperception_escalations() -> None:
    """E1: both hotlines + exercise and launch notification, hawkish exercising: misperception-
    triggered escalations per game <= .7 x the rate without, paired 95% interval < 0."""
    verdicts, details = _results()
    paired = details["E1"]["paired"]
    assert paired["mean_without"] > 0, _explain("E1")
    assert paired["mean_with"] <= check_spec()["E1"]["max_ratio"] * paired["mean_without"]
    assert paired["high"] < 0, _explain("E1")
    assert verdicts["E1"] == "PASS"


def test_e2_the_incident_prevention_agreement_contains_clashes() -> None:
    """E2: with c.incident_prev, uncontained inter-Korean clashes per game <= .6 x without."""
    verdicts, details = _results()
    paired = details["E2"]["paired"]
    assert paired["mean_without"] > 0, _explain("E2")
    assert paired["mean_with"] <= check_spec()["E2"]["max_ratio"] * paired["mean_without"]
    assert verdicts["E2"] == "PASS", _explain("E2")


def test_e3_the_swap_cuts_the_share_of_games_reaching_rung_8() -> None:
    """E3: hawkish US/ROK; a decapitation drill every other turn without the swap, a full-scale
    exercise in its place with c.swap kept from turn 1: rung-8 share <= .75 x without."""
    verdicts, details = _results()
    paired = details["E3"]["paired"]
    assert paired["mean_without"] > 0, _explain("E3")
    assert paired["mean_with"] <= check_spec()["E3"]["max_ratio"] * paired["mean_without"]
    assert verdicts["E3"] == "PASS", _explain("E3")


def test_e4_an_unconsulted_us_dprk_measure_costs_both_allies_ten_points() -> None:
    """E4: final ROK and JPN assurance each >= 10 points lower without consultation than with
    d.consult every turn."""
    verdicts, details = _results()
    gap = check_spec()["E4"]["min_gap"]
    for ally in ("ROK", "JPN"):
        assert details["E4"][ally]["mean_difference"] <= -gap, _explain("E4")
    assert verdicts["E4"] == "PASS"


def test_sanity_hawkish_escalates_most_and_cautious_play_rarely_needs_control() -> None:
    """Sanity: mean peak rung hawkish >= scripted >= cautious; cautious < 2% decision points."""
    verdicts, details = _results()
    means = details["Sanity"]["mean_peak_rung"]
    assert means["hawkish"] >= means["scripted"] >= means["cautious"], _explain("Sanity")
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
    from wargame.engine import checks, stats
    from wargame.engine.simulate import Condition, RunConfig, run_games

    records = run_games(
        RunConfig("default", "hawkish", 6, "deny_all", Condition()),
        list(range(1, 41)),
        workers=1,
    )
    spec = check_spec()[name]
    verdict, detail = checks._ratio_check(spec, records, records)
    assert verdict == "FAIL"
    assert detail["paired"]["mean_difference"] == 0
    assert stats.paired_difference([1.0], [1.0])["ratio"] == 1
