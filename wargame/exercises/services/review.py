"""The facilitator's review of a proposal, each write in its own transaction under the lock."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wargame.exercises.errors import Conflict, InvalidInput, NotPermitted
from wargame.exercises.models import Exercise, ExerciseStatus
from wargame.exercises.services.adjudication import (
    outcome_publish,
    proposal_override,
    proposal_reroll,
)
from wargame.exercises.services.log import exercise_lock

if TYPE_CHECKING:
    from wargame.exercises.models import Adjudication
    from wargame.exercises.principals import Principal


def _locked_for_control(principal: Principal) -> Exercise:
    if not principal.is_control:
        raise NotPermitted(_("Only the exercise's facilitators review adjudications."))
    return exercise_lock(exercise_id=principal.exercise_id)


def adjudication_override(*, principal: Principal, turn: int, overrides: Any) -> Adjudication:
    """Change values or narrative of the proposal in review, each with a logged reason."""
    if (
        not isinstance(overrides, list)
        or not overrides
        or not all(isinstance(item, dict) for item in overrides)
    ):
        raise InvalidInput.on("overrides", _("A list of {path, value, reason} is required."))
    by = principal.user.get_username() if principal.user is not None else "control"
    with transaction.atomic():
        exercise = _locked_for_control(principal)
        return proposal_override(
            exercise, turn=turn, overrides=overrides, by=by, now=timezone.now()
        )


def adjudication_reroll(*, principal: Principal, turn: int, seed: int | None) -> Adjudication:
    with transaction.atomic():
        exercise = _locked_for_control(principal)
        return proposal_reroll(exercise, turn=turn, seed=seed)


def adjudication_publish(*, principal: Principal, turn: int, approve_nuclear: bool) -> Adjudication:
    """Publish turn ``turn``'s reviewed proposal (409 if it is not the turn in review)."""

    with transaction.atomic():
        exercise = _locked_for_control(principal)
        if exercise.status != ExerciseStatus.RUNNING or exercise.turn != turn:
            raise Conflict(_("Turn %(turn)d is not in review.") % {"turn": turn})
        return outcome_publish(exercise, approve_nuclear=approve_nuclear, now=timezone.now())
