"""Revocation: what ends a facilitator's access, and the news of it that cuts open sockets.

A participant's removal is an event in its view (``participant.left``), its socket's last frame.
An account's access ends otherwise: deactivated, its API token deleted, or removed as a
co-facilitator, here or in the admin. Each of those calls ``access_revoked`` (the model
receivers in ``wargame.exercises.receivers`` do, wherever the change was made); once the
transaction commits, every server process checks its facilitators' sockets again and closes
those whose credential no longer holds with 4403.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from wargame.exercises import notify
from wargame.exercises.errors import Conflict, NotFound
from wargame.exercises.events import EventType, ExerciseChangedPayload
from wargame.exercises.models import FacilitatorMembership
from wargame.exercises.services.access import Act, entry
from wargame.exercises.services.log import event_append
from wargame.exercises.views_of import CONTROL

if TYPE_CHECKING:
    from wargame.exercises.models import Exercise
    from wargame.exercises.principals import Principal


def access_revoked(*, exercise_id: int | None) -> None:
    """After this transaction commits, sockets of ``exercise_id`` (of every exercise if None)
    are checked again."""
    transaction.on_commit(partial(notify.access_revoked, exercise_id))


def facilitator_remove(*, principal: Principal, user_id: int) -> Exercise:
    """Remove a co-facilitator (the caller facilitates the exercise); the last one stays."""
    with entry(principal, Act.FACILITATORS) as entered:
        exercise = entered.exercise
        membership = (
            FacilitatorMembership.objects.filter(exercise=exercise, user_id=user_id)
            .select_related("user")
            .first()
        )
        if membership is None:
            raise NotFound(_("No facilitator with that id in this exercise."))
        if FacilitatorMembership.objects.filter(exercise=exercise).count() == 1:
            raise Conflict(_("An exercise keeps at least one facilitator."))
        username = membership.user.get_username()
        membership.delete()  # the receiver calls access_revoked
        event_append(
            exercise=exercise,
            type=EventType.EXERCISE_CHANGED,
            audience=[CONTROL],
            payload=ExerciseChangedPayload(change="facilitator_removed", username=username),
        )
    return exercise
