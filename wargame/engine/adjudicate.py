"""One turn of adjudication (docs/model.md §8), deterministic in (state, decisions, seed)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Literal

from . import joint
from .background import add_background_acts
from .cbm import false_accusations, hotlines, lifecycle, transitions, violations
from .crisis import crisis_instability
from .doctrine import respond
from .errors import RuleViolation
from .model import Model, load_model
from .narrative import control_narrative, public_narrative, team_narrative
from .numbering import agreement_numbers
from .perception import accumulate, false_alarms, perceive_act
from .proposal import DecisionPoint, OutcomeEvent, PerceivedEvent, Proposal
from .rng import Dice
from .rules import run_rules
from .rules.capability import apply_capabilities
from .rules.context import Act, Ctx, build_context
from .state import State, state_with
from .update import update

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
        missing: tuple[str, ...] = ()
        if act.adef.joint:
            missing = tuple(
                partner
                for partner in joint.partners(act.adef, act.actor, act.target, act.params)
                if not joint.joined(act.adef, act.actor, partner, by_actor.get(partner, set()))
            )
            if missing:
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
                data=(("key", act.key), ("missing", missing)) if missing else (("key", act.key),),
            )
        )


def _perceptions(ctx: Ctx) -> dict[str, tuple[PerceivedEvent, ...]]:
    views: dict[str, list[PerceivedEvent]] = {f"team:{t}": [] for t in ctx.teams}
    views["observers"] = []

    def pid(view: str) -> str:
        # Numbered within the view the item belongs to: a view's ids run p1, p2, ... and say
        # nothing of how much the other views perceived.
        return f"t{ctx.turn}.p{len(views.setdefault(view, [])) + 1}"

    events = {e.id: e for e in ctx.events}
    for act in ctx.acts:
        e = events[act.event_id]
        views[f"team:{act.actor}"].append(
            PerceivedEvent(
                pid(f"team:{act.actor}"),
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
                    pid("observers"),
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
                pid(f"team:{pc.observer}"),
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
                pid("observers"),
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
                    pid(view),
                    view,
                    e.id,
                    e.kind,
                    e.actor,
                    e.target,
                    e.action,
                    e.data,
                    0.0,
                    1.0,
                    e.tags,
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
    narrate: bool = True,
) -> Proposal:
    """Resolve one turn: S_t + sealed decisions + seed -> a proposal for control. `narrate`
    False leaves the texts empty (a simulation reads numbers only); nothing else changes."""
    dice = Dice(seed, state.turn)
    ctx = build_context(model, catalogue, state, seed, dice)
    _collect(ctx, decisions)
    add_background_acts(ctx)
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
    new_state, points, requires = update(ctx)
    if ctx.misperception_tags or any("cause.misperception" in a.tags for a in ctx.doctrinal):
        ctx.rules_fired.append(("perception", "Misperception shaped this turn's outcome."))
    perceptions = _perceptions(ctx)
    events = tuple(ctx.events)
    by_id = {e.id: e for e in events}
    view_narratives: dict[str, dict[str, str]] = {}
    if narrate:
        view_narratives = {
            view: team_narrative(catalogue, items, by_id, agreement_numbers(new_state, view))
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
        narrative=view_narratives.get("observers", {}),
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
