"""Writes made in the test process itself, as a Celery worker or a management command would:
not through the server that holds the sockets."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from wargame.exercises.principals import Principal
from wargame.exercises.services.lifecycle import exercise_command
from wargame.exercises.views_of import CONTROL


def start_directly(exercise_id: int) -> None:
    user = get_user_model().objects.get(username="control")
    principal = Principal(exercise_id=exercise_id, view=CONTROL, user=user)
    exercise_command(principal=principal, command="start")
