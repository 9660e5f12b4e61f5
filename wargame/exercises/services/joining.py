"""Taking a seat with a join code, and the facilitator removing or moving a participant."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from wargame.exercises.audience import participant_audience
from wargame.exercises.display_names import display_name_clean
from wargame.exercises.errors import InvalidInput, Locked, RateLimited
from wargame.exercises.events import EventType, ParticipantLeftPayload
from wargame.exercises.models import (
    Exercise,
    ExerciseStatus,
    JoinCode,
    Participant,
    ParticipantRole,
    Team,
)
from wargame.exercises.principals import token_hash
from wargame.exercises.services.exercises import normalise_code
from wargame.exercises.services.limiter import limiter_check, limiter_hit
from wargame.exercises.services.log import event_append, exercise_lock, lock_held
from wargame.exercises.services.numbering import number_next
from wargame.exercises.shapes import participant_payload

JOINABLE = (ExerciseStatus.LOBBY, ExerciseStatus.RUNNING, ExerciseStatus.PAUSED)
WINDOW_SECONDS = 60
GLOBAL_KEY = "join:all"


@dataclass(frozen=True, slots=True)
class Seat:
    participant: Participant
    token: str


def participant_join(*, code: str, display_name: str, address: str) -> Seat:
    """Seat the caller in the team (or as an observer) that ``code`` opens.

    Wrong codes are counted per client address and in total; past either limit every join from
    that address is refused, right codes included, so the answer cannot confirm a guess.
    """
    name = display_name_clean(display_name)
    now = time.time()
    per_address = settings.JOIN_FAILURES_PER_ADDRESS
    in_total = settings.JOIN_FAILURES_IN_TOTAL
    address_key = f"join:addr:{address}"
    with transaction.atomic():
        for key, limit in ((address_key, per_address), (GLOBAL_KEY, in_total)):
            verdict = limiter_check(key=key, limit=limit, window_seconds=WINDOW_SECONDS, now=now)
            if not verdict.allowed:
                raise RateLimited(
                    _("Too many wrong join codes. Try again in %(n)d seconds.")
                    % {"n": verdict.retry_after},
                    retry_after=verdict.retry_after,
                )
        row = (
            JoinCode.objects.select_related("team")
            .filter(code=normalise_code(code))
            .only("exercise_id", "team")
            .first()
        )
        if row is None:
            limiter_hit(key=address_key, now=now, keep=per_address)
            limiter_hit(key=GLOBAL_KEY, now=now, keep=in_total)
            wrong = True
        else:
            wrong = False
    if wrong:
        raise InvalidInput.on("code", _("This join code is not valid."))
    assert row is not None  # noqa: S101 - narrowed by the branch above

    with transaction.atomic():
        exercise = exercise_lock(exercise_id=row.exercise_id)
        if exercise.status not in JOINABLE:
            raise Locked(_("This exercise is not open for joining."))
        token = secrets.token_urlsafe(32)
        participant = Participant.objects.create(
            exercise=exercise,
            number=number_next(
                exercise=exercise, scope=Participant.objects.filter(exercise=exercise)
            ),
            team=row.team,
            role=ParticipantRole.PLAYER if row.team is not None else ParticipantRole.OBSERVER,
            display_name=name,
            token_hash=token_hash(token),
        )
        event_append(
            exercise=exercise,
            type=EventType.PARTICIPANT_JOINED,
            audience=participant_audience(participant),
            payload=participant_payload(participant),
        )
    return Seat(participant=participant, token=token)


def _participant_in(exercise: Exercise, participant_id: object) -> Participant:
    if not isinstance(participant_id, int) or isinstance(participant_id, bool):
        raise InvalidInput.on("args.participant_id", _("A participant id (integer) is required."))
    participant = (
        Participant.objects.select_related("team")
        .filter(exercise=exercise, number=participant_id, active=True)
        .first()
    )
    if participant is None:
        raise InvalidInput.on("args.participant_id", _("No active participant with that id."))
    return participant


def participant_remove(
    *, exercise: Exercise, participant_id: object, moved_to: str | None = None
) -> Participant:
    """Revoke a seat at once (its token stops working); the caller holds the exercise lock."""
    lock_held(exercise)
    participant = _participant_in(exercise, participant_id)
    participant.active = False
    participant.save(update_fields=["active"])
    seat = participant_payload(participant)
    payload = ParticipantLeftPayload(
        participant_id=seat["participant_id"],
        display_name=seat["display_name"],
        team=seat["team"],
        role=seat["role"],
        reason="moved" if moved_to else "removed",
    )
    if moved_to:
        payload["moved_to"] = moved_to
    event_append(
        exercise=exercise,
        type=EventType.PARTICIPANT_LEFT,
        audience=participant_audience(participant),
        payload=payload,
    )
    return participant


def participant_move(*, exercise: Exercise, participant_id: object, team: object) -> Participant:
    """Revoke a player's seat so that they rejoin with the new team's code."""
    target = Team.objects.filter(exercise=exercise, code=team).first()
    if target is None:
        raise InvalidInput.on("args.team", _("No such team in this exercise."))
    return participant_remove(
        exercise=exercise, participant_id=participant_id, moved_to=target.code
    )
