"""The calibration suite (docs/model.md §14): every built-in scenario against bounds from the public
record, each check with a lower and an upper bound and its source (data/calibration.yaml).

Period baselines are replayed from their own January (scripted) and played by cautious and hawkish
bots; the 2026 baseline and the scenario files are held to invariants. A check that cannot pass
says FAIL with the numbers; nothing here is tuned to make it pass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import stats
from .checks import player
from .clock import DAYS_PER_YEAR, days_per_turn
from .model import data_file
from .montecarlo import ProgressFn, build_setup, seed_list
from .periods import is_period, period_slugs
from .scenario import builtin_slugs

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from .tally import GameRecord

ALLIES = ("ROK", "JPN")
TALK_ALONE: Mapping[str, Any] = {
    "policy": "scripted",
    "script": {"turns": {}},
    "orders": {"US": [{"action": "d.talks_offer", "target": "DPRK", "reason": "Offers talks."}]},
}
IDLE: Mapping[str, Any] = {"policy": "scripted", "script": {"turns": {}}}
ARMS: Mapping[str, Mapping[str, Any]] = {"talk_alone": TALK_ALONE, "idle": IDLE}
# Metrics that are properties of the model, not of one way of playing: read over every arm listed.
POOLED_ARMS = ("exchange_containment", "launch_detection")
POOLED = "periods (pooled)"


def calibration_spec() -> Mapping[str, Any]:
    return data_file("calibration")


def calibration_scenarios() -> list[str]:
    """Every built-in scenario: the 2026 baseline, the periods, the scenario files."""
    return ["default", *period_slugs(), *builtin_slugs()]


def checks_for(scenario: str) -> tuple[str, list[str], str]:
    """(kind, check names, note) for a scenario."""
    spec = calibration_spec()
    if scenario == "default":
        return "default", list(spec["applies"]["default"]), ""
    if is_period(scenario):
        names = [c for c in spec["applies"]["periods"] if not spec["checks"][c].get("pooled")]
        return "period", names, ""
    declared = spec["scenarios"].get(scenario, {})
    kind = str(declared.get("kind", "teaching"))
    names = list(declared.get("checks") or spec["applies"]["teaching"])
    return kind, names, str(declared.get("note", ""))


def _runs(check: Mapping[str, Any], replays: bool = True) -> list[str]:
    """The arms a check reads; a scenario without a replay of the record reads the bots' play."""
    run = check["run"]
    arms = [str(run)] if isinstance(run, str) else [str(r) for r in run]
    return arms if replays else [a for a in arms if a != "scripted"] or arms


def _bounds(check: Mapping[str, Any], scenario: str) -> tuple[float, float]:
    found = (check.get("by_scenario") or {}).get(scenario)
    if found is not None:
        return float(found[0]), float(found[1])
    return float(check.get("low", 0.0)), float(check.get("high", 0.0))


def _mean(records: Sequence[GameRecord], key: str) -> float:
    return stats.mean([float(r[key]) for r in records])  # type: ignore[literal-required]


def measure(
    name: str, check: Mapping[str, Any], runs: Mapping[str, list[GameRecord]], years: float
) -> tuple[float | None, dict[str, Any]]:
    """The value of a metric from the arms it reads ({arm: records}); None if it cannot be read."""
    arm = next(a for a in _runs(check) if a in runs)
    records = runs[arm]
    if name in POOLED_ARMS:
        records = [r for a in _runs(check) if a in runs for r in runs[a]]
    if name == "exchanges_per_year":
        return _mean(records, "exchanges") / years, {}
    if name == "exchange_containment":
        exchanges = sum(r["exchanges"] for r in records)
        spirals = sum(r["spirals"] for r in records)
        if exchanges < int(check.get("min_exchanges", 1)):
            return None, {"exchanges": exchanges}
        return (exchanges - spirals) / exchanges, {"exchanges": exchanges}
    if name == "warheads_per_year":
        return _mean(records, "warheads_added") / years, {}
    if name == "launch_detection":
        launches = sum(r["launches"] for r in records)
        if launches < int(check.get("min_launches", 1)):
            return None, {"launches": launches}
        shares = {
            ally: sum(r["launches_detected"].get(ally, 0) for r in records) / launches
            for ally in ("US", "ROK", "JPN")
        }
        return min(shares.values()), {"launches": launches, "by_ally": stats_round(shares)}
    if name == "reached_rung_8":
        return sum(1 for r in records if r["max_rung"] >= 8) / len(records), {}
    if name == "mean_peak_rung":
        return _mean(records, "max_rung"), {}
    if name == "decision_point_share":
        return sum(1 for r in records if r["decision_points"]) / len(records), {}
    if name == "peak_gap":
        return _mean(runs["hawkish"], "max_rung") - _mean(runs["cautious"], "max_rung"), {}
    if name == "talk_alone_assurance":
        finals = {a: stats.mean([r["assurance"][a][-1] for r in records]) for a in ALLIES}
        idle = {a: stats.mean([r["assurance"][a][-1] for r in runs["idle"]]) for a in ALLIES}
        cost = {a: idle[a] - finals[a] for a in ALLIES}
        return min(finals.values()), {"by_ally": stats_round(finals), "cost": stats_round(cost)}
    raise KeyError(name)


