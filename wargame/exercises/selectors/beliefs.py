"""A team's answers to the belief questionnaire as the team may read them: its own answers, never
the truth stored beside them (that waits for the debrief)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wargame.exercises.models import BeliefAnswer

if TYPE_CHECKING:
    from wargame.exercises.principals import Principal


def belief_answers_for(principal: Principal, turn: int) -> dict[str, Any]:
    """The caller's team's answers for ``turn`` (empty for a caller without a team)."""
    if not principal.is_player or principal.team_code is None:
        return {}
    row = BeliefAnswer.objects.filter(
        exercise_id=principal.exercise_id, team__code=principal.team_code, turn=turn
    ).first()
    return dict(row.answers) if row is not None else {}
