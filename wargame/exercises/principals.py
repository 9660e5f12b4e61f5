"""Who is asking: a facilitator of the exercise (view control) or a participant (their view)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from wargame.exercises.errors import NotFound
from wargame.exercises.models import FacilitatorMembership, Participant, ParticipantRole
from wargame.exercises.views_of import CONTROL, OBSERVERS, team_of_view, team_view

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from wargame.exercises.models import Exercise, Team


# The exercise's large columns, left out where only its small ones are read.
EXERCISE_BULK = ("scenario_text", "state", "branch_log")

# The browser keeps a participant's token in this cookie; the API and the socket read it.
PARTICIPANT_COOKIE = "wargame_participant"


def token_hash(token: str) -> str:
    """Tokens are high-entropy random strings: SHA-256 is enough, and fast on the event loop."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking. With neither a user nor a participant it is a view's reader: what every
    member of the view may read and nothing of any one of them (a shared render of a page's
    region, ``view_reader``)."""

    exercise_id: int
    view: str
    user: User | None = None
    participant: Participant | None = None
    # A view's reader rendering regions reads the exercise row once, at the position it renders:
    # every selector it calls is then answered from that row (``exercise_visible``) rather than
    # reading it again per region, which was a third of a render pass.
    snapshot: Exercise | None = field(default=None, compare=False, repr=False)

    @property
    def is_control(self) -> bool:
        return self.view == CONTROL

    @property
    def is_reader(self) -> bool:
        return self.user is None and self.participant is None

    @property
    def is_player(self) -> bool:
        if self.is_reader:
            return team_of_view(self.view) is not None
        return self.participant is not None and self.participant.role == ParticipantRole.PLAYER

    @property
    def team_code(self) -> str | None:
        if self.is_reader:
            return team_of_view(self.view)
        if self.participant is None or self.participant.team is None:
            return None
        return self.participant.team.code

    def own_team(self) -> Team | None:
        """The participant's team, as loaded with the seat (no query): a seat's team belongs
        to the seat's exercise, which ``principal_for`` matched with this principal's."""
        if self.participant is None or self.participant.team is None:
            return None
        team: Team = self.participant.team
        return team if team.exercise_id == self.exercise_id else None

    def actor(self) -> dict[str, object]:
        """How the event log names who acted."""
        if self.participant is not None:
            return {
                "participant_id": self.participant.number,
                "display_name": self.participant.display_name,
                "team": self.team_code,
            }
        return {"control": True, "user_id": self.user.pk if self.user is not None else None}


def view_reader(exercise_id: int, view: str, *, snapshot: Exercise | None = None) -> Principal:
    """The reader of a view: reads exactly what the view may, as no one in particular (from
    ``snapshot``, the exercise row as read for this render, when given)."""
    return Principal(exercise_id=exercise_id, view=view, snapshot=snapshot)


def participant_for_token(token: str) -> Participant | None:
    """The active participant holding this token, whatever its exercise."""
    return (
        Participant.objects.select_related("team", "exercise")
        # Every API call and socket authenticates here: the exercise's scenario text (tens of
        # KB), engine state and branch log are read under the exercise lock when needed, not
        # with each seat (docs/reliability.md#the-write-path).
        .defer(*(f"exercise__{name}" for name in EXERCISE_BULK))
        .filter(token_hash=token_hash(token), active=True)
        .first()
    )


def principal_for(
    *,
    exercise_id: int,
    user: User | AnonymousUser | None = None,
    participant: Participant | None = None,
) -> Principal:
    """The caller's principal in this exercise, or NotFound: a hidden exercise does not exist."""
    if participant is not None:
        if participant.exercise_id != exercise_id or not participant.active:
            raise NotFound(_("Exercise not found."))
        if participant.role == ParticipantRole.OBSERVER:
            return Principal(exercise_id=exercise_id, view=OBSERVERS, participant=participant)
        assert participant.team is not None  # noqa: S101 - a database constraint guarantees it
        return Principal(
            exercise_id=exercise_id, view=team_view(participant.team.code), participant=participant
        )
    if (
        user is not None
        and user.is_authenticated
        and FacilitatorMembership.objects.filter(exercise_id=exercise_id, user_id=user.pk).exists()
    ):
        return Principal(exercise_id=exercise_id, view=CONTROL, user=user)
    raise NotFound(_("Exercise not found."))
