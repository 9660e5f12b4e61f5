"""Celery tasks. Each takes ids, calls one service and is safe to run twice. Services queue them
by name (``wargame.exercises.queue``) and never import this module."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from wargame.exercises.queue import (
    BOT_MOVES,
    BOT_REPLIES,
    EXERCISE_TIMERS,
    PING,
    REPORT_RENDER,
    TIMERS_SWEEP,
)
from wargame.exercises.services.bots import bot_moves_run, bot_replies_run
from wargame.exercises.services.reports import report_job_run
from wargame.exercises.services.timers import exercises_with_timers, timers_run
from wargame.reports.aar.cache import cached_report

logger = logging.getLogger(__name__)


@shared_task(name=PING)
def ping(token: str) -> str:
    """Echo a token: lets a probe or a test see that a worker is consuming the broker."""
    return token


@shared_task(name=EXERCISE_TIMERS, ignore_result=True)
def exercise_timers(exercise_id: int) -> list[str]:
    """Whatever of this exercise's deadline, briefing timer and timed injects is due now."""
    done = timers_run(exercise_id=exercise_id, now=timezone.now())
    if done:
        logger.info("timers: %s", ", ".join(done), extra={"exercise": exercise_id})
    return done


@shared_task(name=BOT_MOVES, ignore_result=True)
def bot_moves(exercise_id: int, turn: int) -> list[str]:
    """The bot teams' decisions for this turn's deliberation (and replies still owed)."""
    done = bot_moves_run(exercise_id=exercise_id, turn=turn, now=timezone.now())
    done += bot_replies_run(exercise_id=exercise_id)
    if done:
        logger.info("bots: %s", ", ".join(done), extra={"exercise": exercise_id, "turn": turn})
    return done


@shared_task(name=BOT_REPLIES, ignore_result=True)
def bot_replies(exercise_id: int) -> list[str]:
    """Bot teams answer what people just said to them on hotlines and allied lines."""
    done = bot_replies_run(exercise_id=exercise_id)
    if done:
        logger.info("bot replies: %s", ", ".join(done), extra={"exercise": exercise_id})
    return done


@shared_task(name=TIMERS_SWEEP, ignore_result=True)
def timers_sweep() -> int:
    """The safety net for lost timer tasks (a killed worker, a restarted broker)."""
    now = timezone.now()
    acted = 0
    for exercise_id in exercises_with_timers():
        if timers_run(exercise_id=exercise_id, now=now):
            acted += 1
    return acted


@shared_task(name=REPORT_RENDER, ignore_result=True)
def report_render(job_id: int) -> str:
    """Render one after-action report job (POST reports/), announcing progress to control."""
    return report_job_run(job_id=job_id, render=cached_report)
