"""Queueing an exercise's timers on commit: deadline, briefing auto-advance, time-offset injects.

Each queued task runs ``timers_run``, which re-reads the exercise under its lock and acts only on
what is due, so a task that runs late, twice, or after a change of plan does nothing wrong; the
periodic sweep runs the same function, so a lost task never stalls a game.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from wargame.exercises.models import Channel, ChannelKind, Exercise, ExerciseStatus, Phase
from wargame.exercises.queue import BOT_MOVES, BOT_REPLIES, EXERCISE_TIMERS, enqueue_on_commit
from wargame.exercises.services.game import exercise_scenario

if TYPE_CHECKING:
    from wargame.engine.scenario import Scenario


def timer_moments(exercise: Exercise, scenario: Scenario) -> list[datetime]:
    """When this exercise's current phase next needs attention."""
    if exercise.status != ExerciseStatus.RUNNING or exercise.phase_started_at is None:
        return []
    moments: list[datetime] = []
    if (
        # A timed briefing ends by itself (docs/interface.md#exercise-lifecycle: advance from
        # briefing).
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
    for moment in timer_moments(exercise, exercise_scenario(exercise)):
        enqueue_on_commit(EXERCISE_TIMERS, exercise.pk, eta=moment, exercise_id=exercise.pk)
    schedule_bot_moves(exercise)


def schedule_bot_moves(exercise: Exercise) -> None:
    """In deliberation, after commit, queue the bot teams' moves a short while from now (so the
    room does not feel automated); the sweep runs them too if the task is lost."""
    if exercise.status != ExerciseStatus.RUNNING or exercise.phase != Phase.DELIBERATION:
        return
    if not exercise.teams.filter(ai=True).exists():
        return
    eta = timezone.now() + timedelta(seconds=settings.BOT_DELAY_SECONDS)
    enqueue_on_commit(BOT_MOVES, exercise.pk, exercise.turn or 0, eta=eta, exercise_id=exercise.pk)


def schedule_bot_replies(exercise: Exercise, channel: Channel) -> None:
    """After commit, queue the bot teams' answers to a message a person posted on a line a bot team
    is on, a few seconds from now; the sweep answers too if the task is lost."""
    if channel.kind not in (ChannelKind.HOTLINE, ChannelKind.ALLIED):
        return  # a team's own channel and control lines have no bot to answer: no query
    if not exercise.teams.filter(ai=True, code__in=channel.members).exists():
        return
    eta = timezone.now() + timedelta(seconds=settings.BOT_REPLY_SECONDS)
    enqueue_on_commit(BOT_REPLIES, exercise.pk, eta=eta, exercise_id=exercise.pk)
