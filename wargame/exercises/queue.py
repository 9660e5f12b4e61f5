"""Work queued for the worker once the current transaction commits, named by task.

Services queue tasks here by name and never import ``wargame.tasks``: the tasks import the
services, so the arrow of imports points one way. A task that could not be queued (the broker is
down) is logged, not raised: each has a safety net (the timers sweep, a report job left queued).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import transaction

from wargame.celery import app

if TYPE_CHECKING:
    from datetime import datetime

logger = logging.getLogger(__name__)

# The task names, shared with the @shared_task declarations in wargame/tasks.py.
EXERCISE_TIMERS = "wargame.exercise_timers"
BOT_MOVES = "wargame.bot_moves"
BOT_REPLIES = "wargame.bot_replies"
TIMERS_SWEEP = "wargame.timers_sweep"
REPORT_RENDER = "wargame.report_render"
PING = "wargame.ping"


def enqueue_on_commit(
    task: str, *args: int, eta: datetime | None = None, exercise_id: int | None = None
) -> None:
    """Queue ``task(*args)`` (at ``eta``, if given) once the current transaction commits."""

    def send() -> None:
        try:
            app.send_task(task, args=args, eta=eta)
        except Exception:  # kombu raises its transport's own errors; each task has a safety net
            logger.warning(
                "could not queue %s%s; its safety net will run it",
                task,
                args,
                exc_info=True,
                extra={"exercise": exercise_id} if exercise_id is not None else {},
            )

    transaction.on_commit(send)
