"""R06-R11, R18: alliance assurance, decoupling and consultation (000 §B-C)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wargame.engine.clock import DAYS_PER_YEAR, days_per_turn
from wargame.engine.proposal import OutcomeEvent

if TYPE_CHECKING:
    from .context import Ctx


def _loss(ctx: Ctx, ally: str, amount: float, halvable: bool = True) -> None:
    if ally not in ctx.teams:
        return
    if halvable and ctx.in_force("c.tri_deterrence"):
        amount *= ctx.m["rules"]["tri_deterrence_loss_factor"]
    ctx.assurance_loss[ally] += amount


def _gain(ctx: Ctx, ally: str, amount: float) -> None:
    if ally in ctx.teams:
        ctx.assurance_gain[ally] += amount


def consulted(ctx: Ctx, ally: str) -> bool:
    """d.consult with the US this or last turn, or extended deterrence on the agenda."""
    if ("US", ally) in ctx.consulted_now:
        return True
    for actor, action, target in ctx.state.memory.last_acts:
        if action == "d.consult" and {actor, target} == {"US", ally}:
            return True
    return ctx.in_force("c.ed_agenda", "US", ally)


def _us_steps_with_dprk(ctx: Ctx) -> list[str]:
    out = []
    steps = ctx.rule("R06")["steps"]
    for act in ctx.acts:
        if not act.effective or act.actor != "US":
            continue
        if (act.action in steps and act.target in (None, "DPRK")) or (
            act.action == "c.propose" and "DPRK" in act.params["parties"]
        ):
            out.append(act.action)
        elif act.action in ("c.accept", "c.implement"):
            ref = act.params.get("proposal", act.params.get("agreement"))
            found = ctx.agreements.get(int(ref)) if ref is not None else None
            if found is not None and "DPRK" in found.parties:
                out.append(act.action)
    return out


def r06(ctx: Ctx) -> None:
    steps = _us_steps_with_dprk(ctx)
    if not steps:
        return
    p = ctx.rule("R06")
    for ally in ctx.m["assurance"]["allies"]:
        if ally not in ctx.teams:
            continue
        if consulted(ctx, ally):
            _gain(ctx, ally, p["consulted"])
            ctx.fire("R06", f"US steps with the DPRK after consulting {ally}.")
        else:
            _loss(ctx, ally, p["unconsulted"])
            ctx.fire("R06", f"US steps with the DPRK without consulting {ally}: assurance falls.")


def r07(ctx: Ctx) -> None:
    names = {a.measure for a in ctx.agreed_now}
    if "c.icbm_cap" in names and "c.theatre_cap" not in names and not ctx.in_force("c.theatre_cap"):
        p = ctx.rule("R07")
        _loss(ctx, "ROK", p["ROK"])
        _loss(ctx, "JPN", p["JPN"])
        ctx.fire("R07", "An ICBM cap without theatre limits: Seoul and Tokyo feel decoupled.")


def r08(ctx: Ctx) -> None:
    p = ctx.rule("R08")
    for _act in ctx.effective("d.nsa"):
        ctx.threat_add[("DPRK", "US")] += p["threat"]
        ctx.trust_add[("DPRK", "US")] += p["trust"]
        for ally in ctx.m["assurance"]["allies"]:
            _loss(ctx, ally, p["allies_consulted"] if consulted(ctx, ally) else p["allies"])
        ctx.fire("R08", "A US negative security assurance: the DPRK relaxes, allies worry.")


def r09(ctx: Ctx) -> None:
    p = ctx.rule("R09")
    if ctx.icbm_add > 0:
        _loss(ctx, "ROK", p["ROK"] * ctx.icbm_add, halvable=False)
        _loss(ctx, "JPN", p["JPN"] * ctx.icbm_add, halvable=False)
        ctx.fire("R09", "DPRK ICBMs improve: the decoupling fear grows in Seoul and Tokyo.")
    for pc in ctx.perceptions:
        if pc.observer != "ROK":
            continue
        seen_icbm = pc.label == "ICBM test" or (
            not pc.misread
            and pc.act is not None
            and pc.act.action == "s.missile_test"
            and pc.act.param("class") == "ICBM"
        )
        if seen_icbm:
            _loss(ctx, "ROK", p["test_seen_ROK"], halvable=False)
            ctx.fire("R09", "Seoul watches an ICBM test.")
    for act in ctx.effective("s.missile_test"):
        if act.param("class") == "IRBM" and act.param("over_japan"):
            _loss(ctx, "JPN", p["irbm_over_japan"], halvable=False)
            ctx.fire("R09", "An IRBM overflies Japan.")


def r10(ctx: Ctx) -> None:
    p = ctx.rule("R10")
    gained: set[str] = set()
    for a, b in sorted(ctx.consulted_now):
        for ally in (a, b):
            if ally in ctx.m["assurance"]["allies"] and ally not in gained:
                gained.add(ally)
                _gain(ctx, ally, p["consult"])
    if gained:
        ctx.fire("R10", "Extended-deterrence consultation reassures " + ", ".join(sorted(gained)))
    for action, amount in (
        ("d.trilateral", p["trilateral"]),
        ("s.strategic_assets", p["strategic_assets"]),
    ):
        if ctx.effective(action):
            for ally in ctx.m["assurance"]["allies"]:
                _gain(ctx, ally, amount)
            ctx.fire("R10", f"{action} reassures the allies.")
    if ctx.in_force("c.tri_deterrence"):
        per_turn = p["tri_deterrence_per_year"] * days_per_turn(ctx.m) / DAYS_PER_YEAR
        for ally in ctx.m["assurance"]["allies"]:
            _gain(ctx, ally, per_turn)
        ctx.fire("R10", "The trilateral understanding on deterrence holds.")


def r11(ctx: Ctx) -> None:
    p = ctx.rule("R11")
    if "ROK" in ctx.teams and ctx.assurance.get("ROK", 100) < p["threshold"]:
        ctx.threat_add[("DPRK", "ROK")] += p["threat"]
        event = OutcomeEvent(
            id=ctx.next_id("e"),
            kind="inject",
            actor="ROK",
            action="R11.debate",
            vis="pub",
            tags=("rule:R11",),
        )
        ctx.events.append(event)
        for team in ctx.teams:
            ctx.perceived[f"team:{team}"].append(event)
        ctx.perceived["observers"].append(event)
        ctx.fire("R11", "Low assurance: Seoul debates its own nuclear option.")
    if "JPN" in ctx.teams and ctx.assurance.get("JPN", 100) < p["threshold"]:
        threats = [
            a
            for a in ctx.effective("d.threaten")
            if a.param("nuclear") and a.actor == "DPRK" and a.target in ("JPN", "US")
        ]
        if threats:
            event = OutcomeEvent(
                id=ctx.next_id("e"),
                kind="inject",
                actor="JPN",
                action="R11.base_use",
                vis="control",
                tags=("rule:R11",),
            )
            ctx.events.append(event)
            ctx.perceived["team:JPN"].append(event)
            ctx.fire("R11", "A nuclear threat on bases in Japan: Tokyo must decide on base use.")


def r18(ctx: Ctx) -> None:
    if ctx.effective("i.frame_interim"):
        return
    p = ctx.rule("R18")
    measures = ctx.m["cbm"]["measures"]
    for a in ctx.agreed_now:
        if measures[a.measure].get("arms_control") and a.framing != "interim_step":
            _loss(ctx, "ROK", p["ROK"], halvable=False)
            _loss(ctx, "JPN", p["JPN"], halvable=False)
            ctx.fire("R18", f"{a.measure} is not framed as an interim step: allies uneasy.")
