"""`simulate`: Monte Carlo runs with bot teams, the model's checks and the calibration suite, from
the command line (`python -m wargame.engine.simulate`, or `manage.py simulate`) or from Python
(`simulate()`), and the research runner: arms by package, team policies, rules switched off, seed
offsets, tidy records per game and per turn with a codebook (docs/model.md §16).

The games are played in wargame.engine.montecarlo; this module sums them and prints the summary.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any, Protocol

from . import stats
from .bots import POLICIES
from .calibration import all_pass, run_calibration
from .checks import run_checks
from .clock import DAYS_PER_YEAR, days_per_turn
from .errors import EngineError
from .montecarlo import (
    BASE,
    Condition,
    NuclearChoice,
    ProgressFn,
    RunConfig,
    Setup,
    SimulationError,
    bot_view,
    build_setup,
    canonical_json,
    engine_hash,
    run_games,
    seed_list,
    turn_seed,
)
from .report import render_table
from .research import package_condition, resolved_codebook, team_policies, write_records
from .summary import summarise_records

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .tally import GameRecord

__all__ = [
    "Condition",
    "RunConfig",
    "SimulationError",
    "bot_view",
    "build_setup",
    "canonical_json",
    "engine_hash",
    "main",
    "run_games",
    "seed_list",
    "simulate",
    "turn_seed",
]

RUNG_THRESHOLDS = (5, 7, 8)


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


# --- public entry point -------------------------------------------------------------------------


def simulate(
    scenario: str,
    seeds: int | Sequence[int],
    turns: int,
    policy: str,
    nuclear_choice: NuclearChoice = "deny_all",
    workers: int = 2,
    *,
    condition: Condition = BASE,
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    config = RunConfig(scenario, policy, turns, nuclear_choice, condition)
    records = run_games(config, seed_list(seeds), workers=workers, progress=progress)
    setup = build_setup(scenario, condition)
    return summarise(records, config, setup)


def summarise(records: Sequence[GameRecord], config: RunConfig, setup: Setup) -> dict[str, Any]:
    years = config.turns * days_per_turn(setup.model.data) / DAYS_PER_YEAR
    summary = summarise_records(records, thresholds=RUNG_THRESHOLDS, years=years)
    summary["config"] = {
        "scenario": config.scenario,
        "policy": config.policy,
        "turns": config.turns,
        "seeds": len(records),
        "nuclear_choice": config.nuclear_choice,
        "condition": config.condition.name,
    }
    summary["hashes"] = {
        "model": setup.model.hash,
        "scenario": setup.scenario_hash,
        "engine": engine_hash(),
    }
    return summary


# --- command line -------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="simulate", description="Monte Carlo runs with bot teams (docs/model.md §11, §16)."
    )
    add_arguments(parser)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scenario", default="default", help="default, period-<year> or a scenario slug"
    )
    parser.add_argument("--seeds", type=int, default=1000, help="number of seeds")
    parser.add_argument(
        "--seed-offset", type=int, default=0, help="play seeds K+1..K+N instead of 1..N"
    )
    parser.add_argument("--turns", type=int, default=12)
    parser.add_argument("--policy", choices=POLICIES, default="hawkish")
    parser.add_argument(
        "--team-policy",
        action="append",
        default=[],
        metavar="TEAM=POLICY",
        help="a team that plays another policy (repeatable)",
    )
    parser.add_argument(
        "--package",
        action="append",
        default=[],
        metavar="MEASURE[,MEASURE]",
        help="an arm with these measures in force from turn 1; repeat to sweep (paired)",
    )
    parser.add_argument(
        "--disable-rule", action="append", default=[], metavar="RULE", help="switch a rule off"
    )
    parser.add_argument("--records", metavar="FILE", help="write games and turns (.csv, .jsonl)")
    parser.add_argument("--codebook", action="store_true", help="print the codebook and stop")
    parser.add_argument(
        "--checks", action=argparse.BooleanOptionalAction, default=True, help="run E1-E4 and sanity"
    )
    parser.add_argument(
        "--calibration",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run the calibration suite on every built-in scenario",
    )
    parser.add_argument(
        "--check-seeds", type=int, default=200, help="seeds for the checks and the calibration"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--nuclear-choice", choices=("deny_all", "approve_all"), default="deny_all")


def base_condition(options: argparse.Namespace) -> Condition:
    disabled = sorted(set(options.disable_rule))
    return Condition(
        name="base",
        team_policies=team_policies(options.team_policy),
        model_overrides={"rules": {"disabled": disabled}} if disabled else {},
    )


def run_arms(
    options: argparse.Namespace, err: Writer
) -> dict[str, tuple[RunConfig, float, list[GameRecord], dict[str, Any]]]:
    """The base arm and one arm per --package, on the same seeds: {name: (config, years,
    records, summary)}."""
    base = base_condition(options)
    seeds = list(range(options.seed_offset + 1, options.seed_offset + options.seeds + 1))
    conditions = [base] + [
        package_condition([m.strip() for m in raw.split(",") if m.strip()], base)
        for raw in options.package
    ]
    out: dict[str, tuple[RunConfig, float, list[GameRecord], dict[str, Any]]] = {}
    for condition in conditions:
        config = RunConfig(
            options.scenario, options.policy, options.turns, options.nuclear_choice, condition
        )
        label = f"{condition.name} {options.policy} x{options.seeds}"
        records = run_games(
            config, seeds, workers=options.workers, progress=progress_bar(err, label)
        )
        setup = build_setup(options.scenario, condition)
        summary = summarise(records, config, setup)
        out[condition.name] = (config, summary["years_per_game"], records, summary)
    return out


def paired_metrics(r: GameRecord) -> dict[str, float]:
    """What a sweep compares between arms, per game."""
    return {
        "incidents": float(r["incidents"]),
        "exchanges": float(r["exchanges"]),
        "spirals": float(r["spirals"]),
        "misperception_escalations": float(sum(r["misperception_escalations"].values())),
        "decision_point_games": 1.0 if r["decision_points"] else 0.0,
        "reached_rung_8": 1.0 if r["max_rung"] >= 8 else 0.0,
        "assurance_rok": float((r["assurance"].get("ROK") or [0.0])[-1]),
        "assurance_jpn": float((r["assurance"].get("JPN") or [0.0])[-1]),
    }


def paired_arms(
    arms: Mapping[str, tuple[RunConfig, float, list[GameRecord], dict[str, Any]]],
) -> dict[str, Any]:
    """Each package arm against the base arm, seed by seed (common random numbers)."""
    base = [paired_metrics(r) for r in arms["base"][2]]
    out: dict[str, Any] = {}
    for name, (_config, _years, records, summary) in arms.items():
        entry: dict[str, Any] = {"summary": summary}
        if name != "base":
            rows = [paired_metrics(r) for r in records]
            entry["paired"] = {
                metric: stats.paired_difference(
                    [r[metric] for r in rows], [b[metric] for b in base]
                )
                for metric in base[0]
            }
        out[name] = entry
    return out


def run_cli(options: argparse.Namespace, out: Writer, err: Writer) -> int:
    try:
        if getattr(options, "codebook", False):
            out.write(json.dumps(resolved_codebook(), sort_keys=True, ensure_ascii=False) + "\n")
            return 0
        arms = run_arms(options, err)
        summary = arms["base"][3]
        if options.records:
            write_records(options.records, {k: (c, y, r) for k, (c, y, r, _s) in arms.items()})
        checks: dict[str, str] = {}
        details: dict[str, Any] = {}
        calibration: dict[str, Any] = {}

        def progress_for(name: str) -> ProgressFn:
            return progress_bar(err, name)

        if options.checks:
            checks, details = run_checks(
                options.scenario,
                seeds=options.check_seeds,
                turns=options.turns,
                workers=options.workers,
                progress_for=progress_for,
            )
        if options.calibration:
            calibration = run_calibration(
                seeds=options.check_seeds,
                turns=options.turns,
                workers=options.workers,
                progress_for=progress_for,
            )
    except EngineError as exc:
        err.write(f"simulate: {exc.field or 'error'}: {exc.reason}\n")
        return 2
    sweep = paired_arms(arms) if len(arms) > 1 else {}
    if options.json:
        payload: dict[str, Any] = {"summary": summary, "checks": checks, "check_details": details}
        if calibration:
            payload["calibration"] = calibration
        if sweep:
            payload["arms"] = sweep
        out.write(json.dumps(payload, sort_keys=True, ensure_ascii=False) + "\n")
    else:
        arm_rows = {k: v for k, v in sweep.items() if k != "base"}
        out.write(render_table(summary, checks, details, calibration, arm_rows))
    passed = all(v == "PASS" for v in checks.values()) and all_pass(calibration)
    return 0 if passed else 1


def progress_bar(err: Writer, label: str, width: int = 30) -> ProgressFn:
    """A text bar on stderr, redrawn in place; it never touches stdout."""

    def show(done: int, total: int) -> None:
        filled = width * done // max(total, 1)
        end = "\n" if done >= total else ""
        err.write(
            f"\r{label[:40]:<40} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}{end}"
        )
        flush = getattr(err, "flush", None)
        if callable(flush):
            flush()

    return show


def main(argv: Sequence[str] | None = None) -> int:
    options = build_parser().parse_args(argv)
    return run_cli(options, sys.stdout, sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
