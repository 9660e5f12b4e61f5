"""Plausibility checks E1-E4 and sanity (docs/model.md §11).

Each check plays the same seeds with and without its condition (common random numbers), so the
paired difference isolates the condition; each bounds the size of the effect from both sides where
a source gives a bound (data/checks.yaml).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from . import stats
from .model import data_file
from .montecarlo import Condition, ProgressFn, RunConfig, canonical_json, run_games, seed_list
from .tally import GameRecord, total_misperception_escalations

CHECK_NAMES = ("E1", "E2", "E3", "E4", "Sanity")
Play = Callable[[str, Mapping[str, Any]], list[GameRecord]]


def check_spec() -> Mapping[str, Any]:
    return data_file("checks")


def arm_condition(name: str, arm: Mapping[str, Any]) -> Condition:
    return Condition(
        name=name,
        state_overrides=dict(arm.get("state") or {}),
        standing_orders={k: tuple(v) for k, v in (arm.get("orders") or {}).items()},
        script=arm.get("script"),
        team_policies=dict(arm.get("team_policies") or {}),
        model_overrides=dict(arm.get("model") or {}),
    )


def metric(name: str, record: GameRecord) -> float:
    if name == "misperception_escalations":
        return float(total_misperception_escalations(record))
    if name == "exchanges_of_fire":
        return float(record["exchanges"])
    if name == "reached_rung_8":
        return 1.0 if record["max_rung"] >= 8 else 0.0
    raise KeyError(name)


def ratio_check(
    spec: Mapping[str, Any], with_records: list[GameRecord], without_records: list[GameRecord]
) -> tuple[str, dict[str, Any]]:
    name = str(spec["metric"])
    paired = stats.paired_difference(
        [metric(name, r) for r in with_records], [metric(name, r) for r in without_records]
    )
    low, high = float(spec.get("min_ratio", 0.0)), float(spec["max_ratio"])
    ratio = paired["ratio"]
    # A zero rate without the condition leaves nothing to reduce: no vacuous pass.
    ok = ratio is not None and low <= ratio <= high and paired["high"] < 0
    detail: dict[str, Any] = {
        "metric": name,
        "rule": f"{low} <= with / without <= {high}, paired 95% interval < 0",
        "paired": dict(paired),
        "low": low,
        "high": high,
        "source": spec.get("source", ""),
        "low_source": spec.get("min_source", ""),
    }
    if name == "reached_rung_8":
        detail["share_with"] = stats.wilson(
            sum(int(metric(name, r)) for r in with_records), len(with_records)
        )
        detail["share_without"] = stats.wilson(
            sum(int(metric(name, r)) for r in without_records), len(without_records)
        )
    return ("PASS" if ok else "FAIL"), detail


def assurance_check(
    spec: Mapping[str, Any], with_records: list[GameRecord], without_records: list[GameRecord]
) -> tuple[str, dict[str, Any]]:
    low, high = float(spec["min_gap"]), float(spec["max_gap"])
    detail: dict[str, Any] = {
        "metric": "final_assurance",
        "rule": f"{low} <= with consultation - without <= {high} points, each ally",
        "low": low,
        "high": high,
        "source": spec.get("source", ""),
        "high_source": spec.get("max_source", ""),
    }
    ok = True
    for ally in spec.get("allies", ("ROK", "JPN")):
        final_with = [r["assurance"][ally][-1] for r in with_records]
        final_without = [r["assurance"][ally][-1] for r in without_records]
        paired = stats.paired_difference(final_without, final_with)
        detail[ally] = dict(paired)
        ok = ok and low <= -paired["mean_difference"] <= high
    return ("PASS" if ok else "FAIL"), detail


def mean_peak(records: Sequence[GameRecord]) -> float:
    return stats.mean([float(r["max_rung"]) for r in records])


def sanity(
    spec: Mapping[str, Any], runs: Mapping[str, list[GameRecord]]
) -> tuple[str, dict[str, Any]]:
    order = [str(p) for p in spec["order"]]
    means = {p: stats.rounded(mean_peak(runs[p])) for p in order}
    ordered = all(means[a] >= means[b] for a, b in itertools.pairwise(order))
    cautious = runs["cautious"]
    share = stats.wilson(sum(1 for r in cautious if r["decision_points"]), len(cautious))
    limit = float(spec["cautious_max_decision_point_share"])
    ok = ordered and share["estimate"] < limit
    detail = {
        "mean_peak_rung": means,
        "rule": f"mean peak rung {' >= '.join(order)}; cautious decision-point games < {limit}",
        "cautious_decision_point_games": share,
        "source": spec.get("source", ""),
    }
    return ("PASS" if ok else "FAIL"), detail


def player(
    scenario: str,
    seeds: Sequence[int],
    turns: int,
    workers: int,
    progress_for: Callable[[str], ProgressFn | None] | None = None,
) -> Play:
    """Plays an arm once per (policy, arm) on the same seeds; identical arms share their games."""
    cache: dict[tuple[str, str], list[GameRecord]] = {}

    def play(label: str, arm: Mapping[str, Any]) -> list[GameRecord]:
        policy = str(arm.get("policy", "hawkish"))
        key = (policy, canonical_json({k: v for k, v in arm.items() if k != "policy"}))
        if key not in cache:
            progress = progress_for(f"{scenario} {label} ({policy})") if progress_for else None
            config = RunConfig(scenario, policy, turns, "deny_all", arm_condition(label, arm))
            cache[key] = run_games(config, seeds, workers=workers, progress=progress)
        return cache[key]

    return play


def run_checks(
    scenario: str,
    *,
    seeds: int | Sequence[int],
    turns: int,
    workers: int = 2,
    progress_for: Callable[[str], ProgressFn | None] | None = None,
) -> tuple[dict[str, str], dict[str, Any]]:
    """E1-E4 and sanity: ({name: PASS|FAIL}, {name: numbers})."""
    spec = check_spec()
    seed_values = seed_list(seeds)
    play = player(scenario, seed_values, turns, workers, progress_for)
    results: dict[str, str] = {}
    details: dict[str, Any] = {}
    for name in ("E1", "E2", "E3"):
        s = spec[name]
        results[name], details[name] = ratio_check(
            s, play(f"{name} with", s["with"]), play(f"{name} without", s["without"])
        )
    s = spec["E4"]
    results["E4"], details["E4"] = assurance_check(
        s, play("E4 with", s["with"]), play("E4 without", s["without"])
    )
    s = spec["sanity"]
    runs = {p: play(f"Sanity {p}", {"policy": p}) for p in s["order"]}
    results["Sanity"], details["Sanity"] = sanity(s, runs)
    for detail in details.values():
        detail["seeds"] = len(seed_values)
        detail["turns"] = turns
        detail["scenario"] = scenario
    return results, details
