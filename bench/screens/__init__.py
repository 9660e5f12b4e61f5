"""The screens section of `make bench`: how long after an action every browser of a class shows
it, and what that costs the server, against the plain event frame of the same run.

For each topology (bench.screens.stack) and each class size N, two classes of N browsers in two
fresh exercises: plain socket clients first (the frame latency), then browsers that behave as the
page does (``BENCH_SCREEN_MODEL``, today ``pushed``: live.js; ``refetch`` is the page before
regions were pushed). Each class plays an inject to all,
a team message and a pause (each repeated; a pause is followed by an unmeasured resume) while
connected, then a published outcome per repetition, the turn being brought to review while the
browsers are away (so the refetches of the lock do not run into the measurement).

Knobs: ``BENCH_SCREEN_SIZES`` (default 40,200,1000), ``BENCH_SCREEN_TOPOLOGIES`` (embedded,
production), ``BENCH_SCREEN_MODEL`` (pushed), ``BENCH_SCREEN_DEADLINE`` (seconds an action may
take before its late browsers are counted not current; default 180), ``BENCH_CHROMIUM_PAGES``
(20; 0 skips the real-Chromium rows), ``BENCH_SCREEN_ACTIONS`` (a subset of the four, by name).
Server logs are kept in var/bench/.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bench.screens import game as lesson
from bench.screens.browsers import MODELS
from bench.screens.measure import Sample, measure_action, quiet_action
from bench.screens.rows import rows_of
from bench.screens.stack import TOPOLOGIES, Topology

if TYPE_CHECKING:
    from bench.results import Row

ACTIONS = {
    "inject to all": lesson.inject_to_all,
    "team message": lesson.team_message,
    "pause": lesson.pause,
}
PUBLISH = "published outcome"


def actions() -> list[str]:
    chosen = os.environ.get("BENCH_SCREEN_ACTIONS", ",".join([*ACTIONS, PUBLISH]))
    return [name.strip() for name in chosen.split(",") if name.strip()]


def sizes() -> list[int]:
    chosen = os.environ.get("BENCH_SCREEN_SIZES", "40,200,1000")
    return [int(n) for n in chosen.split(",") if n.strip()]


def topologies() -> list[str]:
    chosen = os.environ.get("BENCH_SCREEN_TOPOLOGIES", "embedded,production")
    return [name.strip() for name in chosen.split(",") if name.strip()]


def page_model() -> str:
    return os.environ.get("BENCH_SCREEN_MODEL", "pushed")


def deadline_s() -> float:
    return float(os.environ.get("BENCH_SCREEN_DEADLINE", "180"))


def repeats(n: int, model: str) -> int:
    """Runs of each action: enough samples at small N, a bounded time at large N. Plain clients
    cost the server little, and their p99 is every goal's yardstick: they get more runs."""
    if model == "plain":
        return 5
    return 3 if n <= 50 else 2 if n <= 300 else 1


@dataclass
class Results:
    samples: dict[tuple[str, int, str, str], list[Sample]] = field(default_factory=dict)

    def add(self, key: tuple[str, int, str, str], sample: Sample) -> None:
        self.samples.setdefault(key, []).append(sample)


def progress(message: str) -> None:
    print(f"screens: {message}", file=sys.stderr, flush=True)


async def play(
    topology: Topology,
    people: list[tuple[str, str, str]],
    model: str,
    results: Results,
) -> None:
    """One class of browsers of one model, in an exercise of its own, through every action."""
    n = len(people)
    started = time.monotonic()
    game = await asyncio.to_thread(lesson.seat_class, topology, people, f"Screens {model} {n}")
    progress(f"{topology.name} N={n} {model}: seated in {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    browsers = await lesson.connect(game, MODELS[model])
    progress(f"{topology.name} N={n} {model}: connected in {time.monotonic() - started:.1f} s")
    runs = repeats(n, model)
    try:
        for action_name, action in ACTIONS.items():
            if action_name not in actions():
                continue
            for run in range(runs):
                mark = f"{model}-{n}-{run}"
                sample = await measure_action(game, browsers, action, mark, deadline_s())
                results.add((topology.name, n, model, action_name), sample)
                progress(f"{topology.name} N={n} {model}: {action_name}: {sample.brief()}")
                if action is lesson.pause:
                    await quiet_action(game, browsers, lesson.resume, deadline_s())
    finally:
        await lesson.disconnect(browsers)
    # A publish needs a turn brought to review with the browsers away: fewer runs.
    for run in range(min(runs, 3) if PUBLISH in actions() else 0):
        await asyncio.to_thread(game.advance_to, "adjudication")
        browsers = await lesson.connect(game, MODELS[model])
        try:
            sample = await measure_action(
                game, browsers, lesson.publish, f"{model}-{n}-{run}", deadline_s()
            )
            results.add((topology.name, n, model, PUBLISH), sample)
            progress(f"{topology.name} N={n} {model}: {PUBLISH}: {sample.brief()}")
        finally:
            await lesson.disconnect(browsers)


async def measure(topology: Topology, results: Results) -> None:
    for n in sizes():
        for model in ("plain", page_model()):
            await play(topology, lesson.population(n), model, results)


def run() -> list[Row]:
    results = Results()
    for name in topologies():
        with TOPOLOGIES[name]() as topology:
            asyncio.run(measure(topology, results))
    rows = rows_of(results.samples, page_model(), deadline_s())
    pages = int(os.environ.get("BENCH_CHROMIUM_PAGES", "20"))
    if pages > 0:
        from bench.screens import chromium

        rows += chromium.run(pages)
    return rows
