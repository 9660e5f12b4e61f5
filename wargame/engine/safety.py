"""The safety gate (docs/model.md §9): the facilitator decides nuclear outcomes. The engine
never applies or narrates nuclear use; it holds at the threshold and asks control."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .proposal import DecisionPoint

if TYPE_CHECKING:
    from .rules.context import Ctx

Pair = tuple[str, str]


def gate(
    ctx: Ctx, old: dict[Pair, int], new: dict[Pair, int], posture: str, predelegation: str
) -> tuple[dict[Pair, int], tuple[DecisionPoint, ...], bool]:
    """Hold rungs above the threshold, turn candidates into decision points, and say whether
    the proposal needs approval (it cannot be disabled by a scenario)."""
    s = ctx.m["safety"]
    hold = int(s["hold_rung"])
    approval = int(s["approval_rung"])
    held = dict(new)
    points: list[tuple[str, int, tuple[str, ...], float, dict[str, Any]]] = []
    for pair in sorted(held):
        value = held[pair]
        if value > hold and value > old.get(pair, 0):
            rules = tuple(sorted(ctx.rung_tags.get(pair, ()))) or ("ladder",)
            points.append((pair[0], value, rules, 1.0, {f"rung/{pair[0]}/{pair[1]}": value}))
            held[pair] = max(old.get(pair, 0), hold)
    for c in ctx.candidates:
        points.append((c.actor, c.rung, c.rules, c.p, dict(c.deltas)))
        for pointer in c.deltas:
            parts = pointer.split("/")
            if parts[0] == "rung" and (parts[1], parts[2]) in held:
                pair = (parts[1], parts[2])
                held[pair] = max(held[pair], min(hold, c.rung))
    decision_points = tuple(
        DecisionPoint(
            id=f"t{ctx.turn}.dp{n + 1}",
            actor=actor,
            rung=rung,
            rules=rules,
            p=round(p, 6),
            deltas=tuple(sorted(deltas.items())),
        )
        for n, (actor, rung, rules, p, deltas) in enumerate(points)
    )
    requires = bool(decision_points) or ctx.nuclear_alert
    requires = requires or any(v >= approval and v > old.get(k, 0) for k, v in held.items())
    requires = requires or (posture == "launch_ready" and ctx.state.dprk.posture != posture)
    requires = requires or (
        predelegation == "delegated" and ctx.state.dprk.predelegation != predelegation
    )
    return held, decision_points, requires
