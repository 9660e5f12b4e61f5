"""Exercises made straight in the database, for tests of the layers below the API."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth import get_user_model

from wargame.exercises.models import Exercise, Team

_numbers = itertools.count(1)


def exercise_create(**fields: Any) -> Exercise:
    """An exercise with the four core teams and a fresh facilitator account as its creator."""
    user = get_user_model().objects.create_user(f"facilitator{next(_numbers)}")
    exercise = Exercise.objects.create(
        title=fields.pop("title", "Exercise season"),
        scenario_slug=fields.pop("scenario_slug", "exercise_season"),
        scenario_text=fields.pop("scenario_text", "slug: exercise_season\n"),
        seed=fields.pop("seed", 42),
        state=fields.pop("state", {}),
        created_by=user,
        **fields,
    )
    Team.objects.bulk_create(
        Team(exercise=exercise, code=code) for code in ("US", "ROK", "JPN", "DPRK")
    )
    return exercise
