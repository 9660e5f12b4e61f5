"""Acting on what is due: run by each queued timer task and by the periodic sweep."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from wargame.exercises.models import Exercise, ExerciseStatus, Phase
from wargame.exercises.services._turn import phase_advance
from wargame.exercises.services.bots import bots_due_run
from wargame.exercises.services.game import exercise_scenario
from wargame.exercises.services.injects import offset_inject_release
from wargame.exercises.services.log import exercise_lock


def timers_run(*, exercise_id: int, now: datetime) -> list[str]:
    """Release due time-offset injects, lock a passed deadline, end a timed briefing.

    Idempotent: each step re-checks under the exercise lock, so a second run finds nothing due.
    Returns what it did, for the task log.
    """
    # Bots first, in their own transaction: their last submit may end deliberation itself.
    done: list[str] = bots_due_run(exercise_id=exercise_id, now=now)
    with transaction.atomic():
        exercise = exercise_lock(exercise_id=exercise_id)
        if exercise.status != ExerciseStatus.RUNNING or exercise.phase_started_at is None:
            return done
        scenario = exercise_scenario(exercise)
        if exercise.phase == Phase.DELIBERATION:
            for inject in scenario.injects:
                due = exercise.phase_started_at + timedelta(minutes=inject.offset_minutes or 0)
                if (
                    inject.kind == "offset"
                    and inject.turn == exercise.turn
                    and due <= now
                    and offset_inject_release(exercise, scenario, inject_id=inject.id)
                ):
                    done.append(f"inject {inject.id}")
            if exercise.deadline is not None and exercise.deadline <= now:
                phase_advance(exercise, now=now, reason="deadline")
                done.append("deadline")
        elif (
            exercise.phase == Phase.BRIEFING
            and exercise.briefing_seconds is not None
            and exercise.phase_started_at + timedelta(seconds=exercise.briefing_seconds) <= now
        ):
            phase_advance(exercise, now=now, reason="briefing_time")
            done.append("briefing")
    return done


def exercises_with_timers() -> list[int]:
    """Running exercises whose phase has a clock, or with bot teams: what the sweep visits."""
    clocked = Q(phase__in=[Phase.BRIEFING, Phase.DELIBERATION])
    # Bot teams answer messages in every phase (services.bots.bot_replies_run).
    return list(
        Exercise.objects.filter(clocked | Q(teams__ai=True), status=ExerciseStatus.RUNNING)
        .distinct()
        .values_list("pk", flat=True)
    )
