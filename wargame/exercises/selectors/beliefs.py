"""A team's answers to the belief questionnaire as the team may read them: its own answers, never
the truth stored beside them (that waits for the debrief)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wargame.exercises.events import EventType
from wargame.exercises.models import BeliefAnswer
from wargame.exercises.selectors.snapshot import once_per_snapshot
from wargame.exercises.views_of import CONTROL

if TYPE_CHECKING:
    from collections.abc import Iterable

    from wargame.exercises.principals import Principal
    from wargame.exercises.selectors.events import ViewEvent


@once_per_snapshot
def belief_answers_for(principal: Principal, turn: int) -> tuple[dict[str, Any], int]:
    """The caller's team's answers for ``turn`` and their version (0: none saved; empty for a
    caller without a team)."""
    if not principal.is_player or principal.team_code is None:
        return {}, 0
    row = BeliefAnswer.objects.filter(
        exercise_id=principal.exercise_id, team__code=principal.team_code, turn=turn
    ).first()
    return (dict(row.answers), row.version) if row is not None else ({}, 0)


def belief_answers_known(
    exercise_id: int, view: str, events: Iterable[ViewEvent]
) -> tuple[list[dict[str, Any]], bool]:
    """Every answer ``view`` may read, each ``{turn, team, question, answer, truth}``, and whether
    the truth is open to it. Control reads every answer with its stored truth; any other view
    reads what its stream carried: its team's answers, and once the debrief reached it, the
    answers and truths of its ``debrief.released`` payload."""
    if view == CONTROL:
        rows = BeliefAnswer.objects.filter(exercise_id=exercise_id).select_related("team")
        known = [
            {
                "turn": r.turn,
                "team": r.team.code,
                "question": q,
                "answer": a,
                "truth": r.truths.get(q),
            }
            for r in rows.order_by("turn", "id")
            for q, a in r.answers.items()
        ]
        return known, True
    latest: dict[tuple[int, str], dict[str, Any]] = {}
    released: list[dict[str, Any]] | None = None
    for event in events:
        payload = event.payload if isinstance(event.payload, dict) else {}
        if event.type == EventType.BELIEF_SUBMITTED:
            latest[(int(payload["turn"]), str(payload["team"]))] = dict(payload["answers"])
        elif event.type == EventType.DEBRIEF_RELEASED:
            released = [dict(row) for row in payload.get("beliefs") or ()]
    if released is not None:
        return released, True
    known = [
        {"turn": turn, "team": team, "question": q, "answer": a, "truth": None}
        for (turn, team), answers in sorted(latest.items())
        for q, a in answers.items()
    ]
    return known, False


def belief_progress(principal: Principal, turn: int) -> dict[str, int]:
    """Control's view of the questionnaire this turn: how many questions each team answered."""
    if not principal.is_control:
        return {}
    rows = BeliefAnswer.objects.filter(exercise_id=principal.exercise_id, turn=turn)
    return {code: len(answers) for code, answers in rows.values_list("team__code", "answers")}
