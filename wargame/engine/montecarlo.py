"""Monte Carlo games: bots play the game over many seeds (docs/model.md §11).

Per seed and turn: each team's bot decides from its own view -> adjudicate (turn seed derived
from the run seed with SHA-256) -> apply_decision_points (deny_all by default: the facilitator
holds every nuclear decision at the threshold) -> next turn. Games run in worker processes; results
are put back in seed order before anything is summed, so the output is byte-identical however the
work was scheduled.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .adjudicate import adjudicate, apply_decision_points
from .bots import POLICIES, bot_decide
from .catalogue import Catalogue, load_catalogue
from .errors import EngineError
from .model import Model, load_model
from .state import State, initial_state
from .stats import GameRecord, GameTally
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


def build_setup(scenario: str, condition: Condition = BASE) -> Setup:
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
