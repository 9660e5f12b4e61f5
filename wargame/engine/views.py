"""Fog of war (docs/model.md §1): every view is built here, nowhere else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .alliance import fears
from .crisis import crisis_instability
from .model import Model, load_model
from .numbering import agreement_numbers, numbered_params
from .state import ALLIANCE_ALLIES, DPRK_VARS, State, can_see, nest3

if TYPE_CHECKING:
    from .proposal import Proposal


def _public(state: State, model: Model) -> dict[str, Any]:
    return {
        "turn": state.turn,
        "phase": None,
        "rung": nest3(state.rung),
        "threat": nest3(state.threat),
        "trust": nest3(state.trust),
        "assurance": dict(state.assurance),
        "sanctions": state.sanctions,
        "hotline": dict(state.hotline),
    }


def _fears(state: State, model: Model, team: str | None) -> dict[str, dict[str, float]]:
    """An ally's own fears (they rest on its beliefs about the DPRK, so only it and control see
    them); assurance, their public face, is in every view."""
    if team is not None and team not in ALLIANCE_ALLIES:
        return {}
    return {
        ally: {"abandonment": round(ab, 4), "entrapment": round(en, 4)}
        for ally, (ab, en) in fears(model, state, team).items()
    }


def _policies(state: State, model: Model, team: str | None) -> dict[str, dict[str, str]]:
    """Standing decisions the viewer may know (`team` None: control, who sees all)."""
    out: dict[str, dict[str, str]] = {}
    for owner, name, value in state.policy:
        if team is None or can_see(model, team, f"policy/{owner}/{name}"):
            out.setdefault(owner, {})[name] = value
    return out


def _advice(state: State, team: str | None) -> list[dict[str, Any]]:
    return [a.to_dict() for a in state.advice if team is None or a.team == team]


def _beliefs_of(state: State, team: str) -> dict[str, dict[str, Any]]:
    return {
        "/" + b.pointer: {"estimate": b.estimate, "confidence": b.confidence}
        for b in state.beliefs
        if b.team == team
    }


def view_for(state: State, team: str, model: Model | None = None) -> dict[str, Any]:
    """What `team` may know: hidden variables it does not own are absent, its beliefs stand in."""
    model = model or load_model()
    view = _public(state, model)
    view["view"] = f"team:{team}"
    view["policy"] = _policies(state, model, team)
    view["advice"] = _advice(state, team)
    view["alliance"] = _fears(state, model, team)
    killchain = {k: v for k, v in state.killchain if can_see(model, team, f"killchain/{k}")}
    if killchain:
        view["killchain"] = killchain
    if can_see(model, team, "dprk/posture"):
        view["dprk"] = {name: getattr(state.dprk, name) for name in DPRK_VARS}
    view["belief"] = _beliefs_of(state, team)
    return view


def view_for_observers(state: State, model: Model | None = None) -> dict[str, Any]:
    model = model or load_model()
    view = _public(state, model)
    view["view"] = "observers"
    view["policy"] = _policies(state, model, "observers")
    view["belief"] = {}
    return view


def view_for_control(state: State, model: Model | None = None) -> dict[str, Any]:
    model = model or load_model()
    view = _public(state, model)
    view["view"] = "control"
    view["policy"] = _policies(state, model, None)
    view["advice"] = _advice(state, None)
    view["alliance"] = _fears(state, model, None)
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
        return view_for_observers(state, model)
    if view.startswith("team:"):
        return view_for(state, view[5:], model)
    raise ValueError(f"unknown view {view!r}")


def agreements_for(state: State, view: str) -> list[dict[str, Any]]:
    """Agreements as a view knows them: teams see a violation only once detected;
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


def agreements_seen(state: State, view: str) -> list[dict[str, Any]]:
    """The agreements `view` knows, as it knows them, named by its own numbers (`id`, and the
    package's lead in `package`; engine.numbering): control reads the engine's ids."""
    numbers = agreement_numbers(state, view)
    out = []
    for row in agreements_for(state, view):
        if row["id"] not in numbers:
            continue
        row["id"] = numbers[row["id"]]
        row["package"] = numbers.get(row["package"], 0)
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
    numbers = agreement_numbers(state, view)
    perceived = []
    for item in proposal.perceptions.get(view, ()):
        row = item.to_dict(public=True)
        row["params"] = numbered_params(row["params"], numbers)
        perceived.append(row)
    return {
        "view": view,
        "turn": proposal.turn,
        "state": view_state(state, view, model),
        "events": perceived,
        "narrative": narrative,
    }
