"""R06-R11, R18: alliance politics as impulses on the allies' fears (000 §B-C, docs/model.md §13).

Abandonment: US steps with the DPRK without consultation (R06), allied interests traded (R07 an
ICBM-only cap, R08 a negative security assurance, the swap for a conservative Seoul, R18 arms
control not framed as an interim step), DPRK capability and threats the US does not answer (R09).
Reassurance: consultation, trilateral dialogue, strategic assets (R10). Entrapment: US escalation
the ally was not consulted on. R11 turns low assurance and a war the US is in into advice to Seoul
and Tokyo.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wargame.engine.clock import DAYS_PER_YEAR, days_per_turn
from wargame.engine.proposal import OutcomeEvent

if TYPE_CHECKING:
    from .context import Ctx

ALLIES = ("ROK", "JPN")
RESOLVE = ("s.strategic_assets", "d.consult", "d.threaten")


def consulted(ctx: Ctx, ally: str) -> bool:
    """d.consult with the US this or last turn, or extended deterrence on the agenda (000 §C)."""
    if ("US", ally) in ctx.consulted_now:
        return True
    for actor, action, target in ctx.state.memory.last_acts:
        if action == "d.consult" and {actor, target} == {"US", ally}:
            return True
    return ctx.in_force("c.ed_agenda", "US", ally)


def _loss_factor(ctx: Ctx) -> float:
    """A trilateral understanding on deterrence halves what deals cost the allies (000 §B-C)."""
    if ctx.in_force("c.tri_deterrence"):
        return float(ctx.m["alliance"]["tri_deterrence_loss_factor"])
    return 1.0


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
    """An unconsulted US step with the DPRK feeds abandonment by its content: an offer of talks
    little, relief and agreements more; consultation leaves a sliver (000 §B-C)."""
    steps = _us_steps_with_dprk(ctx)
    if not steps:
        return
    a = ctx.m["alliance"]
    for ally in ALLIES:
        if ally not in ctx.assurance:
            continue
        factor = a["consulted_factor"] if consulted(ctx, ally) else _loss_factor(ctx)
        for step in steps:
            ctx.push(ally, "unconsulted", a["unconsulted"].get(step, 0.0) * factor)
        how = "after consulting" if consulted(ctx, ally) else "without consulting"
        ctx.fire("R06", f"US steps with the DPRK {how} {ally}.")


def r07(ctx: Ctx) -> None:
    """An ICBM cap without theatre limits trades the allies' interests; theatre limits ease it."""
    names = {x.measure for x in ctx.agreed_now}
    a = ctx.m["alliance"]
    if "c.icbm_cap" in names and "c.theatre_cap" not in names and not ctx.in_force("c.theatre_cap"):
        for ally in ALLIES:
            ctx.push(ally, "traded", a["icbm_only"][ally] * _loss_factor(ctx))
        ctx.fire("R07", "An ICBM cap without theatre limits: Seoul and Tokyo feel decoupled.")
    if "c.theatre_cap" in names:
        for ally in ALLIES:
            ctx.relieve(ally, "traded", a["theatre_cap_relief"])
    for agreement in ctx.agreed_now:
        if agreement.measure != "c.swap":
            continue
        for ally in ALLIES:
            key = str(a["rok_orientation"]) if ally == "ROK" else ally
            ctx.push(ally, "traded", a["swap"][key] * _loss_factor(ctx))
        ctx.fire("R07", "The swap forgoes decapitation plans: a conservative Seoul sees a loss.")


def r08(ctx: Ctx) -> None:
    """A negative security assurance eases the DPRK and weighs on the allies (000 §B)."""
    p = ctx.rule("R08")
    a = ctx.m["alliance"]
    for _act in ctx.effective("d.nsa"):
        ctx.threat_add[("DPRK", "US")] += p["threat"]
        ctx.trust_add[("DPRK", "US")] += p["trust"]
        for ally in ALLIES:
            full = a["nsa"][str(a["rok_orientation"]) if ally == "ROK" else ally]
            impulse = a["nsa_consulted"] if consulted(ctx, ally) else full * _loss_factor(ctx)
            ctx.push(ally, "traded", min(full, impulse))
        ctx.fire("R08", "A US negative security assurance: the DPRK relaxes, allies worry.")


def _resolve_shown(ctx: Ctx) -> bool:
    """US conduct under threat: a show of commitment the same turn (000 §B)."""
    return any(a.actor == "US" and a.action in RESOLVE for a in ctx.effective())


def _threatened(ctx: Ctx, ally: str, impulse: float) -> None:
    a = ctx.m["alliance"]
    if _resolve_shown(ctx):
        impulse *= a["resolve_factor"]
    if ally == "JPN" and ctx.policy_of("JPN", "missile_defence") == "destroy_order":
        impulse *= a["destroy_order_factor"]
    ctx.push(ally, "threatened", impulse)


