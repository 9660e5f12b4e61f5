"""Plausibility checks E1-E4 and sanity (docs/model.md §11).

Each check plays the same seeds with and without its condition (common random numbers), so the
paired difference isolates the condition. Thresholds and arms: data/bots.yaml, `checks:`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from . import stats
from .bots import bot_data
from .montecarlo import Condition, ProgressFn, RunConfig, canonical_json, run_games, seed_list
from .stats import GameRecord

CHECK_NAMES = ("E1", "E2", "E3", "E4", "Sanity")
Runner = Callable[[str, Mapping[str, Any]], list[GameRecord]]


def check_spec() -> Mapping[str, Any]:
    spec = bot_data().get("checks")
    if not isinstance(spec, Mapping):
        raise KeyError("bots.yaml has no checks section")
    return spec


def arm_condition(name: str, arm: Mapping[str, Any]) -> Condition:
    return Condition(
        name=name,
        state_overrides=dict(arm.get("state") or {}),
        standing_orders={k: tuple(v) for k, v in (arm.get("orders") or {}).items()},
        script=arm.get("script"),
        team_policies=dict(arm.get("team_policies") or {}),
    )


def _metric(name: str, record: GameRecord) -> float:
    if name == "misperception_escalations":
        return float(stats.total_misperception_escalations(record))
    if name == "uncontained_incidents":
        return float(stats.uncontained_incidents(record))
    if name == "reached_rung_8":
        return 1.0 if record["max_rung"] >= 8 else 0.0
    raise KeyError(name)


def _ratio_check(
    spec: Mapping[str, Any], with_records: list[GameRecord], without_records: list[GameRecord]
) -> tuple[str, dict[str, Any]]:
    metric = str(spec["metric"])
    paired = stats.paired_difference(
        [_metric(metric, r) for r in with_records], [_metric(metric, r) for r in without_records]
    )
    max_ratio = float(spec["max_ratio"])
    ratio = paired["ratio"]
    # A zero rate without the condition leaves nothing to reduce: no vacuous pass.
    ok = ratio is not None and ratio <= max_ratio and paired["high"] < 0
    detail: dict[str, Any] = {
        "metric": metric,
        "rule": f"with <= {max_ratio} x without, paired 95% interval < 0",
        "paired": dict(paired),
        "source": spec.get("source", ""),
    }
    if metric == "reached_rung_8":
        detail["share_with"] = stats.wilson(
            sum(int(_metric(metric, r)) for r in with_records), len(with_records)
        )
        detail["share_without"] = stats.wilson(
            sum(int(_metric(metric, r)) for r in without_records), len(without_records)
        )
    return ("PASS" if ok else "FAIL"), detail


def _assurance_check(
    spec: Mapping[str, Any], with_records: list[GameRecord], without_records: list[GameRecord]
) -> tuple[str, dict[str, Any]]:
    gap = float(spec["min_gap"])
    detail: dict[str, Any] = {
        "metric": "final_assurance",
        "rule": f"without consultation <= with consultation - {gap}, each ally",
        "source": spec.get("source", ""),
    }
    ok = True
    for ally in spec.get("allies", ("ROK", "JPN")):
        final_with = [r["assurance"][ally][-1] for r in with_records]
        final_without = [r["assurance"][ally][-1] for r in without_records]
        paired = stats.paired_difference(final_without, final_with)
        detail[ally] = dict(paired)
        ok = ok and paired["mean_difference"] <= -gap
    return ("PASS" if ok else "FAIL"), detail


def _mean_peak(records: Sequence[GameRecord]) -> float:
    return stats.mean([float(r["max_rung"]) for r in records])


def _sanity(
    spec: Mapping[str, Any], runs: Mapping[str, list[GameRecord]]
) -> tuple[str, dict[str, Any]]:
    order = [str(p) for p in spec["order"]]
    means = {p: stats.rounded(_mean_peak(runs[p])) for p in order}
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
    cache: dict[tuple[str, str], list[GameRecord]] = {}

    def play(label: str, arm: Mapping[str, Any]) -> list[GameRecord]:
        policy = str(arm.get("policy", "hawkish"))
        condition = arm_condition(label, arm)
        key = (policy, stats_key(arm))
        if key not in cache:
            progress = progress_for(f"{label} ({policy})") if progress_for else None
            config = RunConfig(scenario, policy, turns, "deny_all", condition)
            cache[key] = run_games(config, seed_values, workers=workers, progress=progress)
        return cache[key]

    results: dict[str, str] = {}
    details: dict[str, Any] = {}
    for name in ("E1", "E2", "E3"):
        s = spec[name]
        verdict, detail = _ratio_check(
            s, play(f"{name} with", s["with"]), play(f"{name} without", s["without"])
        )
        results[name], details[name] = verdict, detail
    s = spec["E4"]
    results["E4"], details["E4"] = _assurance_check(
        s, play("E4 with", s["with"]), play("E4 without", s["without"])
    )
    sanity = spec["sanity"]
    runs = {p: play(f"Sanity {p}", {"policy": p}) for p in sanity["order"]}
    results["Sanity"], details["Sanity"] = _sanity(sanity, runs)
    for detail in details.values():
        detail["seeds"] = len(seed_values)
        detail["turns"] = turns
        detail["scenario"] = scenario
    return results, details


def stats_key(arm: Mapping[str, Any]) -> str:
    """Identity of an arm, so identical arms (E1-E3's shared baseline) are played once."""
    return canonical_json({k: v for k, v in arm.items() if k != "policy"})
