"""Perception (docs/model.md §4): detection, misread, false alarms, perceived severity, and the
threat (Richardson), trust and belief deltas they cause."""

from __future__ import annotations

from .clock import chance, days_per_turn
from .effects import hazard_factor
from .rules.context import Act, Ctx, Perception, forbids
from .state import Belief


def hotline_between(ctx: Ctx, a: str, b: str) -> str:
    """The crisis hotline between two teams (the UNC armistice line is not one, 004 §IV.1)."""
    links = ctx.m["hotline"]["links"]
    for name in ctx.m["ci"]["hotlines"]:
        link = links[name]
        if a in link and b in link:
            return ctx.hotline.get(name, "down")
    return "down"


def mitigation(ctx: Ctx, act: Act | None, observer: str, actor: str) -> float:
    """M: the product of the mitigations in force between observer and actor (004 §IV.1)."""
    mit = ctx.m["perception"]["mitigation"]
    m = 1.0
    line = hotline_between(ctx, observer, actor)
    if line == "up":
        m *= mit["hotline_up"]
    elif line == "degraded":
        m *= mit["hotline_degraded"]
    if act is not None and act.notified:
        agreed = any(
            act.action in spec.get("notify", ()) and ctx.in_force(measure, observer, actor)
            for measure, spec in ctx.m["cbm"]["measures"].items()
        )
        m *= mit["notify_agreed"] if agreed else mit["notify_adhoc"]
    if (act is not None and act.param("observers") is True) or ctx.in_force(
        "c.observers", observer, actor
    ):
        m *= mit["observers"]
    if ctx.in_force("c.strategic_dialogue", observer, actor):
        m *= mit["strategic_dialogue"]
    if ctx.in_force("c.regional", observer, actor):
        m *= mit["regional"]
    return m


def bias(ctx: Ctx, observer: str, actor: str) -> float:
    """B: distrust and fear make ambiguous acts look worse."""
    p = ctx.m["perception"]
    trust = ctx.trust.get((observer, actor), 0.0)
    threat = ctx.threat.get((observer, actor), 0.0)
    fear = 1.0 + max(0.0, threat - p["bias_threat_pivot"]) / p["bias_threat_scale"]
    return float((p["bias_base"] + p["bias_distrust"] * (1.0 - trust)) * fear)


def misread_p(ctx: Ctx, amb: float, m: float, b: float) -> float:
    p = ctx.m["perception"]
    raw = p["misread_base"] * amb * (p["ci_floor"] + p["ci_slope"] * ctx.ci) * m * b
    raw *= hazard_factor(ctx.state.effects, ctx.turn, "misperception")
    return float(min(p["misread_cap"], raw))


def recipients(act: Act) -> tuple[str, ...]:
    out = [] if act.target is None else [act.target]
    out.extend(act.param("with") or ())
    return tuple(out)


def detection_p(ctx: Ctx, act: Act, observer: str, mult: float = 1.0) -> float:
    """Public certain; declared certain for recipients; private .6·isr; covert .15·isr x the
    verification multiplier, capped."""
    vis = act.adef.vis
    if act.doctrinal or vis == "pub":
        return 1.0
    is_recipient = observer in recipients(act)
    if (vis == "decl" or act.notified) and is_recipient:
        return 1.0
    if vis != "cov" and ctx.m["perception"]["allied_sharing"] and observer in ctx.allies[act.actor]:
        return 1.0
    detect = ctx.m["perception"]["detect"]
    isr = ctx.m["perception"]["isr"].get(observer, 0.0)
    base = detect["prv" if vis == "decl" else vis] * isr
    if mult != 1.0:
        return float(min(ctx.m["cbm"]["detect_cap"], base * mult))
    return float(base)


def covert_multiplier(ctx: Ctx, act: Act, observer: str) -> float:
    """Covert acts forbidden by a measure in force are watched by its verification mode (§6)."""
    if act.adef.vis != "cov":
        return 1.0
    best = 1.0
    mults = ctx.m["cbm"]["detect_mult"]
    for measure, spec in ctx.m["cbm"]["measures"].items():
        if not any(forbids(rule, act) for rule in spec["forbids"]):
            continue
        for a in ctx.live_agreements(measure, observer, act.actor):
            best = max(best, mults.get(a.verification, 1.0))
    return best


