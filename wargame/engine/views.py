"""Fog of war (docs/model.md §1): every view is built here, nowhere else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .crisis import crisis_instability
from .model import Model, load_model
from .state import DPRK_VARS, State, _nest3, can_see

if TYPE_CHECKING:
    from .proposal import Proposal


def _public(state: State) -> dict[str, Any]:
    return {
        "turn": state.turn,
        "phase": None,
        "rung": _nest3(state.rung),
        "threat": _nest3(state.threat),
        "trust": _nest3(state.trust),
        "assurance": dict(state.assurance),
        "sanctions": state.sanctions,
        "hotline": dict(state.hotline),
    }


def _beliefs_of(state: State, team: str) -> dict[str, dict[str, Any]]:
    return {
        "/" + b.pointer: {"estimate": b.estimate, "confidence": b.confidence}
        for b in state.beliefs
        if b.team == team
    }


def view_for(state: State, team: str, model: Model | None = None) -> dict[str, Any]:
    """What `team` may know: hidden variables it does not own are absent, its beliefs stand in."""
    model = model or load_model()
    view = _public(state)
    view["view"] = f"team:{team}"
    killchain = {k: v for k, v in state.killchain if can_see(model, team, f"killchain/{k}")}
    if killchain:
        view["killchain"] = killchain
    if can_see(model, team, "dprk/posture"):
        view["dprk"] = {name: getattr(state.dprk, name) for name in DPRK_VARS}
    view["belief"] = _beliefs_of(state, team)
    return view


def view_for_observers(state: State) -> dict[str, Any]:
    view = _public(state)
    view["view"] = "observers"
    view["belief"] = {}
    return view


def view_for_control(state: State, model: Model | None = None) -> dict[str, Any]:
    model = model or load_model()
    view = _public(state)
    view["view"] = "control"
    view["killchain"] = dict(state.killchain)
    view["dprk"] = {name: getattr(state.dprk, name) for name in DPRK_VARS}
    view["ci"] = crisis_instability(state, model)
    view["belief"] = {team: _beliefs_of(state, team) for team in state.teams}
    return view


def view_state(state: State, view: str, model: Model | None = None) -> dict[str, Any]:
    """Dispatch on a view name: "control", "observers" or "team:<CODE>"."""
    if view == "control":
        return view_for_control(state, model)
    if view == "observers":
        return view_for_observers(state)
    if view.startswith("team:"):
        return view_for(state, view[5:], model)
    raise ValueError(f"unknown view {view!r}")


def agreements_for(state: State, view: str) -> list[dict[str, Any]]:
    """CONTRACT.md agreements as a view knows them: teams see a violation only once detected;
    observers see agreements without violation details."""
    out = []
    for a in state.agreements:
        row = a.to_dict()
        if view != "control":
            team = view[5:] if view.startswith("team:") else None
            if a.status == "violated" and (team is None or team not in a.detected_by):
                if team is not None and team in a.violated_by:
                    pass  # the violator knows what it did
                else:
                    row["status"] = _apparent_status(a)
            if team is None or team not in a.violated_by:
                row["violated_by"] = [v for v in a.violated_by if team in a.detected_by]
            row.pop("detected_by", None)
        out.append(row)
    return out


def _apparent_status(agreement: Any) -> str:
    done = [t for _, t in agreement.steps if t is not None]
    if agreement.phase > 0 or (done and len(done) == len(agreement.steps)):
        return "implemented"
    return "agreed"


def outcome_for(proposal: Proposal, view: str, model: Model | None = None) -> dict[str, Any]:
    """The per-view outcome payload: control the truth, a team what it perceived, observers the
    public events only. Hidden variables never leave this function for a view that may not see
    them."""
    model = model or load_model()
    state = proposal.state
    if view == "control":
        full = proposal.to_dict()
        full["view"] = "control"
        full["state"] = view_for_control(state, model)
        return full
    narrative = proposal.narrative_for(view)
    perceived = [p.to_dict(public=True) for p in proposal.perceptions.get(view, ())]
    return {
        "view": view,
        "turn": proposal.turn,
        "state": view_state(state, view, model),
        "events": perceived,
        "narrative": narrative,
    }
