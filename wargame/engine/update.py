"""Step 9-10 of a turn (docs/model.md §8): sum the deltas, clamp once, move the ladder, the alliance
stocks and the standing advice, then the safety gate."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

from .alliance import assurance_after, next_stocks
from .cbm import package_relief
from .clock import DAYS_PER_YEAR, days_per_turn, remaining
from .effects import carried
from .proposal import OutcomeEvent
from .rules.capability import effective_sanctions
from .rules.diplomacy import r17_active
from .safety import gate
from .state import Advice, Belief, Dprk, Memory, State

if TYPE_CHECKING:
    from .proposal import DecisionPoint
    from .rules.context import Ctx

Pair = tuple[str, str]


def _clamp(value: float, lo: float, hi: float) -> float:
    return lo if value < lo else hi if value > hi else value


def _entering_force(ctx: Ctx) -> None:
    """What entering force does once: a package's relief, baseline shifts (c.end_of_war); and the
    shift of the DPRK's threat baseline with effective sanctions."""
    m = ctx.m
    package_relief(ctx)
    for a in ctx.agreed_now:
        shift = m["cbm"]["measures"][a.measure].get("threat_base_shift")
        if shift and "DPRK" in a.parties:
            for pair in ctx.threat0:
                if pair[0] == "DPRK":
                    ctx.threat0_add[pair] += shift
    st = ctx.state
    before = effective_sanctions(m, st.sanctions, st.dprk.russia)
    sanctions = int(_clamp(st.sanctions + ctx.sanctions_add, *m["domains"]["sanctions"]))
    russia = int(_clamp(st.dprk.russia + ctx.russia_add, *m["domains"]["russia"]))
    moved = effective_sanctions(m, sanctions, russia) - before
    if moved:
        per_point = float(m["sanctions"]["threat_per_point"])
        for pair in ctx.threat0:
            if pair[0] == "DPRK" and pair[1] in ("US", "ROK", "JPN"):
                ctx.threat0_add[pair] += per_point * moved


def _threat(ctx: Ctx) -> tuple[dict[Pair, float], dict[Pair, float]]:
    m = ctx.m
    nd = m["domains"]["decimals"]
    lo, hi = m["domains"]["threat"]
    k_default = m["threat"]["k"]
    k_by = m["threat"]["k_by_team"]
    rev = 1.0 - remaining(m["threat"]["reversion_half_life_days"], days_per_turn(m))
    r17 = ctx.enabled("R17") and r17_active(ctx)
    threat0 = {p: _clamp(v + ctx.threat0_add.get(p, 0.0), lo, hi) for p, v in ctx.threat0.items()}
    threat = {}
    for pair, value in ctx.threat.items():
        k = k_by.get(pair[0], k_default)
        new = (
            value
            + k * ctx.threat_sum.get(pair, 0.0)
            + ctx.threat_add.get(pair, 0.0)
            - rev * (value - threat0[pair])
        )
        if r17 and pair[0] == "DPRK":
            new = max(new, value)
        threat[pair] = round(_clamp(new, lo, hi), nd)
    return threat, {p: round(v, nd) for p, v in threat0.items()}


def _posture_floors(ctx: Ctx, posture: str, predelegation: str) -> None:
    """A dispersed DPRK force is a crisis (rung 4); launch-ready or pre-delegated forces are a
    nuclear alert (rung 8), however they got there: the public rung says what control is asked."""
    rungs = ctx.m["ladder"]["posture_rungs"]
    level = max(int(rungs["posture"][posture]), int(rungs["predelegation"][predelegation]))
    if level <= 0:
        return
    for pair in ctx.rung:
        if pair[0] == "DPRK":
            ctx.floor(pair, level, "posture")


