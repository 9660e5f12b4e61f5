"""Solo practice (`POST /practice/`, docs/interface.md#endpoints): one person plays one team, bots
play the rest.

No account is needed: the exercise belongs to a system account "practice" that cannot sign in, and
the caller gets a participant token for the chosen team. Creating one is rate-limited per client
address. The game paces itself (auto-advance and auto-publish on, no deliberation clock); its
player may also run the pacing commands and publish (wargame.api.auth.practice_principal).
"""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from wargame.exercises.audience import participant_audience
from wargame.exercises.errors import InvalidInput, RateLimited, WargameError
from wargame.exercises.events import EventType
from wargame.exercises.models import Participant, ParticipantRole, Team
from wargame.exercises.principals import Principal, token_hash
from wargame.exercises.services.bots import bot_seat
from wargame.exercises.services.exercises import exercise_create
from wargame.exercises.services.joining import Seat
from wargame.exercises.services.lifecycle import exercise_command
from wargame.exercises.services.limiter import limiter_release, limiter_take
from wargame.exercises.services.log import event_append, exercise_lock
from wargame.exercises.services.numbering import number_next
from wargame.exercises.shapes import participant_payload
from wargame.exercises.views_of import CONTROL

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PRACTICE_USERNAME = "practice"
WINDOW_SECONDS = 3600


def practice_owner() -> User:
    """The system account that owns every practice exercise; it has no usable password."""
    user, created = get_user_model().objects.get_or_create(username=PRACTICE_USERNAME)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def practice_create(*, scenario: str, team: str, language: str, address: str) -> Seat:
    """A running practice exercise in its first briefing, and the seat of its one player."""
    # Counted per address and in total, each game before it is built (atomically, so a burst
    # cannot pass the limit) and given back if it could not be built.
    by_address = ((f"practice:addr:{address}", settings.PRACTICE_PER_ADDRESS),)
    in_total = (("practice:all", settings.PRACTICE_IN_TOTAL),)
    now = time.time()
    verdict = limiter_take(keys=by_address, window_seconds=WINDOW_SECONDS, now=now)
    if not verdict.allowed:
        raise RateLimited(
            _("Too many practice games from this address. Try again in %(n)d seconds.")
            % {"n": verdict.retry_after},
            retry_after=verdict.retry_after,
        )
    verdict = limiter_take(keys=in_total, window_seconds=WINDOW_SECONDS, now=now)
    if not verdict.allowed:
        limiter_release(keys=by_address, now=now)
        raise RateLimited(
            _("Too many practice games are running. Try again in %(n)d seconds.")
            % {"n": verdict.retry_after},
            retry_after=verdict.retry_after,
        )
    try:
        return _practice_build(scenario=scenario, team=team, language=language)
    except WargameError:
        limiter_release(keys=by_address + in_total, now=now)
        raise


def _practice_build(*, scenario: str, team: str, language: str) -> Seat:
    with transaction.atomic():
        owner = practice_owner()
        exercise = exercise_create(
            user=owner,
            scenario=scenario,
            title=_("Practice: %(scenario)s") % {"scenario": scenario},
            language=language,
            deliberation_minutes=None,
        )
        teams = list(Team.objects.filter(exercise=exercise))
        if team not in {t.code for t in teams}:
            raise InvalidInput.on("team", _("Not a team of this scenario."))
        exercise = exercise_lock(exercise_id=exercise.pk)
        exercise.practice = True
        exercise.auto_advance = True
        exercise.auto_publish = True
        exercise.save(update_fields=["practice", "auto_advance", "auto_publish"])
        for other in teams:
            if other.code != team:
                other.ai = True
                other.save(update_fields=["ai"])
                bot_seat(other)
        token = secrets.token_urlsafe(32)
        player = Participant.objects.create(
            exercise=exercise,
            number=number_next(
                exercise=exercise, scope=Participant.objects.filter(exercise=exercise)
            ),
            team=next(t for t in teams if t.code == team),
            role=ParticipantRole.PLAYER,
            display_name=_("Player"),
            token_hash=token_hash(token),
        )
        event_append(
            exercise=exercise,
            type=EventType.PARTICIPANT_JOINED,
            audience=participant_audience(player),
            payload=participant_payload(player),
        )
        control = Principal(exercise_id=exercise.pk, view=CONTROL, user=owner)
        for command in ("open_lobby", "start"):
            exercise_command(principal=control, command=command)
    return Seat(participant=player, token=token)
