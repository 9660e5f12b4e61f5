"""R12-R13: inter-Korean incidents, exchanges of fire and whether they stay local (004 §I, §III;
000 §A; docs/model.md §7).

An incident (a crossing, shots, a mine) holds the dyad at rung 4. It becomes an exchange of fire (an
armed incident: rung 5 itself) with a chance that each side's rules for returning fire scale; an
exchange stays local or spirals into strikes across the line (rung 6). Hotlines, the UNC armistice
line and an incident-prevention agreement keep it local; instability, answering at once and no
restraint from Washington make it spiral.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wargame.engine.clock import chance, days_per_turn
from wargame.engine.effects import hazard_factor
from wargame.engine.proposal import OutcomeEvent

from .stability import request_strike

if TYPE_CHECKING:
    from .context import Ctx

PAIRS = (("ROK", "DPRK"), ("DPRK", "ROK"))


def incident_p(ctx: Ctx) -> float:
    """The chance of an incident this turn: a yearly base, more above the pivot rung, a chance
    per MDL provocation, less under the CMA-style agreement and demilitarised zones; Seoul's
    restraint invites more."""
    p = ctx.rule("R12")
    rung = max(ctx.rung.get(("ROK", "DPRK"), 0), ctx.rung.get(("DPRK", "ROK"), 0))
    rate = p["per_year"] * (1 + max(0, rung - p["rung_pivot"]) / p["rung_div"])
    if ctx.in_force("c.incident_prev", "ROK", "DPRK"):
        rate *= p["incident_prev"]
    phases = sum(a.phase for a in ctx.live_agreements("c.dmz_zones", "ROK", "DPRK"))
    rate *= p["phase_factor"] ** phases
    if ctx.policy_of("ROK", "retaliation") == "restraint":
        rate *= p["restraint_factor"]
    rate *= hazard_factor(ctx.state.effects, ctx.turn, "incident")
    quiet = 1.0 - chance(rate, days_per_turn(ctx.m))
    provocations = sum(
        1
        for a in ctx.acts
        if a.effective and a.action in p["provocations"] and a.actor in ("ROK", "DPRK")
    )
    quiet *= (1.0 - p["provocation_p"]) ** provocations
    return float(min(p["p_max"], 1.0 - quiet))


def restrained(ctx: Ctx) -> bool:
    """A US request that Seoul hold its fire, this turn or last."""
    if any(a.target == "ROK" for a in ctx.effective("d.restrain")):
        return True
    return any(
        (actor, action, target) == ("US", "d.restrain", "ROK")
        for actor, action, target in ctx.state.memory.last_acts
    )


def fire_p(ctx: Ctx) -> float:
    """The chance an incident becomes an exchange of fire: both sides' rules for returning fire."""
    p = ctx.rule("R13")
    prob = float(p["fire_p"])
    for team in ("ROK", "DPRK"):
        prob *= p["fire_factor"][team][ctx.policy_of(team, "retaliation")]
    if restrained(ctx):
        prob *= p["restrain_factor"]
    return min(1.0, prob)


def containment_p(ctx: Ctx, hotline: str, incident_prev: bool, unc: str = "down") -> float:
    """The chance an exchange of fire stays local: high by the record, raised by the lines and the
    agreement, lowered by instability above its baseline and by answering at once."""
    p = ctx.rule("R13")
    values = ctx.m["ci"]["hotline_value"]
    prob = (
        p["local_base"]
        + p["hotline"] * values[hotline]
        + p["unc"] * values[unc]
        - p["ci_slope"] * (ctx.ci - p["ci_pivot"])
    )
    if incident_prev:
        prob += p["incident_prev"]
    for team in ("ROK", "DPRK"):
        if ctx.policy_of(team, "retaliation") == "respond_first":
            prob -= p["respond_first"][team]
    if restrained(ctx):
        prob += p["restrain"]
    return float(max(p["local_min"], min(p["local_max"], prob)))


def r12_r13(ctx: Ctx) -> None:
    if not {"ROK", "DPRK"} <= set(ctx.teams):
        return
    if not ctx.dice.roll("rule:R12", incident_p(ctx), "ROK|DPRK", "incident", ""):
        return
    ctx.fire("R12", "An inter-Korean incident at the MDL.")
    p = ctx.rule("R13")
    fire = local = False
    if ctx.enabled("R13"):
        fire = ctx.dice.roll("rule:R13", fire_p(ctx), "ROK|DPRK", "fire", "")
    if fire:
        prob = containment_p(
            ctx,
            ctx.hotline.get("ik", "down"),
            ctx.in_force("c.incident_prev", "ROK", "DPRK"),
            ctx.hotline.get("unc", "down"),
        )
        local = ctx.dice.roll("rule:R13", prob, "ROK|DPRK", "containment", "")
    if not fire:
        for pair in PAIRS:
            ctx.floor(pair, p["incident_rung"])
            ctx.threat_add[pair] += p["incident_threat"]
        ctx.fire("R13", "The incident ends without an exchange of fire.")
    elif local:
        for pair in PAIRS:
            ctx.floor(pair, p["fire_rung"])
            ctx.threat_add[pair] += p["fire_threat"]
        ctx.fire("R13", "An exchange of fire that stays local.")
    else:
        for pair in PAIRS:
            ctx.floor(pair, p["spiral_rung"])
            ctx.threat_add[pair] += p["spiral_threat"]
        ctx.fire("R13", "The exchange of fire spirals into strikes across the line.")
        for team in ctx.m["teams"]["killchain_owners"]:
            if ctx.killchain.get(team, 0) >= p["strike_killchain"]:
                request_strike(ctx, team, "R13", p["strike_p"], "clash", misperception=False)
    contained = not fire or local
    tags = ("rule:R12", "contained" if contained else "clash") + (("fire",) if fire else ())
    event = OutcomeEvent(
        id=ctx.next_id("e"),
        kind="incident",
        actor="ROK",
        target="DPRK",
        vis="pub",
        tags=tags,
        data=(("contained", contained), ("fire", fire)),
    )
    ctx.events.append(event)
    for team in ctx.teams:
        ctx.perceived[f"team:{team}"].append(event)
    ctx.perceived["observers"].append(event)
