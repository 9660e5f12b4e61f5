"""Celery tasks. Each takes ids, calls one service and is safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(name="wargame.ping")
def ping(token: str) -> str:
    """Echo a token: lets a probe or a test see that a worker is consuming the broker."""
    return token


@shared_task(name="wargame.exercise_timers", ignore_result=True)
def exercise_timers(exercise_id: int) -> list[str]:
    """Whatever of this exercise's deadline, briefing timer and timed injects is due now."""
    from wargame.exercises.services.timers import timers_run

    done = timers_run(exercise_id=exercise_id, now=timezone.now())
    if done:
        logger.info("timers: %s", ", ".join(done), extra={"exercise": exercise_id})
    return done


@shared_task(name="wargame.bot_moves", ignore_result=True)
def bot_moves(exercise_id: int, turn: int) -> list[str]:
    """The bot teams' decisions for this turn's deliberation (and replies still owed)."""
    from wargame.exercises.services.bots import bot_moves_run, bot_replies_run

    done = bot_moves_run(exercise_id, turn, timezone.now()) + bot_replies_run(exercise_id)
    if done:
        logger.info("bots: %s", ", ".join(done), extra={"exercise": exercise_id, "turn": turn})
    return done


@shared_task(name="wargame.bot_replies", ignore_result=True)
def bot_replies(exercise_id: int) -> list[str]:
    """Bot teams answer what people just said to them on hotlines and allied lines."""
    from wargame.exercises.services.bots import bot_replies_run

    done = bot_replies_run(exercise_id)
    if done:
        logger.info("bot replies: %s", ", ".join(done), extra={"exercise": exercise_id})
    return done


@shared_task(name="wargame.timers_sweep", ignore_result=True)
def timers_sweep() -> int:
    """The safety net for lost timer tasks (a killed worker, a restarted broker)."""
    from wargame.exercises.services.timers import exercises_with_timers, timers_run

    now = timezone.now()
    acted = 0
    for exercise_id in exercises_with_timers():
        if timers_run(exercise_id=exercise_id, now=now):
            acted += 1
    return acted