def stats_round(values: Mapping[str, float]) -> dict[str, float]:
    return {k: stats.rounded(v) for k, v in values.items()}


def verdict(
    check: Mapping[str, Any],
    scenario: str,
    runs: Mapping[str, list[GameRecord]],
    years: float,
    start: Mapping[str, float],
    sharing: str = "realtime",
) -> dict[str, Any]:
    low, high = _bounds(check, scenario)
    if check["metric"] == "launch_detection" and sharing != "realtime":
        low, high = float(check["bilateral"]["low"]), float(check["bilateral"]["high"])
    value, extra = measure(str(check["metric"]), check, runs, years)
    out: dict[str, Any] = {
        "title": check["title"],
        "run": next(a for a in _runs(check) if a in runs)
        if check["metric"] != "peak_gap"
        else "hawkish-cautious",
        "source": check["source"],
        **extra,
    }
    if check["metric"] == "talk_alone_assurance" and value is not None:
        # Never near 0 from talk alone (low), and never free: at least `min_cost` points below
        # the same year with nothing done at all (idle).
        cost = extra["cost"]
        ok = value >= low and all(
            float(check["min_cost"]) <= c <= float(check["max_cost"]) for c in cost.values()
        )
        out.update(value=stats.rounded(value), low=low, high=high, verdict="PASS" if ok else "FAIL")
        out["cost_bounds"] = [float(check["min_cost"]), float(check["max_cost"])]
        return out
    if value is None:
        out.update(value=None, low=low, high=high, verdict="FAIL")
        out["note"] = "Too few events in these games to judge; run more seeds."
        return out
    ok = low <= value <= high
    out.update(value=stats.rounded(value), low=low, high=high, verdict="PASS" if ok else "FAIL")
    return out


def run_calibration(
    scenarios: Sequence[str] | None = None,
    *,
    seeds: int | Sequence[int],
    turns: int,
    workers: int = 2,
    progress_for: Callable[[str], ProgressFn | None] | None = None,
) -> dict[str, Any]:
    """{scenario: {"kind", "note", "checks": {name: result}}} for every scenario given (all built-in
    ones by default), and the pooled checks across the periods."""
    spec = calibration_spec()
    seed_values = seed_list(seeds)
    out: dict[str, Any] = {}
    pooled: dict[str, list[GameRecord]] = {}
    pooled_years = 0.0
    for scenario in scenarios or calibration_scenarios():
        kind, names, note = checks_for(scenario)
        setup = build_setup(scenario)
        years = turns * days_per_turn(setup.model.data) / DAYS_PER_YEAR
        play = player(scenario, seed_values, turns, workers, progress_for)
        replays = setup.script is not None
        arms = sorted({arm for n in names for arm in _runs(spec["checks"][n], replays)})
        if "talk_alone" in arms:
            arms.append("idle")
        runs = {arm: play(arm, ARMS.get(arm, {"policy": arm})) for arm in arms}
        start = dict(setup.state.assurance)
        sharing = str(setup.model.data["perception"]["launch"]["sharing"])
        results = {
            n: verdict(spec["checks"][n], scenario, runs, years, start, sharing) for n in names
        }
        out[scenario] = {
            "kind": kind,
            "note": note,
            "years": stats.rounded(years),
            "checks": results,
        }
        if kind == "period" and "scripted" in runs:
            pooled.setdefault("scripted", []).extend(runs["scripted"])
            pooled_years = years
    if pooled:
        names = [n for n in spec["applies"]["periods"] if spec["checks"][n].get("pooled")]
        results = {n: verdict(spec["checks"][n], POOLED, pooled, pooled_years, {}) for n in names}
        out[POOLED] = {"kind": "pooled", "note": "", "years": pooled_years, "checks": results}
    return out


def all_pass(calibration: Mapping[str, Any]) -> bool:
    return all(
        result["verdict"] == "PASS"
        for entry in calibration.values()
        for result in entry["checks"].values()
    )