def update(ctx: Ctx) -> tuple[State, tuple[DecisionPoint, ...], bool]:
    """Sum deltas, clamp once, ratchet the ladder, run the safety gate."""
    m = ctx.m
    dom = m["domains"]
    nd = dom["decimals"]
    st = ctx.state
    _entering_force(ctx)
    threat, threat0 = _threat(ctx)
    tlo, thi = dom["trust"]
    trust = {
        p: round(_clamp(v + ctx.trust_add.get(p, 0.0), tlo, thi), nd) for p, v in ctx.trust.items()
    }
    alert_steps = _relax(ctx)
    posture, predelegation = _dprk_posture(ctx)
    if posture == "stored":
        alert_steps = 0
    _posture_floors(ctx, posture, predelegation)
    rungs = _ladder(ctx)
    held, points, requires = gate(ctx, ctx.rung, rungs, posture, predelegation)
    d = st.dprk
    dprk = Dprk(
        posture=posture,
        predelegation=predelegation,
        icbm=int(_clamp(d.icbm + ctx.icbm_add, *dom["icbm"])),
        warheads=int(_clamp(d.warheads + ctx.warheads_add, *dom["warheads"])),
        yongbyon=ctx.yongbyon_set or d.yongbyon,
        russia=int(_clamp(d.russia + ctx.russia_add, *dom["russia"])),
    )
    killchain = {}
    for team, value in ctx.killchain.items():
        base = ctx.killchain_set.get(team, value)
        killchain[team] = int(_clamp(base + ctx.killchain_steps.get(team, 0), *dom["killchain"]))
    hotline = {k: ctx.hotline_set.get(k, v) for k, v in ctx.hotline.items()}
    policy = {**ctx.policy, **ctx.policy_set}
    new_state = State(
        schema_version=st.schema_version,
        turn=st.turn + 1,
        teams=st.teams,
        rung=tuple(sorted((a, b, v) for (a, b), v in held.items())),
        threat=tuple(sorted((a, b, v) for (a, b), v in threat.items())),
        threat0=tuple(sorted((a, b, v) for (a, b), v in threat0.items())),
        trust=tuple(sorted((a, b, v) for (a, b), v in trust.items())),
        assurance=st.assurance,
        assurance0=st.assurance0,
        sanctions=int(_clamp(st.sanctions + ctx.sanctions_add, *dom["sanctions"])),
        killchain=tuple(sorted(killchain.items())),
        hotline=tuple(sorted(hotline.items())),
        dprk=dprk,
        agreements=tuple(ctx.agreements[k] for k in sorted(ctx.agreements)),
        beliefs=_beliefs(ctx, dprk),
        memory=Memory(
            next_agreement_id=ctx.next_agreement_id,
            last_acts=tuple((a.actor, a.action, a.target or "") for a in ctx.acts if a.effective),
            doctrinal_last=tuple((a.actor, a.action, a.target or "") for a in ctx.doctrinal),
            relief_steps=st.memory.relief_steps + ctx.relief_steps_add,
            dprk_verified_steps=st.memory.dprk_verified_steps + ctx.dprk_verified_add,
            alert_steps=alert_steps,
        ),
        policy=tuple(sorted((t, n, v) for (t, n), v in policy.items())),
        alliance=next_stocks(ctx.model, st, ctx.alliance_push, ctx.alliance_relief),
        advice=_advice(ctx, policy),
        effects=carried(st.effects, st.turn + 1),
    )
    assurance = assurance_after(ctx.model, st, new_state, dict(st.assurance))
    new_state = replace(new_state, assurance=tuple(sorted(assurance.items())))
    return new_state, points, requires


def _advice(ctx: Ctx, policy: dict[Pair, str]) -> tuple[Advice, ...]:
    """Standing advice: renewed while its trigger holds, kept `advice_days`, dropped once acted
    upon (Japan's base-use decision); each new piece is an event for its team and control."""
    turns = {
        rule: max(1, math.ceil(float(days) / days_per_turn(ctx.m)))
        for rule, days in (
            ("R02", ctx.rule("R02")["relax_days"]),
            ("R04", ctx.rule("R04")["advice_days"]),
            ("R11.debate", ctx.rule("R11")["advice_days"]),
            ("R11.base_use", ctx.rule("R11")["advice_days"]),
        )
    }
    current = {(a.team, a.rule): a for a in ctx.state.advice}
    out = {key: old for key, old in current.items() if old.until > ctx.turn}
    for (team, rule), recommends in sorted(ctx.advice_new.items()):
        previous = current.get((team, rule))
        until = ctx.turn + turns.get(rule, 1)
        standing = previous is not None and previous.until >= ctx.turn
        since = previous.since if previous is not None and standing else ctx.turn
        out[(team, rule)] = Advice(team, rule, since, until, recommends)
        if previous is None or not standing or previous.recommends != recommends:
            event = OutcomeEvent(
                id=ctx.next_id("e"),
                kind="advice",
                actor=team,
                action=rule,
                vis="control",
                tags=(f"rule:{rule.split('.')[0]}",),
                data=(("recommends", recommends), ("until", until)),
            )
            ctx.events.append(event)
            ctx.perceived[f"team:{team}"].append(event)
    if policy.get(("JPN", "base_use"), "undecided") != "undecided":
        out.pop(("JPN", "R11.base_use"), None)
    return tuple(out[k] for k in sorted(out))


