"""Engine speed: one adjudicated turn of four teams, and the timed Monte Carlo configuration."""

from __future__ import annotations

import statistics
import time

from bench.results import Row
from wargame.engine.adjudicate import adjudicate, apply_decision_points
from wargame.engine.bots import bot_decide
from wargame.engine.catalogue import load_catalogue
from wargame.engine.model import load_model
from wargame.engine.simulate import simulate
from wargame.engine.state import CORE_TEAMS, initial_state
from wargame.engine.views import view_for

TURN_GOAL_MS = 5.0
SIMULATE_GOAL_S = 60.0


def turn_median_ms(games: int = 20, turns: int = 12) -> float:
    """Median wall time of adjudicate() over real hawkish turns (the busiest policy)."""
    model = load_model()
    catalogue = load_catalogue(model)
    timings: list[float] = []
    for seed in range(1, games + 1):
        state = initial_state(model)
        for _ in range(turns):
            decisions = {
                team: bot_decide(
                    "hawkish",
                    view_for(state, team),
                    team=team,
                    turn=state.turn,
                    seed=seed,
                    catalogue=catalogue,
                    model=model,
                )
                for team in CORE_TEAMS
            }
            started = time.perf_counter()
            proposal = adjudicate(state, decisions, seed=seed, model=model, catalogue=catalogue)
            timings.append(time.perf_counter() - started)
            state = apply_decision_points(proposal, choice="deny_all")
    return statistics.median(timings) * 1000


def simulate_seconds() -> float:
    started = time.perf_counter()
    simulate("default", 1000, 12, "hawkish", workers=2)
    return time.perf_counter() - started


def run() -> list[Row]:
    turn_ms = turn_median_ms()
    sim_s = simulate_seconds()
    return [
        Row(
            "engine: one 4-team turn (median)",
            turn_ms,
            "ms",
            f"< {TURN_GOAL_MS} ms",
            turn_ms < TURN_GOAL_MS,
        ),
        Row(
            "engine: simulate 1000 seeds x 12 turns, hawkish, 2 cores",
            sim_s,
            "s",
            f"< {SIMULATE_GOAL_S} s",
            sim_s < SIMULATE_GOAL_S,
        ),
    ]
