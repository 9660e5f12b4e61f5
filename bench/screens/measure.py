"""One action, measured over every browser of a class.

A browser is *affected* when its view's stream grew. It is *current* once it has applied every
change the action causes (``SimBrowser.current_at``). Times run from the insert time (``at``) of
the action's first event in the browser's view, the same origin as the frame latency of the
fan-out rows. Renders are the server's region renders between the action and the moment every
browser is quiet again, over all server processes.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bench.screens.game import settle

if TYPE_CHECKING:
    from collections.abc import Callable

    from bench.screens.browsers import SimBrowser
    from bench.screens.game import Classroom

POLL_S = 0.02
SETTLE_S = 0.5  # after the last browser is current: renders a late path would still make


@dataclass
class Sample:
    """One run of one action."""

    affected: int = 0
    current_ms: list[float] = field(default_factory=list)
    not_current: int = 0
    frame_ms: list[float] = field(default_factory=list)
    renders: int = 0
    passes: int = 0  # each renders the changed regions of one (page, view, language) at once
    render_bound: int = 0  # once per (view, language, region) the action changes
    pairs: int = 0  # (view, language) pairs among the affected browsers
    bytes_per_browser: float = 0.0
    non_2xx: int = 0
    failures: Counter[int] = field(default_factory=Counter)  # status (0: no answer) -> count
    errors: Counter[str] = field(default_factory=Counter)  # why there was no answer
    lost: int = 0
    gaps: int = 0

    def brief(self) -> str:
        worst = max(self.current_ms, default=float("nan"))
        late = f", {self.not_current} not current" if self.not_current else ""
        return (
            f"{self.affected} affected, current max {worst:.0f} ms{late},"
            f" {self.renders} renders in {self.passes} passes,"
            f" {self.non_2xx} non-2xx {dict(self.failures)},"
            f" {self.lost} lost" + (f" {dict(self.errors)}" if self.errors else "")
        )


async def measure_action(
    game: Classroom,
    browsers: list[SimBrowser],
    action: Callable[[Classroom, str], None],
    mark: str,
    deadline_s: float,
) -> Sample:
    before = {id(b): b.seq for b in browsers}
    bytes_before = {id(b): b.bytes_in for b in browsers}
    failed_before = {id(b): Counter(b.statuses) for b in browsers}
    errors_before = {id(b): Counter(b.errors) for b in browsers}
    gaps_before = sum(b.gaps for b in browsers)
    renders_before, passes_before = await game.topology.region_renders()

    await asyncio.to_thread(action, game, mark)
    positions = (await asyncio.to_thread(game.state))["positions"]
    targets = {id(b): int(positions.get(b.seat.view, 0)) for b in browsers}
    affected = [b for b in browsers if targets[id(b)] > before[id(b)]]

    loop = asyncio.get_running_loop()
    ends = loop.time() + deadline_s
    while loop.time() < ends:
        if all(b.current_at(targets[id(b)]) is not None for b in affected) and all(
            b.busy == 0 for b in browsers
        ):
            break
        await asyncio.sleep(POLL_S)
    # Past the deadline, what is late is recorded now; its fetches still end before the next
    # action, so one slow action does not run into the next one's figures.
    late = {id(b): b.current_at(targets[id(b)]) for b in affected}
    await settle(browsers)
    await asyncio.sleep(SETTLE_S)

    sample = Sample(affected=len(affected))
    renders_after, passes_after = await game.topology.region_renders()
    sample.renders = renders_after - renders_before
    sample.passes = passes_after - passes_before
    bound: dict[tuple[str, str], int] = {}
    received = 0
    for b in affected:
        frames = b.frames_between(before[id(b)], targets[id(b)])
        sample.lost += targets[id(b)] - before[id(b)] - len(frames)
        sample.frame_ms += [(f.arrival - f.at) * 1000 for f in frames]
        received += b.bytes_in - bytes_before[id(b)]
        answered = b.statuses - failed_before[id(b)]
        failed = Counter({s: n for s, n in answered.items() if not 200 <= s < 300})
        sample.failures += failed
        sample.errors += b.errors - errors_before[id(b)]
        done = late[id(b)]
        # A failed fetch leaves its region stale (live.js keeps the old HTML): never current.
        if done is None or not frames or failed:
            sample.not_current += 1
        else:
            sample.current_ms.append((done - min(f.at for f in frames)) * 1000)
        types = {f.type for f in frames}
        changed = [r for r in b.page.regions if any(r.changes_on(t) for t in types)]
        bound[(b.seat.view, b.seat.lang)] = max(
            bound.get((b.seat.view, b.seat.lang), 0), len(changed)
        )
    sample.non_2xx = sum(sample.failures.values())
    sample.gaps = sum(b.gaps for b in browsers) - gaps_before
    sample.render_bound = sum(bound.values())
    sample.pairs = len(bound)
    sample.bytes_per_browser = received / max(1, len(affected))
    return sample


async def quiet_action(
    game: Classroom,
    browsers: list[SimBrowser],
    action: Callable[[Classroom, str], None],
    deadline_s: float,
) -> None:
    """An action that is not measured (a resume after a pause): wait until all is quiet again."""
    await measure_action(game, browsers, action, "", deadline_s)
