"""R17, R19: relief bargains and coercive diplomacy (004 §II: Hanoi 2019)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .context import Ctx


def r17_active(ctx: Ctx) -> bool:
    p = ctx.rule("R17")
    mem = ctx.state.memory
    return bool(
        mem.dprk_verified_steps >= p["min_verified"]
        and mem.relief_steps < p["relief_per_verified"] * mem.dprk_verified_steps
    )


def r17(ctx: Ctx) -> None:
    if r17_active(ctx):
        ctx.fire("R17", "Too little relief for verified DPRK steps: its threat does not fall.")


def r19(ctx: Ctx) -> None:
    p = ctx.rule("R19")
    if "DPRK" not in ctx.teams:
        return
    for act in ctx.effective("d.demand_cvid"):
        ctx.threat_add[("DPRK", act.actor)] += p["cvid_threat"]
        ctx.trust_add[("DPRK", act.actor)] += p["cvid_trust"]
        ctx.fire("R19", f"{act.actor} demands CVID first: Pyongyang hardens.")
    for act in ctx.effective("d.hostile_policy"):
        ctx.threat_add[("DPRK", act.actor)] += p["hostile_threat"]
        ctx.fire("R19", f"{act.actor} declares a hostile policy.")
