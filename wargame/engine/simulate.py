"""Monte Carlo simulation: bots play the game over many seeds; the summary of ADJUDICATION.md §11.

Per seed and turn: each team's bot decides from its own view -> adjudicate (turn seed derived
from the run seed with SHA-256) -> apply_decision_points (deny_all by default: the facilitator
holds every nuclear decision at the threshold) -> next turn. Games run in worker processes; results
are put back in seed order before anything is summed, so the output is byte-identical however the
work was scheduled.

Also a command line without Django: `python -m wargame.engine.simulate --scenario default ...`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from .adjudicate import adjudicate, apply_decision_points
from .bots import POLICIES, bot_decide
from .catalogue import Catalogue, load_catalogue
from .errors import EngineError
from .model import Model, load_model
from .state import State, initial_state
from .stats import GameRecord, GameTally, summarise_records
from .views import agreements_for, view_for

ENGINE_DIR = Path(__file__).resolve().parent
NuclearChoice = Literal["deny_all", "approve_all"]
RUNG_THRESHOLDS = (5, 7, 8)
CHUNK = 25


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


class SimulationError(EngineError):
    """A bad simulation request: unknown scenario, policy or argument."""

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(field, reason)


@dataclass(frozen=True, slots=True)
class Condition:
    """A paired-experiment arm: state and model overrides, standing orders, an optional script."""

    name: str = "base"
    state_overrides: Mapping[str, Any] = field(default_factory=dict)
    standing_orders: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)
    script: Mapping[str, Any] | None = None
    # Teams that play another policy than the run's (E3: only the US and the ROK are hawkish).
    team_policies: Mapping[str, str] = field(default_factory=dict)
    model_overrides: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RunConfig:
    scenario: str
    policy: str
    turns: int
    nuclear_choice: NuclearChoice = "deny_all"
    condition: Condition = Condition()


@dataclass(frozen=True, slots=True)
class Setup:
    model: Model
    catalogue: Catalogue
    state: State
    teams: tuple[str, ...]
    script: Mapping[str, Any] | None
    scenario_hash: str


# --- setup --------------------------------------------------------------------------------------


def build_setup(scenario: str, condition: Condition = Condition()) -> Setup:
    """Model, catalogue and start state of a scenario slug ("default": the model's own state)."""
    if scenario == "default":
        model = load_model(condition.model_overrides or None)
        state = initial_state(model, overrides=dict(condition.state_overrides) or None)
        catalogue = load_catalogue(model)
        script = None
        scenario_hash = _sha256_json({"scenario": "default"})
    else:
        try:
            from .scenario import load_builtin
        except ImportError as exc:
            raise SimulationError(
                "scenario", "Scenario files are not available yet; use --scenario default."
            ) from exc
        loaded = load_builtin(scenario)
        if condition.state_overrides or condition.model_overrides:
            raise SimulationError("condition", "Check conditions apply to --scenario default only.")
        model = loaded.model()
        state = loaded.initial_state()
        catalogue = loaded.catalogue()
        script = getattr(loaded, "script", None)
        scenario_hash = str(getattr(loaded, "hash", "")) or _sha256_json(state.to_dict())
    teams = tuple(getattr(state, "teams", ()) or ("US", "ROK", "JPN", "DPRK"))
    return Setup(model, catalogue, state, teams, condition.script or script, scenario_hash)


def turn_seed(run_seed: int, turn: int) -> int:
    """Adjudication seed for one turn: the §10 SHA-256 layout with purpose "sim:turn", 64 bits."""
    text = f"v1|{run_seed}|{turn}|sim:turn|||"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


# --- one game -----------------------------------------------------------------------------------


def bot_view(state: State, team: str, model: Model) -> dict[str, Any]:
    """What a team's bot reads: its state view plus the agreements as that team knows them, the two
    things a human team sees (CONTRACT.md `state` and `agreements/`); both built in views.py."""
    view = view_for(state, team, model)
    view["agreements"] = agreements_for(state, f"team:{team}")
    return view


def play_game(setup: Setup, config: RunConfig, seed: int) -> GameRecord:
    state = setup.state
    tally = GameTally(state, setup.model)
    for _ in range(config.turns):
        turn = int(state.turn)
        decisions = {
            team: bot_decide(
                config.condition.team_policies.get(team, config.policy),
                bot_view(state, team, setup.model),
                team=team,
                turn=turn,
                seed=seed,
                catalogue=setup.catalogue,
                model=setup.model,
                script=setup.script,
                standing_orders=config.condition.standing_orders.get(team, ()),
            )
            for team in setup.teams
        }
        proposal = adjudicate(
            state,
            decisions,
            seed=turn_seed(seed, turn),
            model=setup.model,
            catalogue=setup.catalogue,
        )
        state = apply_decision_points(proposal, choice=config.nuclear_choice)
        tally.add(proposal, state)
    return tally.record(seed, state)


# --- many games, two processes ------------------------------------------------------------------

_WORKER: tuple[Setup, RunConfig] | None = None


def _init_worker(config: RunConfig) -> None:
    global _WORKER
    _WORKER = (build_setup(config.scenario, config.condition), config)


def _play_chunk(seeds: Sequence[int]) -> list[GameRecord]:
    assert _WORKER is not None  # noqa: S101  (set by the pool initializer)
    setup, config = _WORKER
    return [play_game(setup, config, s) for s in seeds]


def _chunks(seeds: Sequence[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(seeds), size):
        yield list(seeds[i : i + size])


ProgressFn = Callable[[int, int], None]


def run_games(
    config: RunConfig,
    seeds: Sequence[int],
    *,
    workers: int = 2,
    progress: ProgressFn | None = None,
) -> list[GameRecord]:
    """Every game's record, in seed order whatever the scheduling."""
    if config.policy not in POLICIES:
        raise SimulationError("policy", f"Unknown policy {config.policy!r}.")
    if config.turns < 1:
        raise SimulationError("turns", "At least one turn.")
    records: list[GameRecord] = []
    done = 0
    chunks = list(_chunks(seeds, CHUNK))
    if workers <= 1 or len(chunks) <= 1:
        setup = build_setup(config.scenario, config.condition)
        for chunk in chunks:
            records.extend(play_game(setup, config, s) for s in chunk)
            done += len(chunk)
            if progress:
                progress(done, len(seeds))
    else:
        build_setup(config.scenario, config.condition)  # fail fast, in this process, on a bad slug
        context = multiprocessing.get_context(_start_method())
        with context.Pool(workers, initializer=_init_worker, initargs=(config,)) as pool:
            for chunk_records in pool.imap(_play_chunk, chunks):
                records.extend(chunk_records)
                done += len(chunk_records)
                if progress:
                    progress(done, len(seeds))
    records.sort(key=lambda r: r["seed"])
    return records


def _start_method() -> str:
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def seed_list(seeds: int | Sequence[int]) -> list[int]:
    if isinstance(seeds, int):
        if seeds < 1:
            raise SimulationError("seeds", "At least one seed.")
        return list(range(1, seeds + 1))
    return sorted(int(s) for s in seeds)


# --- public entry point -------------------------------------------------------------------------


def simulate(
    scenario: str,
    seeds: int | Sequence[int],
    turns: int,
    policy: str,
    nuclear_choice: NuclearChoice = "deny_all",
    workers: int = 2,
    *,
    condition: Condition = Condition(),
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    config = RunConfig(scenario, policy, turns, nuclear_choice, condition)
    records = run_games(config, seed_list(seeds), workers=workers, progress=progress)
    setup = build_setup(scenario, condition)
    return summarise(records, config, setup)


def summarise(records: Sequence[GameRecord], config: RunConfig, setup: Setup) -> dict[str, Any]:
    summary = summarise_records(records, thresholds=RUNG_THRESHOLDS)
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


def engine_hash() -> str:
    """SHA-256 over the engine's .py and data files in sorted path order (path and bytes)."""
    digest = hashlib.sha256()
    files = sorted(
        p
        for p in ENGINE_DIR.rglob("*")
        if p.is_file()
        and (p.suffix == ".py" or "data" in p.relative_to(ENGINE_DIR).parts)
        and "__pycache__" not in p.parts
    )
    for path in files:
        digest.update(path.relative_to(ENGINE_DIR).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _sha256_json(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


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
    from .checks import run_checks

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
