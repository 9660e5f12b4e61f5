"""The console's review panels as regions: the escalation dashboard's content (the adjudication
review's is ``review_panel.adjudication_context``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wargame.exercises.errors import NotFound
from wargame.exercises.selectors.history import escalation_history, ladder_scale
from wargame.exercises.selectors.reads import adjudication_for, exercise_visible
from wargame.web.review_dashboard import escalation_alerts, escalation_figure
from wargame.web.review_labels import rung_name

if TYPE_CHECKING:
    from wargame.exercises.principals import Principal


def _pending_decision_points(principal: Principal) -> list[dict[str, Any]]:
    """Nuclear decision points of the proposal in review: the alert control must not miss."""
    exercise = exercise_visible(principal)
    if exercise.phase != "adjudication" or exercise.turn is None:
        return []
    try:
        proposal = adjudication_for(principal, turn=exercise.turn)
    except NotFound:
        return []
    if proposal is None:
        return []
    return [
        {**point, "turn": exercise.turn, "rung_name": rung_name(int(point["rung"]))}
        for point in proposal["decision_points"]
    ]


def dashboard_context(principal: Principal) -> dict[str, Any]:
    history = escalation_history(principal)
    scale = ladder_scale(principal)
    return {
        "exercise_id": principal.exercise_id,
        "figure": escalation_figure(
            history, scale, dom_id="dashboard", with_ci=principal.is_control
        ),
        "alerts": escalation_alerts(history, scale),
        "decision_points": _pending_decision_points(principal),
        "scale": scale,
        "latest_turn": history[-1]["turn"],
    }
