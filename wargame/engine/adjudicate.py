"""One turn of adjudication (ADJUDICATION.md §8), deterministic in (state, decisions, seed)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Literal

from .cbm import false_accusations, hotlines, lifecycle, transitions, violations
from .clock import DAYS_PER_YEAR, days_per_turn, remaining
from .crisis import crisis_instability
from .doctrine import respond
from .errors import RuleViolation
from .model import Model, load_model
from .narrative import control_narrative, public_narrative, team_narrative
from .perception import accumulate, false_alarms, perceive_act
from .proposal import DecisionPoint, OutcomeEvent, PerceivedEvent, Proposal
from .rng import Dice
from .rules import run_rules
from .rules.capability import apply_capabilities
from .rules.context import Act, Ctx, build_context
from .rules.diplomacy import r17_active
from .safety import gate
from .state import Belief, Dprk, Memory, State, state_with

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .catalogue import Catalogue
    from .decisions import Decision

__all__ = [
    "DecisionPoint",
    "OutcomeEvent",
    "PerceivedEvent",
    "Proposal",
    "adjudicate",
    "apply_decision_points",
]


def _collect(ctx: Ctx, decisions: Mapping[str, Decision]) -> None:
    """Step 1-2: validate the actors, sort by (actor, id, target, params), number repeats."""
    rows = []
    for team in sorted(decisions):
        if team not in ctx.teams:
            raise RuleViolation("team", f"'{team}' is not a team in this game.")
        for n, choice in enumerate(decisions[team].actions):
            adef = ctx.catalogue.actions.get(choice.action)
            if adef is None:
                raise RuleViolation(f"actions.{n}.action", f"Unknown action {choice.action!r}.")
            if team not in adef.actors:
                raise RuleViolation(f"actions.{n}.action", f"{team} cannot take {adef.id}.")
            rows.append(
                (team, adef.id, choice.target or "", choice.canonical_params(), choice, adef)
            )
    rows.sort(key=lambda r: r[:4])
    seen: dict[tuple[str, str, str, str], int] = {}
    for team, action_id, target, canon, choice, adef in rows:
        ident = (team, action_id, target, canon)
        occurrence = seen.get(ident, 0)
        seen[ident] = occurrence + 1
        params = choice.params_dict()
        ctx.acts.append(
            Act(
                team,
                action_id,
                choice.target,
                params,
                f"{action_id}|{target}|{canon}|{occurrence}",
                adef,
                notified=bool(adef.notifiable and params.get("notify")),
            )
        )
    by_actor: dict[str, set[tuple[str, str | None]]] = {}
    for act in ctx.acts:
        by_actor.setdefault(act.actor, set()).add((act.action, act.target))
    for act in ctx.acts:
        if act.adef.joint:
            partners = act.param("with") or ([act.target] if act.action == "d.consult" else [])
            for partner in partners:
                taken = by_actor.get(partner, set())
                if act.action == "d.consult":
                    ok = (act.action, act.actor) in taken
                else:
                    ok = any(a == act.action for a, _ in taken)
                if not ok:
                    act.effective = False
            if act.effective and act.action == "d.consult" and act.target is not None:
                pair = (
                    ("US", act.target)
                    if act.actor == "US"
                    else (
                        ("US", act.actor)
                        if act.target == "US"
                        else tuple(sorted((act.actor, act.target)))
                    )
                )
                ctx.consulted_now.add(pair)  # type: ignore[arg-type]
        act.event_id = ctx.next_id("e")
        if not act.effective:
            kind = "joint_failed"
        elif act.action == "m.nuclear_use":
            kind = "nuclear_request"
        else:
            kind = "action"
        vis = act.adef.vis
        if act.notified and vis in ("prv", "cov"):
            vis = "decl"
        if kind == "nuclear_request":
            vis = "control"
        ctx.events.append(
            OutcomeEvent(
                id=act.event_id,
                kind=kind,
                actor=act.actor,
                target=act.target,
                action=act.action,
                params=tuple(sorted(act.params.items())),
                vis=vis,
                data=(("key", act.key),),
            )
        )


def _clamp(value: float, lo: float, hi: float) -> float:
    return lo if value < lo else hi if value > hi else value


def _update(ctx: Ctx) -> tuple[State, tuple[DecisionPoint, ...], bool]:
    """Step 9-10: sum deltas, clamp once, ratchet the ladder, run the safety gate."""
    m = ctx.m
    dom = m["domains"]
    nd = dom["decimals"]
    st = ctx.state
    # entering force: baseline shifts and one-off gains (effective from next turn)
    for a in ctx.agreed_now:
        spec = m["cbm"]["measures"][a.measure]
        shift = spec.get("threat_base_shift")
        if shift and "DPRK" in a.parties:
            for pair in ctx.threat0:
                if pair[0] == "DPRK":
                    ctx.threat0_add[pair] += shift
        gain = spec.get("assurance_gain")
        if gain:
            for ally in m["assurance"]["allies"]:
                if ally in ctx.assurance:
                    ctx.assurance_gain[ally] += gain
    k_default = m["threat"]["k"]
    k_by = m["threat"]["k_by_team"]
    days = days_per_turn(m)
    rev = 1.0 - remaining(m["threat"]["reversion_half_life_days"], days)
    lo, hi = dom["threat"]
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
    tlo, thi = dom["trust"]
    trust = {
        p: round(_clamp(v + ctx.trust_add.get(p, 0.0), tlo, thi), nd) for p, v in ctx.trust.items()
    }
    a_cfg = m["assurance"]
    a_rev = 1.0 - remaining(a_cfg["reversion_half_life_days"], days)
    alo, ahi = dom["assurance"]
    assurance = {}
    for ally, value in ctx.assurance.items():
        gain = (
            ctx.assurance_gain.get(ally, 0.0) * (a_cfg["gain_pivot"] - value) / a_cfg["gain_scale"]
        )
        new = (
            value
            + gain
            + ctx.assurance_loss.get(ally, 0.0)
            - a_rev * (value - ctx.assurance0.get(ally, value))
        )
        assurance[ally] = round(_clamp(new, alo, ahi), nd)
    rungs = _ladder(ctx, threat)
    posture, predelegation = _dprk_posture(ctx)
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
    new_state = State(
        schema_version=st.schema_version,
        turn=st.turn + 1,
        teams=st.teams,
        rung=tuple(sorted((a, b, v) for (a, b), v in held.items())),
        threat=tuple(sorted((a, b, v) for (a, b), v in threat.items())),
        threat0=tuple(sorted((a, b, v) for (a, b), v in threat0.items())),
        trust=tuple(sorted((a, b, v) for (a, b), v in trust.items())),
        assurance=tuple(sorted(assurance.items())),
        assurance0=st.assurance0,
        sanctions=int(_clamp(st.sanctions + ctx.sanctions_add, *dom["sanctions"])),
        killchain=tuple(sorted(killchain.items())),
        hotline=tuple(sorted(hotline.items())),
        dprk=dprk,
        agreements=tuple(ctx.agreements[k] for k in sorted(ctx.agreements)),
        beliefs=_beliefs(ctx),
        memory=Memory(
            next_agreement_id=ctx.next_agreement_id,
            last_acts=tuple((a.actor, a.action, a.target or "") for a in ctx.acts if a.effective),
            doctrinal_last=tuple((a.actor, a.action, a.target or "") for a in ctx.doctrinal),
            relief_steps=st.memory.relief_steps + ctx.relief_steps_add,
            dprk_verified_steps=st.memory.dprk_verified_steps + ctx.dprk_verified_add,
        ),
    )
    return new_state, points, requires


def _ratchet(ctx: Ctx, pair: tuple[str, str], days_per_rung: float) -> int:
    """Rungs a dyad steps down this turn: the turn's days over the days a rung takes, the
    fraction drawn, so the pace per day does not depend on the turn length."""
    steps = days_per_turn(ctx.m) / days_per_rung
    whole = int(steps)
    extra = ctx.dice.roll("ladder:ratchet", steps - whole, pair[0], "ratchet", pair[1])
    return whole + (1 if extra else 0)


def _ladder(ctx: Ctx, threat_unused: Mapping[tuple[str, str], float]) -> dict[tuple[str, str], int]:
    """rung' = max(rung - d, implied, floors); d a rung a month, three under a de-escalation
    agreement, 0 while P ≥ 75 (docs/model.md §2); then the victim floor."""
    lad = ctx.m["ladder"]
    lo, hi = ctx.m["domains"]["rung"]
    implied: dict[tuple[str, str], int] = {}
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


def _dprk_posture(ctx: Ctx) -> tuple[str, str]:
    order = ctx.m["domains"]["posture"]
    start = order.index(ctx.posture_set or ctx.state.dprk.posture)
    posture = order[int(_clamp(start + ctx.posture_steps, 0, len(order) - 1))]
    return posture, ctx.predelegation_set or ctx.state.dprk.predelegation


def _beliefs(ctx: Ctx) -> tuple[Belief, ...]:
    b = ctx.m["belief"]
    fade = b["decay_per_year"] * days_per_turn(ctx.m) / DAYS_PER_YEAR
    out = []
    for key, belief in ctx.beliefs.items():
        fresh = ctx.beliefs_new.get(key)
        if fresh is not None:
            out.append(fresh)
        else:
            conf = max(b["floor"], round(belief.confidence - fade, 4))
            out.append(
                Belief(belief.team, belief.pointer, belief.estimate, min(conf, belief.confidence))
            )
    return tuple(sorted(out, key=lambda x: (x.team, x.pointer)))


def _perceptions(ctx: Ctx) -> dict[str, tuple[PerceivedEvent, ...]]:
    views: dict[str, list[PerceivedEvent]] = {f"team:{t}": [] for t in ctx.teams}
    views["observers"] = []
    n = 0

    def pid() -> str:
        nonlocal n
        n += 1
        return f"t{ctx.turn}.p{n}"

    events = {e.id: e for e in ctx.events}
    for act in ctx.acts:
        e = events[act.event_id]
        views[f"team:{act.actor}"].append(
            PerceivedEvent(
                pid(),
                act.actor,
                e.id,
                e.kind,
                act.actor,
                act.target,
                act.action,
                e.params,
                0.0,
                1.0,
                ("own",),
            )
        )
        if e.kind == "action" and e.vis == "pub":
            views["observers"].append(
                PerceivedEvent(
                    pid(),
                    "observers",
                    e.id,
                    "action",
                    act.actor,
                    act.target,
                    act.action,
                    e.params,
                    ctx.severity(act),
                    1.0,
                    (),
                )
            )
    for pc in ctx.perceptions:
        seen = pc.act
        tags = tuple(
            t
            for t, on in (
                ("misread", pc.misread and not pc.phantom),
                ("phantom", pc.phantom),
                ("doctrinal", seen is not None and seen.doctrinal),
            )
            if on
        )
        if pc.misread:
            tags += ("cause.misperception",)
        params = tuple(sorted(seen.params.items())) if seen is not None and not pc.misread else ()
        views[f"team:{pc.observer}"].append(
            PerceivedEvent(
                pid(),
                pc.observer,
                None if seen is None else seen.event_id,
                "action",
                pc.actor,
                None if seen is None else seen.target,
                pc.label,
                params,
                pc.severity,
                pc.confidence,
                tags,
            )
        )
    for act in ctx.doctrinal:
        views["observers"].append(
            PerceivedEvent(
                pid(),
                "observers",
                act.event_id,
                "action",
                act.actor,
                act.target,
                act.action,
                (),
                ctx.severity(act),
                1.0,
                ("doctrinal",),
            )
        )
    for view, items in ctx.perceived.items():
        for e in items:
            views.setdefault(view, []).append(
                PerceivedEvent(
                    pid(), view, e.id, e.kind, e.actor, e.target, e.action, e.data, 0.0, 1.0, e.tags
                )
            )
    return {v: tuple(items) for v, items in sorted(views.items())}


def adjudicate(
    state: State,
    decisions: Mapping[str, Decision],
    *,
    seed: int,
    model: Model,
    catalogue: Catalogue,
) -> Proposal:
    """Resolve one turn: S_t + sealed decisions + seed -> a proposal for control."""
    dice = Dice(seed, state.turn)
    ctx = build_context(model, catalogue, state, seed, dice)
    _collect(ctx, decisions)
    transitions(ctx)
    ctx.ci = crisis_instability(state, model)
    for act in ctx.acts:
        if act.effective and act.action != "m.nuclear_use":
            perceive_act(ctx, act)
    false_alarms(ctx)
    accumulate(ctx)
    apply_capabilities(ctx)
    violations(ctx)
    false_accusations(ctx)
    run_rules(ctx)
    respond(ctx)
    lifecycle(ctx)
    hotlines(ctx)
    new_state, points, requires = _update(ctx)
    if ctx.misperception_tags or any("cause.misperception" in a.tags for a in ctx.doctrinal):
        ctx.rules_fired.append(("perception", "Misperception shaped this turn's outcome."))
    perceptions = _perceptions(ctx)
    events = tuple(ctx.events)
    by_id = {e.id: e for e in events}
    view_narratives = {
        view: team_narrative(catalogue, items, by_id)
        for view, items in perceptions.items()
        if view.startswith("team:")
    }
    view_narratives["control"] = control_narrative(catalogue, events, len(points))
    view_narratives["observers"] = public_narrative(catalogue, events)
    return Proposal(
        turn=state.turn,
        seed=seed,
        model_hash=model.hash,
        requires_nuclear_approval=requires,
        state=new_state,
        events=events,
        perceptions=perceptions,
        dice=tuple(dice.log),
        rules_fired=tuple(ctx.rules_fired),
        decision_points=points,
        narrative=view_narratives["observers"],
        view_narratives=view_narratives,
    )


def apply_decision_points(
    proposal: Proposal,
    *,
    choice: Literal["deny_all", "approve_all"],
    model: Model | None = None,
) -> State:
    """For simulation and forks: deny_all holds at the threshold (the proposal's state as is);
    approve_all applies each candidate's state deltas (no effects are modelled, §9)."""
    if choice == "deny_all" or not proposal.decision_points:
        return proposal.state
    if choice != "approve_all":
        raise ValueError(f"unknown choice {choice!r}")
    model = model or load_model()
    state = proposal.state
    for point in proposal.decision_points:
        deltas = {}
        for pointer, value in point.deltas:
            current = _get_rung(state, pointer)
            deltas[pointer] = max(value, current) if current is not None else value
        state = state_with(model, state, deltas)
    return replace(state)


def _get_rung(state: State, pointer: str) -> int | None:
    parts = pointer.split("/")
    if parts[0] != "rung":
        return None
    for a, b, v in state.rung:
        if (a, b) == (parts[1], parts[2]):
            return v
    return None
