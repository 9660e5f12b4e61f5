"""R20-R22: the teams' standing decisions (docs/model.md §13).

R20, force: the ROK's rules for returning fire and who orders a Kill Chain strike; a US request
that Seoul hold its fire. R21, Japan: base use under prior consultation (refusal is the Japan
decoupling of 000 §B), the legal situations of the 2015 legislation, missile defence and J-Alert,
evacuation of nationals from the ROK (also the US). R22: the ROK's nuclear-option request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .context import Ctx

SETS = {
    "m.retaliation_policy": ("retaliation", "policy"),
    "m.strike_authority": ("strike_authority", "authority"),
    "d.base_use": ("base_use", "decision"),
    "d.designate": ("situation", "situation"),
    "m.missile_defence": ("missile_defence", "level"),
    "d.nuclear_request": ("nuclear_request", "ask"),
}


def set_policies(ctx: Ctx) -> None:
    """Standing decisions taken this turn; they hold from the next turn (step 6)."""
    for act in ctx.effective():
        found = SETS.get(act.action)
        if found is not None:
            name, param = found
            ctx.policy_set[(act.actor, name)] = str(act.param(param))
        elif act.action == "d.evacuate":
            ctx.policy_set[(act.actor, "evacuation")] = "under_way"


def r20(ctx: Ctx) -> None:
    """Seoul alone ordering strikes costs Washington's trust; a US request to hold fire weighs on a
    Seoul that wants to answer (its weight depends on the government's orientation)."""
    p = ctx.rule("R20")
    a = ctx.m["alliance"]
    for act in ctx.effective("m.strike_authority"):
        if act.param("authority") == "national" and "US" in ctx.teams:
            ctx.trust_add[("US", "ROK")] += p["national_trust"]
            ctx.fire("R20", "Seoul takes Kill Chain strike authority into its own hands.")
    for act in ctx.effective("d.restrain"):
        if act.target == "ROK":
            ctx.push("ROK", "restrained", a["restrained"])
            ctx.fire("R20", "Washington asks Seoul to hold its fire.")


def r21(ctx: Ctx) -> None:
    """Japan's decisions: consent makes Japan a party (entrapment), refusal splits the alliance
    (abandonment for Tokyo and for Seoul, whose rear area the bases are); a legal situation shows
    commitment and draws Japan in; evacuation alarms Seoul."""
    p = ctx.rule("R21")
    a = ctx.m["alliance"]
    for act in ctx.effective("d.base_use"):
        if act.param("decision") == "consent":
            ctx.push("JPN", "escalation", a["base_use_consent"])
            ctx.trust_add[("US", "JPN")] += p["consent_trust"]
            ctx.fire("R21", "Tokyo consents to combat operations from bases in Japan.")
        else:
            for ally, impulse in a["base_use_refuse"].items():
                ctx.push(ally, "split", impulse)
            ctx.trust_add[("US", "JPN")] += p["refuse_trust"]
            ctx.threat_add[("DPRK", "JPN")] += p["refuse_threat"]
            ctx.fire("R21", "Tokyo refuses base use: the alliance splits, as Pyongyang intended.")
    for act in ctx.effective("d.designate"):
        situation = str(act.param("situation"))
        ctx.push("JPN", "escalation", a["designation"][situation])
        ctx.push("JPN", "commitment", a["designation_reassures"])
        ctx.fire("R21", f"Tokyo designates a {situation.replace('_', '-')} situation.")
    for act in ctx.effective("d.evacuate"):
        ctx.push("ROK", "threatened", a["evacuation_rok"])
        if act.actor == "JPN" and "ROK" in ctx.teams:
            ctx.trust_add[("ROK", "JPN")] += p["evacuation_trust"]
        ctx.fire("R21", f"{act.actor} begins evacuating its nationals from the ROK.")


def r22(ctx: Ctx) -> None:
    """The ROK's nuclear-option request strains the alliance and worries Tokyo (000 §B)."""
    p = ctx.rule("R22")
    a = ctx.m["alliance"]
    for act in ctx.effective("d.nuclear_request"):
        ask = str(act.param("ask"))
        if "US" in ctx.teams:
            ctx.trust_add[("US", "ROK")] += p[f"{ask}_trust"]
        ctx.push("JPN", "threatened", a["rok_nuclear_option_jpn"])
        ctx.fire("R22", f"Seoul raises the nuclear option ({ask.replace('_', ' ')}).")
