"""The escalation history of an exercise, turn by turn, as one view may know it.

Each point is the state after a published turn (turn 0: the state the first turn started from),
passed through the engine's views, so a variable hidden from a view stays hidden in its history
too (docs/model.md#1-state): control gets the truth with the crisis-instability index, teams and
observers the public ladder only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.utils.translation import gettext as _

from wargame.engine.state import State
from wargame.engine.views import view_state
from wargame.exercises.errors import NotFound
from wargame.exercises.models import Adjudication, AdjudicationStatus
from wargame.exercises.selectors.reads import exercise_visible
from wargame.exercises.services.game import exercise_scenario
from wargame.exercises.views_of import CONTROL, OBSERVERS

if TYPE_CHECKING:
    from wargame.exercises.events import ProposalPayload
    from wargame.exercises.models import Exercise
    from wargame.exercises.principals import Principal


class HistoryPoint(TypedDict):
    turn: int
    rung: dict[str, dict[str, int]]
    ci: float | None
    state: dict[str, Any]


class LadderScale(TypedDict):
    """The ladder's bounds and the model's safety thresholds (docs/model.md#2-the-escalation-ladder,
    #9-safety)."""

    bottom: int
    top: int
    approval_rung: int
    hold_rung: int
    victim_trigger: int


def _point(turn: int, raw_state: dict[str, Any], view: str, exercise: Exercise) -> HistoryPoint:
    model = exercise_scenario(exercise).model()
    seen = view_state(State.from_dict(raw_state), view, model)
    ci = seen.get("ci")
    return {
        "turn": turn,
        "rung": {a: {b: int(v) for b, v in row.items()} for a, row in seen["rung"].items()},
        "ci": float(ci) if ci is not None else None,
        "state": seen,
    }


def _history(exercise: Exercise, view: str) -> list[HistoryPoint]:
    rows = list(
        Adjudication.objects.filter(exercise=exercise)
        .order_by("turn")
        .values_list("turn", "status", "base_state", "proposal")
    )
    # The first adjudication kept the state its turn started from; before any, the exercise's
    # own state is still that start.
    initial = rows[0][2] if rows else exercise.state
    points = [_point(0, initial, view, exercise)]
    for turn, status, _base, proposal in rows:
        if status == AdjudicationStatus.PUBLISHED:
            points.append(_point(int(turn), proposal["state"], view, exercise))
    return points


def escalation_history(principal: Principal) -> list[HistoryPoint]:
    """Control: the truth after every published turn. Teams and observers: their own view of it."""
    exercise = exercise_visible(principal)
    return _history(exercise, CONTROL if principal.is_control else principal.view)


def public_escalation_history(principal: Principal) -> list[HistoryPoint]:
    """The observers' history whoever asks: what a projector in the room may show."""
    return _history(exercise_visible(principal), OBSERVERS)


def ladder_scale(principal: Principal) -> LadderScale:
    model = exercise_scenario(exercise_visible(principal)).model()
    bottom, top = model.data["domains"]["rung"]
    safety = model.data["safety"]
    return {
        "bottom": int(bottom),
        "top": int(top),
        "approval_rung": int(safety["approval_rung"]),
        "hold_rung": int(safety["hold_rung"]),
        "victim_trigger": int(model.data["ladder"]["victim_trigger"]),
    }


def proposed_state_view(principal: Principal, proposal: ProposalPayload) -> dict[str, Any]:
    """Control's view of a proposal's state (with its CI), for the review beside the current one."""
    exercise = exercise_visible(principal)
    if not principal.is_control:
        raise NotFound(_("Not found."))
    model = exercise_scenario(exercise).model()
    return view_state(State.from_dict(proposal["state"]), CONTROL, model)
