"""The debrief: control opens the end-of-game truth to players and observers.

Until control releases it, a team's report sets the team's beliefs against what the team saw; once
a ``debrief.released`` event has reached a view, that view's report sets them against the truth.
Each view's payload carries only what it may now see: a team its own answers with their truths,
observers the teams' answers only under the teaching view (as they read the teams' decisions), and
never control's own items (the seed, the overrides' reasons, injects to control).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from wargame.exercises.errors import Conflict, InvalidInput
from wargame.exercises.events import BeliefTruthRow, DebriefPayload, EventType
from wargame.exercises.models import BeliefAnswer, Exercise, ExerciseStatus, ObserverView
from wargame.exercises.services.beliefs import belief_truths_fill
from wargame.exercises.services.log import event_append, lock_held
from wargame.exercises.views_of import CONTROL, OBSERVERS, team_view

if TYPE_CHECKING:
    from collections.abc import Iterable

# The groups a facilitator may name besides single views.
GROUPS = ("teams", "observers")


def debrief_views(exercise: Exercise, asked: object) -> list[str]:
    """The views ``asked`` names (``teams``, ``observers``, team codes or ``team:<CODE>``), checked,
    in a stable order."""
    codes = list(exercise.teams.order_by("id").values_list("code", flat=True))
    if not isinstance(asked, list) or not asked or not all(isinstance(v, str) for v in asked):
        raise InvalidInput.on(
            "args.views", _("Name the views to open: teams, observers or team codes.")
        )
    chosen: set[str] = set()
    for item in asked:
        if item == "teams":
            chosen.update(team_view(code) for code in codes)
        elif item == "observers":
            chosen.add(OBSERVERS)
        elif item.removeprefix("team:") in codes:
            chosen.add(team_view(item.removeprefix("team:")))
        else:
            raise InvalidInput.on(
                "args.views", _("%(view)s is not a view of this exercise.") % {"view": item}
            )
    order = [OBSERVERS, *(team_view(code) for code in codes)]
    return [v for v in order if v in chosen]


def _rows(answers: Iterable[BeliefAnswer]) -> list[BeliefTruthRow]:
    return [
        BeliefTruthRow(
            turn=row.turn,
            team=row.team.code,
            question=qid,
            answer=value,
            truth=row.truths.get(qid),
        )
        for row in answers
        for qid, value in row.answers.items()
    ]


def debrief_release(exercise: Exercise, asked: object) -> list[str]:
    """Open the debrief to the chosen views: one ``debrief.released`` event, each view its own
    payload. The caller (``release_debrief``) holds the exercise lock."""
    lock_held(exercise)
    if exercise.status != ExerciseStatus.ENDED:
        # The end-of-game truth would tell a team what it is still playing against.
        raise Conflict(_("The debrief opens once the exercise has ended."))
    views = debrief_views(exercise, asked)
    belief_truths_fill(exercise)
    answers = list(
        BeliefAnswer.objects.filter(exercise=exercise).select_related("team").order_by("turn", "id")
    )
    everything = _rows(answers)
    teaching = exercise.observer_view == ObserverView.TEAMS

    def payload_for(view: str) -> DebriefPayload:
        if view == OBSERVERS:
            rows = everything if teaching else []
        else:
            rows = [r for r in everything if team_view(r["team"]) == view]
        return DebriefPayload(turn=exercise.turn, state=dict(exercise.state), beliefs=rows)

    event_append(
        exercise=exercise,
        type=EventType.DEBRIEF_RELEASED,
        audience=[CONTROL, *views],
        payload=DebriefPayload(
            turn=exercise.turn, state=dict(exercise.state), beliefs=everything, views=views
        ),
        view_payloads={view: payload_for(view) for view in views},
    )
    return views
