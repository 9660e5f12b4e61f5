"""Queueing an exercise's timers on commit: deadline, briefing auto-advance, time-offset injects.

Each queued task runs ``timers_run``, which re-reads the exercise under its lock and acts only on
what is due, so a task that runs late, twice, or after a change of plan does nothing wrong; the
periodic sweep runs the same function, so a lost task never stalls a game.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction

from wargame.exercises.models import Exercise, ExerciseStatus, Phase

if TYPE_CHECKING:
    from wargame.engine.scenario import Scenario

logger = logging.getLogger(__name__)


def timer_moments(exercise: Exercise, scenario: Scenario) -> list[datetime]:
    """When this exercise's current phase next needs attention."""
    if exercise.status != ExerciseStatus.RUNNING or exercise.phase_started_at is None:
        return []
    moments: list[datetime] = []
    if (
        # A timed briefing ends by itself (CONTRACT.md: advance from briefing).
        exercise.phase == Phase.BRIEFING and exercise.briefing_seconds is not None
    ):
        moments.append(exercise.phase_started_at + timedelta(seconds=exercise.briefing_seconds))
    if exercise.phase == Phase.DELIBERATION:
        if exercise.deadline is not None:
            moments.append(exercise.deadline)
        moments += [
            exercise.phase_started_at + timedelta(minutes=inject.offset_minutes or 0)
            for inject in scenario.injects
            if inject.kind == "offset" and inject.turn == exercise.turn
        ]
    return sorted(moments)


def schedule_phase_timers(exercise: Exercise) -> None:
    """After commit, queue one task for each moment of the current phase."""
    from wargame.exercises.services.game import exercise_scenario

    moments = timer_moments(exercise, exercise_scenario(exercise))
    exercise_id = exercise.pk

    def enqueue() -> None:
        from wargame.tasks import exercise_timers

        for moment in moments:
            try:
                exercise_timers.apply_async((exercise_id,), eta=moment)
            except Exception:  # kombu raises its transport's own errors; the sweep covers us
                logger.warning(
                    "exercise %s: could not queue a timer for %s; the sweep will",
                    exercise_id,
                    moment,
                    exc_info=True,
                )

    if moments:
        transaction.on_commit(enqueue)
