"""Who is looking at a page: a facilitator's session or the participant cookie the join page set.

Pages answer 404 for an exercise the caller may not see, as the API does: a hidden exercise does
not exist. A participant whose seat is gone is sent back to the join page instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from wargame.exercises.errors import NotFound
from wargame.exercises.principals import (
    PARTICIPANT_COOKIE,
    Principal,
    participant_for_token,
    principal_for,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from wargame.exercises.models import Exercise, Participant


def cookie_participant(request: HttpRequest) -> Participant | None:
    """The active seat behind this browser's participant cookie, whatever its exercise."""
    token = request.COOKIES.get(PARTICIPANT_COOKIE)
    return participant_for_token(token) if token else None


def page_principal(request: HttpRequest, exercise_id: int) -> Principal:
    """The caller in this exercise: its facilitator first, else the seat in the cookie."""
    user = request.user
    try:
        if user.is_authenticated:
            try:
                return principal_for(exercise_id=exercise_id, user=user)
            except NotFound:
                pass
        participant = cookie_participant(request)
        if participant is None:
            raise NotFound("no seat")
        return principal_for(exercise_id=exercise_id, participant=participant)
    except NotFound as exc:
        raise Http404 from exc


def view_position(exercise: Exercise, view: str) -> int:
    """The view's latest stream position: a page rendered now is current up to here, so its
    socket asks for the events after it."""
    return int(exercise.view_positions.get(view, 0))
