"""`simulate`: Monte Carlo runs with bot teams and the model's checks, from the command line
(`python -m wargame.engine.simulate`, or `manage.py simulate`) or from Python (`simulate()`).

The games are played in wargame.engine.montecarlo; this module sums them and prints the summary.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from .bots import POLICIES
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
from .stats import GameRecord, summarise_records

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
        prog="simulate", description="Monte Carlo runs with bot teams (ADJUDICATION.md §11)."
    )
    add_arguments(parser)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenario", default="default", help="scenario slug, or 'default'")
    parser.add_argument("--seeds", type=int, default=1000, help="number of seeds (1..N)")
    parser.add_argument("--turns", type=int, default=12)
    parser.add_argument("--policy", choices=POLICIES, default="hawkish")
    parser.add_argument(
        "--checks", action=argparse.BooleanOptionalAction, default=True, help="run E1-E4 and sanity"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--nuclear-choice", choices=("deny_all", "approve_all"), default="deny_all")


def run_cli(options: argparse.Namespace, out: Writer, err: Writer) -> int:
    try:
        summary = simulate(
            options.scenario,
            options.seeds,
            options.turns,
            options.policy,
            options.nuclear_choice,
            options.workers,
            progress=progress_bar(err, f"{options.policy} x{options.seeds}"),
        )
        checks: dict[str, str] = {}
        details: dict[str, Any] = {}
        if options.checks:
            checks, details = run_checks(
                options.scenario,
                seeds=options.seeds,
                turns=options.turns,
                workers=options.workers,
                progress_for=lambda name: progress_bar(err, name),
            )
    except EngineError as exc:
        err.write(f"simulate: {exc.field or 'error'}: {exc.reason}\n")
        return 2
    if options.json:
        payload = {"summary": summary, "checks": checks, "check_details": details}
        out.write(json.dumps(payload, sort_keys=True, ensure_ascii=False) + "\n")
    else:
        out.write(render_table(summary, checks, details))
    return 0 if all(v == "PASS" for v in checks.values()) else 1


def progress_bar(err: Writer, label: str, width: int = 30) -> ProgressFn:
    """A text bar on stderr, redrawn in place; it never touches stdout."""

    def show(done: int, total: int) -> None:
        filled = width * done // max(total, 1)
        end = "\n" if done >= total else ""
        err.write(f"\r{label:<28} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}{end}")
        flush = getattr(err, "flush", None)
        if callable(flush):
            flush()

    return show


def _pct(interval: Mapping[str, Any]) -> str:
    return (
        f"{100 * interval['estimate']:5.1f}%  "
        f"[{100 * interval['low']:.1f}, {100 * interval['high']:.1f}]"
    )


def render_table(
    summary: Mapping[str, Any], checks: Mapping[str, str], details: Mapping[str, Any]
) -> str:
    """The readable report: distributions, threshold crossings, misperception, assurance, checks."""
    config = summary["config"]
    lines = [
        f"Scenario {config['scenario']}  policy {config['policy']}  seeds {config['seeds']}  "
        f"turns {config['turns']}  nuclear decisions: {config['nuclear_choice']}",
        "",
        "Peak rung per dyad      mean   p90   histogram (rung: games)",
    ]
    for dyad, dist in summary["peak_rung"].items():
        hist = " ".join(f"{k}:{v}" for k, v in dist["histogram"].items())
        lines.append(f"  {dyad:<20} {dist['mean']:5.2f} {dist['p90']:5.1f}   {hist}")
    lines += ["", "Games reaching rung     share   [95% Wilson]"]
    for rung, interval in summary["reached_rung"].items():
        lines.append(f"  >= {rung:<18} {_pct(interval)}")
    nuclear = summary["nuclear"]
    lines += [
        "",
        f"Nuclear decision points: games {_pct(nuclear['decision_point_games'])}",
        f"  use rate deny_all {_pct(nuclear['use_rate']['deny_all'])}   "
        f"approve_all {_pct(nuclear['use_rate']['approve_all'])}",
        "",
        "Misperception path      per game   escalations per game",
    ]
    mis = summary["misperception"]
    for path, row in mis["by_path"].items():
        lines.append(f"  {path:<20} {row['per_game']:8.3f}   {row['escalations_per_game']:8.3f}")
    esc = mis["escalations_per_game"]
    lines.append(
        f"  misperception-triggered escalations per game {esc['estimate']:.3f} "
        f"[{esc['low']:.3f}, {esc['high']:.3f}]; "
        f"games with one {_pct(mis['games_with_escalation'])}"
    )
    inc = summary["incidents"]
    lines += [
        "",
        f"Inter-Korean incidents per game {inc['per_game']['estimate']:.3f}, uncontained "
        f"{inc['uncontained_per_game']['estimate']:.3f}; contained {_pct(inc['containment'])}",
        f"  per simulated year ({summary['years_per_game']:.2f} years a game): incidents "
        f"{inc['per_year']['incidents']:.3f}, uncontained {inc['per_year']['uncontained']:.3f}; "
        f"warheads added {summary['per_year']['warheads_added']:.2f}",
        "",
        "Assurance (mean by turn)",
    ]
    for ally, row in summary["assurance"].items():
        trajectory = " ".join(f"{v:.0f}" for v in row["trajectory"])
        lines.append(f"  {ally:<4} final {row['final_mean']:6.1f}   {trajectory}")
    icbm = summary["icbm"]
    lines.append(
        f"DPRK ICBM level at the end: mean {icbm['mean']:.2f}, histogram {icbm['histogram']}"
    )
    if summary["cbm_end_states"]:
        states = ", ".join(f"{k} {v}" for k, v in summary["cbm_end_states"].items())
        lines.append(f"CBM end states (games): {states}")
    rules = ", ".join(f"{k} {v}" for k, v in summary["rules"].items())
    lines += [f"Rules fired: {rules}", ""]
    hashes = summary["hashes"]
    lines.append(
        f"Hashes: model {hashes['model'][:12]}  scenario {hashes['scenario'][:12]}  "
        f"engine {hashes['engine'][:12]}"
    )
    if checks:
        lines += ["", "Plausibility checks (same seeds, paired)"]
        for name, verdict in checks.items():
            lines.append(f"  {name:<7} {verdict}  {_check_line(details.get(name, {}))}")
    return "\n".join(lines) + "\n"


def _check_line(detail: Mapping[str, Any]) -> str:
    if "paired" in detail:
        p = detail["paired"]
        return (
            f"{detail['metric']}: with {p['mean_with']} vs without {p['mean_without']} "
            f"(ratio {p['ratio']}, paired diff {p['mean_difference']} "
            f"[{p['low']}, {p['high']}]); rule {detail['rule']}"
        )
    if "mean_peak_rung" in detail:
        share = detail["cautious_decision_point_games"]["estimate"]
        return f"mean peak rung {detail['mean_peak_rung']}; cautious decision-point games {share}"
    parts = [
        f"{ally}: without consultation {d['mean_with']} vs with {d['mean_without']} "
        f"(difference {d['mean_difference']})"
        for ally, d in detail.items()
        if isinstance(d, Mapping) and "mean_difference" in d
    ]
    return "; ".join(parts) + (f"; rule {detail.get('rule', '')}" if parts else "")


def main(argv: Sequence[str] | None = None) -> int:
    options = build_parser().parse_args(argv)
    return run_cli(options, sys.stdout, sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
