"""The facilitator's review of a proposal: entry points, each authorized, in its own transaction
under the exercise lock."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from wargame.exercises.errors import Conflict, InvalidInput
from wargame.exercises.models import ExerciseStatus
from wargame.exercises.services._turn import outcome_publish, proposal_override, proposal_reroll
from wargame.exercises.services.access import Act, entry

if TYPE_CHECKING:
    from wargame.exercises.models import Adjudication
    from wargame.exercises.principals import Principal


def adjudication_override(*, principal: Principal, turn: int, overrides: Any) -> Adjudication:
    """Change values or narrative of the proposal in review, each with a logged reason."""
    with entry(principal, Act.REVIEW) as entered:
        if (
            not isinstance(overrides, list)
            or not overrides
            or not all(isinstance(item, dict) for item in overrides)
        ):
            raise InvalidInput.on("overrides", _("A list of {path, value, reason} is required."))
        by = principal.user.get_username() if principal.user is not None else "control"
        return proposal_override(
            entered.exercise, turn=turn, overrides=overrides, by=by, now=timezone.now()
        )


def adjudication_reroll(*, principal: Principal, turn: int, seed: int | None) -> Adjudication:
    with entry(principal, Act.REVIEW) as entered:
        return proposal_reroll(entered.exercise, turn=turn, seed=seed)


def adjudication_publish(*, principal: Principal, turn: int, approve_nuclear: bool) -> Adjudication:
    """Publish turn ``turn``'s reviewed proposal (409 if it is not the turn in review). The player
    of a practice game publishes its own proposals."""
    with entry(principal, Act.PUBLISH) as entered:
        exercise = entered.exercise
        if exercise.status != ExerciseStatus.RUNNING or exercise.turn != turn:
            raise Conflict(_("Turn %(turn)d is not in review.") % {"turn": turn})
        return outcome_publish(exercise, approve_nuclear=approve_nuclear, now=timezone.now())
