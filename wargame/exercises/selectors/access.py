"""Whether the credentials behind open sockets still hold: the check a server runs on its
sockets after a revocation (and now and then, in case the news of one was lost)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rest_framework.authtoken.models import Token

from wargame.exercises.models import FacilitatorMembership, Participant
from wargame.exercises.shapes import FacilitatorBody

if TYPE_CHECKING:
    from collections.abc import Sequence


@dataclass(frozen=True, slots=True)
class Seat:
    """What a socket authenticated as: a participant, or an account (by API token or session)."""

    participant_id: int | None = None
    user_id: int | None = None
    token: str | None = None


def seats_still_allowed(exercise_id: int, seats: Sequence[Seat]) -> list[bool]:
    """For each seat, whether it may still read the exercise: an active participant of it, or
    an active account that still facilitates it (with its API token, if it used one, not
    deleted). Three queries, however many seats."""
    participant_ids = {s.participant_id for s in seats if s.participant_id is not None}
    user_ids = {s.user_id for s in seats if s.user_id is not None}
    tokens = {s.token for s in seats if s.token is not None}
    active_participants = set(
        Participant.objects.filter(
            exercise_id=exercise_id, pk__in=participant_ids, active=True
        ).values_list("pk", flat=True)
    )
    facilitators = set(
        FacilitatorMembership.objects.filter(
            exercise_id=exercise_id, user_id__in=user_ids, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    token_owners = dict(Token.objects.filter(key__in=tokens).values_list("key", "user_id"))

    def allowed(seat: Seat) -> bool:
        if seat.participant_id is not None:
            return seat.participant_id in active_participants
        if seat.user_id is None or seat.user_id not in facilitators:
            return False
        return seat.token is None or token_owners.get(seat.token) == seat.user_id

    return [allowed(seat) for seat in seats]


def facilitators_of(exercise_id: int) -> list[FacilitatorBody]:
    """The exercise's facilitators, for its control only: who may be removed, by id."""
    rows = (
        FacilitatorMembership.objects.filter(exercise_id=exercise_id)
        .order_by("added_at", "pk")
        .values_list("user_id", "user__username")
    )
    return [FacilitatorBody(user_id=user_id, username=username) for user_id, username in rows]
