"""Monte Carlo games: bots play the game over many seeds (docs/model.md §11).

Per seed and turn: each team's bot decides from its own view -> adjudicate (turn seed derived
from the run seed with SHA-256) -> apply_decision_points (deny_all by default: the facilitator
holds every nuclear decision at the threshold) -> next turn. Games run in worker processes; results
are put back in seed order before anything is summed, so the output is byte-identical however the
work was scheduled.
"""

from __future__ import annotations

import copy
import hashlib
import json
import multiprocessing
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .adjudicate import adjudicate, apply_decision_points
from .alliance import assurance_after
from .bots import POLICIES, bot_decide
from .catalogue import Catalogue, load_catalogue
from .errors import EngineError
from .model import Model, load_model
from .periods import is_period, load_period
from .scenario import load_builtin
from .scenario.clock import clocked_overrides
from .state import State, initial_state, state_with
from .tally import GameRecord, GameTally
from .views import agreements_for, view_for

ENGINE_DIR = Path(__file__).resolve().parent
NuclearChoice = Literal["deny_all", "approve_all"]
CHUNK = 25


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


BASE = Condition()


@dataclass(frozen=True, slots=True)
class RunConfig:
    scenario: str
    policy: str
    turns: int
    nuclear_choice: NuclearChoice = "deny_all"
    condition: Condition = BASE


@dataclass(frozen=True, slots=True)
class Setup:
    model: Model
    catalogue: Catalogue
    state: State
    teams: tuple[str, ...]
    script: Mapping[str, Any] | None
    scenario_hash: str


# --- setup --------------------------------------------------------------------------------------


def merge_overrides(*parts: Mapping[str, Any]) -> dict[str, Any]:
    """Model overrides layered left to right; disabled rules add up rather than replace."""
    out: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
                out[key] = merge_overrides(out[key], value)
            elif key == "disabled" and isinstance(out.get(key), list | tuple):
                out[key] = sorted(set(out[key]) | set(value))
            else:
                out[key] = copy.deepcopy(value)
    return out


def build_setup(scenario: str, condition: Condition = BASE) -> Setup:
    """Model, catalogue, start state and script of a scenario slug: "default" (the model's own
    2026 baseline), "period-<year>" (a baseline of the public record, replayed by its script) or a
    built-in scenario file; the condition's overrides come on top."""
    if scenario == "default" or is_period(scenario):
        period = load_period(scenario) if is_period(scenario) else None
        base_model = period.model_overrides if period else {}
        model = load_model(merge_overrides(base_model, condition.model_overrides) or None)
        state = initial_state(model, overrides=dict(period.state_overrides) if period else None)
        catalogue = load_catalogue(model)
        script = period.script if period else None
        scenario_hash = _sha256_json({"scenario": scenario})
    else:
        loaded = load_builtin(scenario)
        model = loaded.model()
        if condition.model_overrides:
            merged = merge_overrides(
                clocked_overrides(loaded.model_overrides(), loaded.hours_per_turn),
                condition.model_overrides,
            )
            model = load_model(merged)
        state = loaded.initial_state()
        catalogue = loaded.catalogue()
        script = None
        scenario_hash = _sha256_json(state.to_dict())
    state = _with_condition(model, state, condition)
    return Setup(model, catalogue, state, state.teams, condition.script or script, scenario_hash)


def _with_condition(model: Model, state: State, condition: Condition) -> State:
    """The condition's set-up on top of the scenario's. Agreements it puts in force count with the
    allies from the start: their assurance moves by what the measures are worth to them, as it
    would have had they entered force in play (docs/model.md §13)."""
    if not condition.state_overrides:
        return state
    plain = state
    state = state_with(model, state, dict(condition.state_overrides), baseline=True)
    if condition.state_overrides.get("agreements") and not any(
        k.startswith("assurance") for k in condition.state_overrides
    ):
        moved = assurance_after(model, plain, state, dict(state.assurance))
        state = state_with(
            model, state, {f"assurance/{a}": v for a, v in moved.items()}, baseline=True
        )
    return state


def turn_seed(run_seed: int, turn: int) -> int:
    """Adjudication seed for one turn: the §10 SHA-256 layout with purpose "sim:turn", 64 bits."""
    text = f"v1|{run_seed}|{turn}|sim:turn|||"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


# --- one game -----------------------------------------------------------------------------------


def bot_view(state: State, team: str, model: Model) -> dict[str, Any]:
    """What a team's bot reads: its state view plus the agreements as that team knows them, the two
    things a human team sees (its state and its agreements); both built in views.py."""
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
                teams=setup.teams,
            )
            for team in setup.teams
        }
        proposal = adjudicate(
            state,
            decisions,
            seed=turn_seed(seed, turn),
            model=setup.model,
            catalogue=setup.catalogue,
            narrate=False,
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
    policies = {config.policy, *config.condition.team_policies.values()}
    for policy in sorted(policies):
        if policy not in POLICIES:
            raise SimulationError("policy", f"Unknown policy {policy!r}.")
    if config.turns < 1:
        raise SimulationError("turns", "At least one turn.")
    setup = build_setup(config.scenario, config.condition)  # fail fast, here, on a bad request
    if "scripted" in policies and setup.script is None:
        raise SimulationError(
            "policy",
            f"{config.scenario} has no script of its own: replay a period of the record instead "
            "(--scenario period-2017 --policy scripted).",
        )
    records: list[GameRecord] = []
    done = 0
    chunks = list(_chunks(seeds, CHUNK))
    if workers <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            records.extend(play_game(setup, config, s) for s in chunk)
            done += len(chunk)
            if progress:
                progress(done, len(seeds))
    else:
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
