"""R12-R13: inter-Korean incidents and their containment (004 §I, §III; 000 §A)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wargame.engine.clock import chance, days_per_turn
from wargame.engine.proposal import OutcomeEvent

from .stability import request_strike

if TYPE_CHECKING:
    from .context import Ctx


def incident_p(ctx: Ctx) -> float:
    p = ctx.rule("R12")
    rung = max(ctx.rung.get(("ROK", "DPRK"), 0), ctx.rung.get(("DPRK", "ROK"), 0))
    provocations = sum(
        1
        for a in ctx.acts
        if a.effective and a.action in p["provocations"] and a.actor in ("ROK", "DPRK")
    )
    base = chance(p["per_year"], days_per_turn(ctx.m))
    prob = base * (1 + rung / p["rung_div"]) * p["provocation_factor"] ** provocations
    if ctx.in_force("c.incident_prev", "ROK", "DPRK"):
        prob *= p["incident_prev"]
    phases = sum(a.phase for a in ctx.live_agreements("c.dmz_zones", "ROK", "DPRK"))
    prob *= p["phase_factor"] ** phases
    return float(min(p["p_max"], prob))


def containment_p(ctx: Ctx, hotline: str, incident_prev: bool) -> float:
    """Containment: a working hotline and the CMA-style agreement help; instability hurts."""
    p = ctx.rule("R13")
    value = ctx.m["ci"]["hotline_value"][hotline]
    prob = p["p_base"] + p["hotline"] * value + p["p_ci"] * ctx.ci
    if incident_prev:
        prob += p["incident_prev"]
    return float(max(0.0, min(1.0, prob)))


def r12_r13(ctx: Ctx) -> None:
    if not {"ROK", "DPRK"} <= set(ctx.teams):
        return
    if not ctx.dice.roll("rule:R12", incident_p(ctx), "ROK|DPRK", "incident", ""):
        return
    ctx.fire("R12", "An inter-Korean incident at the MDL.")
    contained = True
    if ctx.enabled("R13"):
        prob = containment_p(
            ctx, ctx.hotline.get("ik", "down"), ctx.in_force("c.incident_prev", "ROK", "DPRK")
        )
        contained = ctx.dice.roll("rule:R13", prob, "ROK|DPRK", "containment", "")
    p = ctx.rule("R13")
    pairs = (("ROK", "DPRK"), ("DPRK", "ROK"))
    if contained:
        for pair in pairs:
            ctx.floor(pair, p["contained_rung"])
            ctx.threat_add[pair] += p["contained_threat"]
        ctx.fire("R13", "The incident is contained.")
    else:
        for pair in pairs:
            ctx.floor(pair, p["clash_rung"])
            ctx.threat_add[pair] += p["clash_threat"]
        ctx.fire("R13", "The incident is not contained: an armed clash.")
        for team in ctx.m["teams"]["killchain_owners"]:
            if ctx.killchain.get(team, 0) >= p["strike_killchain"]:
                request_strike(ctx, team, "R13", p["strike_p"], "clash", misperception=False)
    event = OutcomeEvent(
        id=ctx.next_id("e"),
        kind="incident",
        actor="ROK",
        target="DPRK",
        vis="pub",
        tags=("rule:R12", "contained" if contained else "clash"),
        data=(("contained", contained),),
    )
    ctx.events.append(event)
    for team in ctx.teams:
        ctx.perceived[f"team:{team}"].append(event)
    ctx.perceived["observers"].append(event)
