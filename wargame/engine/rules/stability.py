"""R01-R05: pre-emption doctrines, misread exercises and launches, the 2022 law, the swap."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wargame.engine.crisis import r01_applies
from wargame.engine.doctrine import add_strike

from .context import Candidate

if TYPE_CHECKING:
    from .context import Ctx


def _believed_posture(ctx: Ctx, team: str) -> str | None:
    key = (team, "dprk/posture")
    b = ctx.beliefs_new.get(key) or ctx.beliefs.get(key)
    return None if b is None else str(b.estimate)


def request_strike(
    ctx: Ctx, authoriser: str, rule_id: str, p: float, key: str, misperception: bool
) -> None:
    """A doctrinal Kill Chain strike (strike-on-detection delegated, 004 §III), drawn once. A ROK
    strike is held back by the combined command, or not, as Seoul's strike authority says (R20)."""
    if any(a.actor == authoriser for a in ctx.doctrinal):
        return
    if authoriser == "ROK" and ctx.enabled("R20"):
        p = min(1.0, p * ctx.rule("R20")["authority"][ctx.policy_of("ROK", "strike_authority")])
    if ctx.dice.roll(f"rule:{rule_id}", p, authoriser, key, "DPRK"):
        add_strike(ctx, authoriser, rule_id, misperception)


def r01(ctx: Ctx) -> None:
    """Use it or lose it: Kill Chain on alert + a believed dispersal (004 §III, 000 §A)."""
    p = ctx.rule("R01")
    if r01_applies(ctx.model, ctx.state):
        ctx.fire("R01", "Kill Chain on alert facing a dispersed DPRK force: instability rises.")
        for team in ("US", "ROK"):
            if team in ctx.teams:
                ctx.threat_add[("DPRK", team)] += p["threat"]
    for team in ctx.m["teams"]["killchain_owners"]:
        if ctx.killchain.get(team, 0) >= p["strike_killchain"] and (
            _believed_posture(ctx, team) == p["strike_posture"]
        ):
            ctx.fire("R01", f"{team} believes DPRK launchers are ready: strike-on-detection.")
            request_strike(
                ctx,
                team,
                "R01",
                p["p_base"] + p["p_ci"] * ctx.ci,
                "launch_ready",
                misperception=ctx.state.dprk.posture != p["strike_posture"],
            )


def r02(ctx: Ctx) -> None:
    """An exercise misread as attack preparation moves DPRK posture, or pre-emption (004 §III)."""
    p = ctx.rule("R02")
    for pc in ctx.perceptions:
        act = pc.act
        if act is None or pc.observer != "DPRK" or act.action != "s.exercise" or not pc.misread:
            continue
        prob = p["p_base"] + p["p_ci"] * ctx.ci
        # One draw decides both branches: §7 gives R02 a single p.
        if not ctx.dice.roll("rule:R02", prob, "DPRK", act.key, act.actor):
            continue
        posture = ctx.state.dprk.posture
        if posture == "launch_ready":
            ctx.fire("R02", f"DPRK reads the {act.actor} exercise as an attack while launch-ready.")
            ctx.candidates.append(
                Candidate(
                    "DPRK",
                    p["preemption_rung"],
                    ("R02",),
                    prob,
                    {f"rung/DPRK/{act.actor}": p["preemption_rung"]},
                )
            )
        elif posture == "stored":
            # Standing orders disperse the launchers; the alert relaxes once the exercise is over.
            ctx.fire("R02", f"DPRK reads the {act.actor} exercise as an attack: it disperses.")
            if not ctx.alert_raised:
                ctx.posture_steps += 1
                ctx.alert_raised = True
            ctx.misperception_tags.add("posture")
        else:
            # Launch readiness is the leadership's decision: the General Staff advises it.
            ctx.fire("R02", f"DPRK reads the {act.actor} exercise as an attack: readiness advised.")
            ctx.advise("DPRK", "R02")
            ctx.misperception_tags.add("posture")


def r03(ctx: Ctx) -> None:
    """A launch (or phantom) read as an attack: strike-on-detection or a step up (004 §III)."""
    p = ctx.rule("R03")
    labels = ctx.m["perception"]["launch_labels"]
    for pc in ctx.perceptions:
        o = pc.observer
        if not pc.misread or pc.label not in labels or o not in ctx.killchain:
            continue
        level = ctx.killchain[o]
        key = pc.act.key if pc.act is not None else "phantom"
        if level >= p["strike_killchain"]:
            ctx.fire("R03", f"{o} reads a launch as an attack: Kill Chain strike on detection.")
            request_strike(ctx, o, "R03", p["strike_p"], key, misperception=True)
        elif level >= p["alert_killchain"] and "DPRK" in ctx.teams:
            # Tracking corrects the reading within minutes: a brief alert, no step up.
            ctx.fire("R03", f"{o} reads a launch as an attack until the track corrects it.")
            ctx.threat_add[(o, "DPRK")] += p["threat"]


def r04(ctx: Ctx) -> None:
    """The 2022 law as advice: a threat to the leadership or NC3 (a decapitation drill, a strike,
    a cyber attack seen, or high threat facing Kill Chain on alert) makes the DPRK's General Staff
    recommend raising posture and pre-delegating launch authority (not while the swap holds). The
    DPRK team decides; nothing changes by itself (000 §A, 004 §III)."""
    p = ctx.rule("R04")
    if "DPRK" not in ctx.teams:
        return
    triggers: list[str] = []
    decap = ctx.m["perception"]["decapitation_labels"]
    for pc in ctx.perceptions:
        if pc.observer != "DPRK" or pc.act is None:
            continue
        if not pc.misread and pc.act.action in p["threat_actions"]:
            triggers.append(pc.act.action)
        elif pc.misread and pc.label in decap:
            triggers.append(pc.label)
    if ctx.state.memory.doctrinal_last:
        triggers.append("strike last turn")
    high = max((v for (o, _), v in ctx.threat.items() if o == "DPRK"), default=0.0)
    if high >= p["threat_min"] and max(ctx.killchain.values(), default=0) >= p["killchain_min"]:
        triggers.append("threat")
    if not triggers:
        return
    swap = ctx.enabled("R05") and ctx.in_force("c.swap")
    recommends = ("m.posture",) if swap else ("m.posture", "m.predelegate")
    ctx.advise("DPRK", "R04", recommends)
    what = "posture" if swap else "posture and pre-delegation"
    ctx.fire("R04", f"The 2022 law: the General Staff advises {what} ({triggers[0]}).")


def r05(ctx: Ctx) -> None:
    """The swap: no pre-delegation while US-ROK plans forgo decapitation (000 §A); the DPRK's
    pledge holds until it breaks it (m.predelegate, a violation that frees the US and the ROK)."""
    p = ctx.rule("R05")
    if ctx.in_force("c.swap") and not ctx.effective("m.predelegate"):
        ctx.predelegation_set = "none"
        ctx.fire("R05", "The swap holds: no pre-delegation.")
    for a in ctx.agreed_now:
        if a.measure == "c.swap":
            for x in a.parties:
                for y in a.parties:
                    if x != y and "DPRK" in (x, y):
                        ctx.trust_add[(x, y)] += p["trust"]
            ctx.fire("R05", "The swap is agreed: trust rises both ways.")