def notified_to(ctx: Ctx, act: Act, observer: str) -> bool:
    if observer in recipients(act):
        return True
    return any(
        act.action in spec.get("notify", ()) and ctx.in_force(measure, observer, act.actor)
        for measure, spec in ctx.m["cbm"]["measures"].items()
    )


def launch_detections(ctx: Ctx, act: Act) -> set[str]:
    """Who sees a ballistic launch: each observer's own sensors, then sharing among allies
    (realtime: one ally's track is every ally's; bilateral: the US passes its track on)."""
    spec = ctx.m["perception"]["launch"]
    own = {
        o
        for o in ctx.teams
        if o != act.actor
        and ctx.dice.roll(
            "perception:detect", float(spec["detect"].get(o, 0.0)), act.actor, act.key, o
        )
    }
    seen = set(own)
    for o in ctx.teams:
        if o == act.actor or o in own:
            continue
        allies = set(ctx.allies.get(o, ()))
        if (spec["sharing"] == "realtime" and allies & own) or (
            spec["sharing"] == "bilateral"
            and "US" in own
            and "US" in allies
            and ctx.dice.roll(
                "perception:share", float(spec["share_from_us"]), act.actor, act.key, o
            )
        ):
            seen.add(o)
    return seen


def perceive_act(ctx: Ctx, act: Act) -> None:
    p = ctx.m["perception"]
    purpose_d = "perception:detect"
    launch = act.action in p["launch"]["actions"]
    seen = launch_detections(ctx, act) if launch else set()
    if launch and act.notified:
        # A notified launch is known in advance to those it was notified to (recipients, and the
        # parties to a notification measure in force).
        seen.update(o for o in ctx.teams if o != act.actor and notified_to(ctx, act, o))
    for observer in ctx.teams:
        if observer == act.actor:
            continue
        if launch:
            if observer not in seen:
                continue
        else:
            prob = detection_p(ctx, act, observer, covert_multiplier(ctx, act, observer))
            if not ctx.dice.roll(purpose_d, prob, act.actor, act.key, observer):
                continue
        severity = ctx.severity(act)
        label = act.action
        misread = False
        if act.adef.mistaken_for and observer in ctx.adversaries[act.actor] and not act.doctrinal:
            amb = act.adef.amb
            unnotified = act.action == "s.exercise" and observer == "DPRK" and not act.notified
            if unnotified and ctx.enabled("R02"):
                amb += ctx.rule("R02")["amb"]
            prob_m = misread_p(
                ctx, amb, mitigation(ctx, act, observer, act.actor), bias(ctx, observer, act.actor)
            )
            if ctx.dice.roll("perception:misread", prob_m, act.actor, act.key, observer):
                misread = True
                label = act.adef.mistaken_for
                severity = float(p["misread_sev"].get(label, 0))
        conf = p["confidence"]["misread"] if misread else p["confidence"][act.adef.vis]
        ctx.perceptions.append(
            Perception(observer, act, act.actor, label, severity, conf, misread=misread)
        )


def false_alarms(ctx: Ctx) -> None:
    """An observer on alert may see a phantom launch (ext); it counts as a misread."""
    fa = ctx.m["false_alarm"]
    p = ctx.m["perception"]
    for observer in ctx.teams:
        source = fa["phantom_source"].get(observer)
        if source is None or source not in ctx.teams:
            continue
        on_alert = ctx.killchain.get(observer, 0) >= fa["killchain_alert"] or (
            observer == "DPRK" and ctx.state.dprk.posture in fa["posture_alert"]
        )
        if not on_alert:
            continue
        rate = fa["per_year"] * hazard_factor(ctx.state.effects, ctx.turn, "false_alarm")
        prob = chance(rate, days_per_turn(ctx.m)) * (p["ci_floor"] + p["ci_slope"] * ctx.ci)
        line = hotline_between(ctx, observer, source)
        if line == "up":
            prob *= fa["hotline"]
        elif line == "degraded":
            prob *= p["mitigation"]["hotline_degraded"]
        if ctx.dice.roll("perception:false_alarm", prob, source, "phantom", observer):
            label = fa["label"]
            ctx.perceptions.append(
                Perception(
                    observer,
                    None,
                    source,
                    label,
                    float(p["misread_sev"][label]),
                    p["confidence"]["misread"],
                    misread=True,
                    phantom=True,
                )
            )


