"""The numbers clients see for rows that are not events: each counts within its own scope (a
channel's messages, an exercise's channels, participants and report jobs, a view's report jobs),
never across exercises or views, so that a number says nothing of rows its reader cannot see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Max

from wargame.exercises.services.log import lock_held

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from wargame.exercises.models import Exercise


def number_next(*, exercise: Exercise, scope: QuerySet[Any], column: str = "number") -> int:
    """The next number in ``scope`` (rows with a ``column`` of numbers). Taken under the
    exercise's row lock, like an event's ``seq``: two writers cannot take the same number."""
    lock_held(exercise)
    highest = scope.aggregate(highest=Max(column))["highest"]
    return int(highest or 0) + 1