def _ratchet(ctx: Ctx, pair: Pair, days_per_rung: float) -> int:
    """Rungs a dyad steps down this turn: the turn's days over the days a rung takes, the
    fraction drawn, so the pace per day does not depend on the turn length."""
    steps = days_per_turn(ctx.m) / days_per_rung
    whole = int(steps)
    extra = ctx.dice.roll("ladder:ratchet", steps - whole, pair[0], "ratchet", pair[1])
    return whole + (1 if extra else 0)


def _ladder(ctx: Ctx) -> dict[Pair, int]:
    """rung' = max(rung - d, implied, floors); d a rung a month, three under a de-escalation
    agreement, 0 while P ≥ 75 (docs/model.md §2); then the victim floor."""
    lad = ctx.m["ladder"]
    lo, hi = ctx.m["domains"]["rung"]
    implied: dict[Pair, int] = {}
    for act in ctx.acts:
        if not act.effective or act.doctrinal:
            continue
        value = ctx.implied_rung(act)
        if value is None:
            continue
        for b in act.dyads(ctx):
            pair = (act.actor, b)
            if pair in ctx.rung and value > implied.get(pair, -1):
                implied[pair] = value
    out = {}
    for pair, value in ctx.rung.items():
        if ctx.threat.get(pair, 0.0) >= lad["ratchet_freeze_threat"] or value <= lo:
            d = 0
        elif any(ctx.in_force(measure, *pair) for measure in lad["deescalation_measures"]):
            d = _ratchet(ctx, pair, lad["days_per_rung_deescalation"])
        else:
            d = _ratchet(ctx, pair, lad["days_per_rung"])
        new = max(value - d, implied.get(pair, lo), ctx.rung_floor.get(pair, lo))
        out[pair] = int(_clamp(new, lo, hi))
    for (a, b), value in list(out.items()):
        back = out.get((b, a))
        if back is not None and back >= lad["victim_trigger"] and value < lad["victim_floor"]:
            out[(a, b)] = lad["victim_floor"]
    return out


def _relax(ctx: Ctx) -> int:
    """Alert steps (R02) kept after this turn: an older alert relaxes at `posture_relax_days` a
    step; a posture the DPRK team sets itself (m.posture) ends the alert."""
    if ctx.posture_set is not None:
        return 0
    held = ctx.state.memory.alert_steps
    if held:
        steps = days_per_turn(ctx.m) / float(ctx.rule("R02")["relax_days"])
        whole = int(steps)
        extra = ctx.dice.roll("rule:R02", steps - whole, "DPRK", "relax", "")
        relaxed = min(held, whole + (1 if extra else 0))
        ctx.posture_steps -= relaxed
        held -= relaxed
    return held + (1 if ctx.alert_raised else 0)


def _dprk_posture(ctx: Ctx) -> tuple[str, str]:
    order = ctx.m["domains"]["posture"]
    start = order.index(ctx.posture_set or ctx.state.dprk.posture)
    posture = order[int(_clamp(start + ctx.posture_steps, 0, len(order) - 1))]
    return posture, ctx.predelegation_set or ctx.state.dprk.predelegation


def _beliefs(ctx: Ctx, dprk: Dprk) -> tuple[Belief, ...]:
    """Beliefs after the turn: fresh detections; an ICBM test seen shows the level it reached;
    estimates of the arsenal catch up with the truth as intelligence does (a half-life); others
    fade in confidence."""
    b = ctx.m["belief"]
    days = days_per_turn(ctx.m)
    fade = b["decay_per_year"] * days / DAYS_PER_YEAR
    catch_up = 1.0 - remaining(b["intelligence_half_life_days"], days)
    out = []
    for key, belief in ctx.beliefs.items():
        fresh = ctx.beliefs_new.get(key)
        if key[1] == "dprk/icbm" and key[0] in ctx.icbm_seen:
            out.append(Belief(key[0], key[1], dprk.icbm, ctx.m["perception"]["confidence"]["pub"]))
        elif fresh is not None:
            out.append(fresh)
        else:
            if key[1] == "dprk/warheads":
                gap = dprk.warheads - int(belief.estimate)
                belief = Belief(
                    belief.team,
                    belief.pointer,
                    int(belief.estimate) + round(gap * catch_up),
                    belief.confidence,
                )
            conf = max(b["floor"], round(belief.confidence - fade, 4))
            out.append(
                Belief(belief.team, belief.pointer, belief.estimate, min(conf, belief.confidence))
            )
    return tuple(sorted(out, key=lambda x: (x.team, x.pointer)))
