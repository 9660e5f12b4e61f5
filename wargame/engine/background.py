"""An exercise in progress: the act the adjudication sees each turn a scenario's exercise runs.

Freedom Shield goes on once it has begun, whether or not a team picks the exercise again, and
Pyongyang watches it every day it runs (004 §III). While an exercise effect stands
(`wargame.engine.effects`), each team conducting it is taken to exercise this turn, as if it had
chosen `s.exercise` with its partners. The team's own choice wins: a team that picks the exercise
itself sets its scale and notice, and a team that announces a scale-down (`s.scale_down`) runs the
rest of it reduced. Where an agreement in force asks for exercises to be notified, the exercise in
progress is notified: the staff keep the treaty the government signed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .effects import active
from .proposal import OutcomeEvent
from .rules.context import Act

if TYPE_CHECKING:
    from .rules.context import Ctx

EXERCISE = "s.exercise"
SCALE_DOWN = "s.scale_down"
BACKGROUND_TAG = "background"


def _notified(ctx: Ctx, actor: str, target: str | None, asked: bool) -> bool:
    if asked:
        return True
    for measure, spec in ctx.m["cbm"]["measures"].items():
        if EXERCISE in spec.get("notify", ()):
            parties = (actor, target) if target else (actor,)
            if ctx.in_force(measure, *parties):
                return True
    return False


def add_background_acts(ctx: Ctx) -> None:
    """Append the acts of every exercise in progress this turn (after the teams' own acts)."""
    adef = ctx.catalogue.actions.get(EXERCISE)
    if adef is None:
        return
    for effect in active(ctx.state.effects, ctx.turn, "exercise"):
        actor = effect.name
        if actor not in ctx.teams or actor not in adef.actors:
            continue
        if any(a.actor == actor and a.action == EXERCISE for a in ctx.acts):
            continue
        scaled_down = any(
            a.actor == actor and a.action == SCALE_DOWN and a.effective for a in ctx.acts
        )
        target = "DPRK" if "DPRK" in ctx.adversaries.get(actor, ()) else None
        partners = [p for p in effect.partners if p in ctx.teams and p != actor]
        params: dict[str, object] = {"scale": "reduced" if scaled_down else effect.scale}
        if partners:
            params["with"] = partners
        notified = bool(adef.notifiable) and _notified(ctx, actor, target, effect.notify)
        if notified:
            params["notify"] = True
        key = f"{EXERCISE}|{BACKGROUND_TAG}|{actor}"
        act = Act(
            actor,
            EXERCISE,
            target,
            params,
            key,
            adef,
            notified=notified,
            tags=(BACKGROUND_TAG,),
        )
        act.event_id = ctx.next_id("e")
        ctx.acts.append(act)
        vis = "decl" if notified and adef.vis in ("prv", "cov") else adef.vis
        ctx.events.append(
            OutcomeEvent(
                id=act.event_id,
                kind="action",
                actor=actor,
                target=target,
                action=EXERCISE,
                params=tuple(sorted(params.items())),
                vis=vis,
                tags=(BACKGROUND_TAG,),
                data=(("key", key),),
            )
        )
