"""Doctrinal responses (docs/model.md §7, §8 step 8): standing orders such as Kill Chain
strike-on-detection, attributed to the authorising team and flagged `doctrinal`. They count in
the update but trigger no rule until next turn."""

from __future__ import annotations

from .proposal import OutcomeEvent
from .rules.context import Act, Ctx, Perception


def add_strike(ctx: Ctx, authoriser: str, rule_id: str, misperception: bool) -> None:
    d = ctx.m["doctrine"]
    target = d["strike_target"]
    if target not in ctx.teams:
        return
    adef = ctx.catalogue.actions.get(d["strike_action"])
    if adef is None:
        return
    tags = ("doctrinal", f"rule:{rule_id}") + (("cause.misperception",) if misperception else ())
    act = Act(
        authoriser,
        adef.id,
        target,
        {},
        f"{adef.id}|{target}|doctrinal|0",
        adef,
        doctrinal=True,
        tags=tags,
    )
    ctx.doctrinal.append(act)


def respond(ctx: Ctx) -> None:
    """Step 8: doctrinal strikes are public; everyone sees them, no misread, no rule fires."""
    conf = ctx.m["perception"]["confidence"]["pub"]
    tr = ctx.m["trust"]
    for act in ctx.doctrinal:
        act.event_id = ctx.next_id("e")
        event = OutcomeEvent(
            id=act.event_id,
            kind="doctrinal",
            actor=act.actor,
            target=act.target,
            action=act.action,
            vis="pub",
            tags=act.tags,
        )
        ctx.events.append(event)
        severity = ctx.severity(act)
        for observer in ctx.teams:
            if observer == act.actor:
                continue
            pc = Perception(observer, act, act.actor, act.action, severity, conf)
            ctx.perceptions.append(pc)
            pair = (observer, act.actor)
            if observer in ctx.adversaries[act.actor] or observer == act.target:
                ctx.threat_sum[pair] += severity
                if severity >= tr["coercive_threshold"]:
                    ctx.trust_add[pair] += tr["coercive_act"]
        rung = ctx.implied_rung(act)
        if rung is not None and act.target is not None:
            ctx.floor((act.actor, act.target), rung, "doctrinal")