def r09(ctx: Ctx) -> None:
    """DPRK threats and tests, answered or not by the US: ICBM tests watched from Seoul, an IRBM
    over Japan (J-Alert tempers it), nuclear threats and tests. ICBM progress itself acts through
    the structural decoupling term."""
    a = ctx.m["alliance"]
    fired = False
    for pc in ctx.perceptions:
        if pc.observer != "ROK" or pc.act is None:
            continue
        seen_icbm = pc.label == "ICBM test" or (
            not pc.misread and pc.act.action == "s.missile_test" and pc.act.param("class") == "ICBM"
        )
        if seen_icbm:
            _threatened(ctx, "ROK", a["icbm_test_seen_rok"])
            fired = True
    jalert = [x for x in ctx.effective("m.missile_defence") if x.param("jalert")]
    overflight = False
    for act in ctx.effective("s.missile_test"):
        if act.param("class") == "IRBM" and act.param("over_japan"):
            overflight = True
            factor = a["jalert_overflight_factor"] if jalert else 1.0
            _threatened(ctx, "JPN", a["irbm_over_japan"] * factor)
            fired = True
    if jalert and not overflight:
        ctx.push("JPN", "threatened", a["jalert_alarm"])
    for act in ctx.effective("d.threaten"):
        if act.actor != "DPRK" or not act.param("nuclear"):
            continue
        for ally in ALLIES if act.target == "US" else (act.target,):
            if ally in ALLIES:
                _threatened(ctx, str(ally), a["threat_nuclear"])
                fired = True
    if ctx.effective("s.nuclear_test"):
        for ally in ALLIES:
            _threatened(ctx, ally, a["nuclear_test"])
        fired = True
    if fired:
        ctx.fire("R09", "DPRK threats and tests weigh on the allies' confidence in the US.")


def r10(ctx: Ctx) -> None:
    """Consultation, trilateral dialogue and strategic assets reassure (000 §C); US escalation the
    ally was not consulted on feeds its fear of entrapment."""
    a = ctx.m["alliance"]
    gained: set[str] = set()
    for first, second in sorted(ctx.consulted_now):
        for ally in (first, second):
            if ally in ALLIES and ally not in gained:
                gained.add(ally)
                ncg = any(
                    x.action == "d.consult" and x.param("format") == "NCG" and ally == "ROK"
                    for x in ctx.effective()
                )
                ctx.push(ally, "consultation", a["consult_ncg_rok"] if ncg else a["consult"])
    if gained:
        ctx.fire("R10", "Extended-deterrence consultation reassures " + ", ".join(sorted(gained)))
    if ctx.effective("d.trilateral"):
        for ally in ALLIES:
            ctx.push(ally, "consultation", a["trilateral"])
        ctx.fire("R10", "A trilateral dialogue reassures both allies.")
    if any(x.actor == "US" for x in ctx.effective("s.strategic_assets")):
        for ally in ALLIES:
            ctx.push(ally, "commitment", a["strategic_assets"])
        ctx.fire("R10", "US strategic assets show commitment.")
    years = days_per_turn(ctx.m) / DAYS_PER_YEAR
    for measure, rate in (
        ("c.tri_deterrence", "tri_deterrence_per_year"),
        ("c.ed_agenda", "ed_agenda_per_year"),
    ):
        if ctx.in_force(measure):
            for ally in ALLIES:
                ctx.push(ally, "consultation", min(1.0, a[rate] * years))
    _escalation(ctx)


def _escalation(ctx: Ctx) -> None:
    a = ctx.m["alliance"]
    impulses = a["escalation"]
    acts = [x for x in ctx.effective() if x.actor == "US"] + [
        x for x in ctx.doctrinal if x.actor == "US"
    ]
    for act in acts:
        impulse = impulses.get(act.action, 0.0)
        if act.action == "d.threaten" and not act.param("nuclear"):
            impulse = 0.0
        if impulse <= 0.0:
            continue
        for ally in ALLIES:
            factor = a["escalation_consulted_factor"] if consulted(ctx, ally) else 1.0
            ctx.push(ally, "escalation", impulse * factor)
        ctx.fire("R10", f"US escalation ({act.action}) raises the allies' fear of entrapment.")


def r11(ctx: Ctx) -> None:
    """Low ROK assurance opens Seoul's nuclear-option debate; a war the US is in, or a DPRK nuclear
    threat on Japan, asks Tokyo to decide on base use (000 §B: the two decouplings)."""
    p = ctx.rule("R11")
    if "ROK" in ctx.teams and ctx.assurance.get("ROK", 100) < p["threshold"]:
        ctx.threat_add[("DPRK", "ROK")] += p["threat"]
        _inject(ctx, "ROK", "R11.debate", "pub")
        ctx.advise("ROK", "R11.debate")
        ctx.fire("R11", "Low assurance: Seoul debates its own nuclear option.")
    if "JPN" not in ctx.teams or ctx.policy_of("JPN", "base_use") != "undecided":
        return
    at_war = max(ctx.rung.get(("US", "DPRK"), 0), ctx.rung.get(("DPRK", "US"), 0))
    threats = [
        x
        for x in ctx.effective("d.threaten")
        if x.param("nuclear") and x.actor == "DPRK" and x.target in ("JPN", "US")
    ]
    if at_war >= p["base_use_rung"] or (threats and ctx.assurance.get("JPN", 100) < p["threshold"]):
        _inject(ctx, "JPN", "R11.base_use", "control")
        ctx.advise("JPN", "R11.base_use")
        ctx.fire("R11", "Tokyo must decide whether US forces may fight from bases in Japan.")


def _inject(ctx: Ctx, team: str, key: str, vis: str) -> None:
    event = OutcomeEvent(
        id=ctx.next_id("e"), kind="inject", actor=team, action=key, vis=vis, tags=("rule:R11",)
    )
    ctx.events.append(event)
    views = [f"team:{t}" for t in ctx.teams] + ["observers"] if vis == "pub" else [f"team:{team}"]
    for view in views:
        ctx.perceived[view].append(event)


def r18(ctx: Ctx) -> None:
    """Arms control not framed as an interim step toward denuclearisation unsettles the allies."""
    if ctx.effective("i.frame_interim"):
        return
    a = ctx.m["alliance"]
    measures = ctx.m["cbm"]["measures"]
    for agreement in ctx.agreed_now:
        if measures[agreement.measure].get("arms_control") and agreement.framing != "interim_step":
            for ally in ALLIES:
                ctx.push(ally, "traded", a["unframed"])
            ctx.fire("R18", f"{agreement.measure} is not framed as an interim step: allies uneasy.")
