"""Who may read an exercise's after-action report. It shows every team's private decisions and
perceptions, so: its facilitators at any time; once it has ended, its observers if the facilitator
opened the teams' record to them (``observer_view: teams``), and the one player of a practice
game (every other team there is a bot)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wargame.exercises.models import ExerciseStatus, ObserverView
from wargame.exercises.views_of import OBSERVERS

if TYPE_CHECKING:
    from wargame.exercises.models import Exercise
    from wargame.exercises.principals import Principal


def report_readable(principal: Principal, exercise: Exercise) -> bool:
    if principal.is_control:
        return True
    if exercise.status != ExerciseStatus.ENDED:
        return False
    if principal.view == OBSERVERS:
        return exercise.observer_view == ObserverView.TEAMS
    return principal.is_player and exercise.practice