def relevant(ctx: Ctx, perception: Perception) -> bool:
    """A perceived act moves o's threat from a only if o is a's adversary or its target."""
    act = perception.act
    o, a = perception.observer, perception.actor
    return o in ctx.adversaries.get(a, ()) or (act is not None and act.target == o)


def threat_weight(severity: float, trust: float, ctx: Ctx) -> float:
    """w = 1 for s̃ ≥ 0, 2·(.5 + T) for cooperation: the distrusted count less (004 §III)."""
    if severity >= 0:
        return 1.0
    t = ctx.m["threat"]
    return float(t["coop_weight_scale"] * (t["coop_weight_offset"] + trust))


def accumulate(ctx: Ctx) -> None:
    """Σ s̃·w per (observer, actor), trust steps, and belief updates from what was seen."""
    tr = ctx.m["trust"]
    for pc in ctx.perceptions:
        pair = (pc.observer, pc.actor)
        if relevant(ctx, pc):
            w = threat_weight(pc.severity, ctx.trust.get(pair, 0.0), ctx)
            ctx.threat_sum[pair] += pc.severity * w
            if pc.severity < 0:
                ctx.trust_add[pair] += tr["cooperative_act"]
            elif pc.severity >= tr["coercive_threshold"]:
                ctx.trust_add[pair] += tr["coercive_act"]
        if pc.misread:
            ctx.misperception_tags.add(pc.observer)
        _update_beliefs(ctx, pc)


def _set_belief(ctx: Ctx, team: str, pointer: str, estimate: object, conf: float) -> None:
    key = (team, pointer)
    if key in ctx.beliefs:
        ctx.beliefs_new[key] = Belief(team, pointer, estimate, conf)


def _update_beliefs(ctx: Ctx, pc: Perception) -> None:
    o = pc.observer
    if pc.misread:
        for pointer, value in ctx.m["perception"]["misread_beliefs"].get(pc.label, {}).items():
            _set_belief(ctx, o, pointer, value, pc.confidence)
        return
    act = pc.act
    if act is None:
        return
    if act.action == "s.missile_test" and act.param("class") == "ICBM":
        ctx.icbm_seen.add(o)
    if act.action == "m.posture":
        _set_belief(ctx, o, "dprk/posture", act.param("level"), pc.confidence)
    elif act.action == "m.predelegate":
        _set_belief(ctx, o, "dprk/predelegation", "delegated", pc.confidence)
    elif act.action == "m.killchain":
        _set_belief(ctx, o, f"killchain/{act.actor}", act.param("level"), pc.confidence)
    elif act.action == "m.stand_down":
        pointer = "dprk/posture" if act.actor == "DPRK" else f"killchain/{act.actor}"
        current = ctx.beliefs_new.get((o, pointer)) or ctx.beliefs.get((o, pointer))
        if current is not None:
            if pointer == "dprk/posture":
                order = ctx.m["domains"]["posture"]
                new_value: object = order[max(0, order.index(current.estimate) - 1)]
            else:
                new_value = max(0, int(current.estimate) - 1)
            _set_belief(ctx, o, pointer, new_value, pc.confidence)
    elif act.action == "s.nuclear_test":
        current = ctx.beliefs_new.get((o, "dprk/warheads")) or ctx.beliefs.get((o, "dprk/warheads"))
        if current is not None:
            grow = ctx.m["capabilities"]["nuclear_test_warheads"]
            _set_belief(ctx, o, "dprk/warheads", int(current.estimate) + grow, pc.confidence)
