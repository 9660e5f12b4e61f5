"""Step 6, capabilities: what actions change in forces and programmes, and R16 (ICBM progress)."""

from __future__ import annotations

from typing import Any

from wargame.engine.clock import DAYS_PER_YEAR, days_per_turn, poisson_count

from .context import Act, Candidate, Ctx
from .decisions import set_policies


def _icbm_progress(ctx: Ctx, act: Act, factor: float) -> None:
    """R16: each test may advance the ICBM; Russian help speeds it (004 §II)."""
    if not ctx.enabled("R16") or ctx.in_force("c.icbm_cap", "DPRK"):
        return
    p = ctx.rule("R16")
    prob = (p["p_base"] + p["p_russia"] * ctx.state.dprk.russia) * factor
    if ctx.dice.roll("rule:R16", prob, act.actor, act.key, ""):
        ctx.icbm_add += 1
        ctx.fire("R16", "A test advances the DPRK ICBM.")


def apply_capabilities(ctx: Ctx) -> None:
    cap = ctx.m["capabilities"]
    safety = ctx.m["safety"]
    for act in ctx.acts:
        if not act.effective or act.doctrinal:
            continue
        name = act.action
        if name == "d.line":
            line = str(act.param("line"))
            if act.actor in ctx.m["hotline"]["links"].get(line, ()):
                ctx.hotline_set[line] = str(act.param("state"))
        elif name == "d.russia_deepen":
            ctx.russia_add += 1
        elif name == "s.nuclear_test":
            ctx.warheads_add += cap["nuclear_test_warheads"]
        elif name == "s.missile_test" and act.param("class") == "ICBM":
            _icbm_progress(ctx, act, 1.0)
        elif name == "s.satellite":
            _icbm_progress(ctx, act, ctx.rule("R16")["satellite_factor"])
        elif name == "m.posture":
            ctx.posture_set = act.param("level")
        elif name == "m.stand_down":
            if act.actor == "DPRK":
                ctx.posture_steps -= 1
            elif act.actor in ctx.killchain:
                ctx.killchain_steps[act.actor] -= 1
        elif name == "m.killchain" and act.actor in ctx.killchain:
            ctx.killchain_set[act.actor] = int(act.param("level"))
        elif name == "m.predelegate":
            ctx.predelegation_set = "delegated"
        elif name == "m.nuclear_alert":
            ctx.nuclear_alert = True
        elif name == "m.nuclear_use" and act.target is not None:
            rung = int(safety["nuclear_use_rung"][act.param("scale", "limited")])
            ctx.candidates.append(
                Candidate(
                    act.actor,
                    rung,
                    ("m.nuclear_use",),
                    1.0,
                    {f"rung/{act.actor}/{act.target}": rung},
                )
            )
        elif name == "e.sanctions_up":
            s = ctx.m["sanctions"]
            veto = min(s["veto_p_max"], s["veto_p_per_russia"] * ctx.state.dprk.russia)
            if not ctx.dice.roll("capability:veto", veto, act.actor, act.key, "UNSC"):
                ctx.sanctions_add += 1
        elif name == "e.relief_step":
            ctx.sanctions_add -= 1
            ctx.relief_steps_add += 1
        elif name == "m.covert_program":
            if act.param("site") == "yongbyon":
                ctx.yongbyon_set = "operating"
            else:
                ctx.warheads_add += 1
    set_policies(ctx)
    _production(ctx)


def effective_sanctions(m: Any, sanctions: int, russia: int) -> float:
    """Sanctions as they bite: eroded by Russian cooperation (004 §II)."""
    return max(0.0, float(sanctions) - float(m["sanctions"]["russia_erosion"]) * russia)


def production_per_year(ctx: Ctx) -> float:
    """Warheads a year: Yongbyon's plutonium while it operates, enrichment elsewhere, slowed a
    little by effective sanctions; nothing under a fissile-material cap."""
    if "DPRK" not in ctx.teams or ctx.in_force("c.fissile_cap", "DPRK"):
        return 0.0
    cap = ctx.m["capabilities"]
    rates = cap["warheads_per_year"]
    rate = float(rates["enrichment"])
    if ctx.state.dprk.yongbyon == "operating":
        rate += float(rates["yongbyon"])
    bite = effective_sanctions(ctx.m, ctx.state.sanctions, ctx.state.dprk.russia)
    return rate * (1.0 - float(cap["sanction_drag"]) * bite / 10.0)


def _production(ctx: Ctx) -> None:
    mean = production_per_year(ctx) * days_per_turn(ctx.m) / DAYS_PER_YEAR
    if mean > 0.0:
        u = ctx.dice.uniform("capability:warheads", mean, "DPRK", "growth", "")
        ctx.warheads_add += poisson_count(u, mean)
