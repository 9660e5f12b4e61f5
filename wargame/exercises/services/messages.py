"""Talking: channel messages (team, allied, hotline, control) and public statements."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from wargame.exercises.audience import all_views, message_audience
from wargame.exercises.errors import (
    IdempotencyConflict,
    InvalidInput,
    Locked,
    NotFound,
    NotPermitted,
)
from wargame.exercises.events import (
    EventType,
)
from wargame.exercises.models import (
    Channel,
    ChannelKind,
    ExerciseStatus,
    Message,
    Statement,
    Team,
)
from wargame.exercises.services.access import Act, entry
from wargame.exercises.services.log import event_append
from wargame.exercises.services.numbering import number_next
from wargame.exercises.services.scheduling import schedule_bot_replies
from wargame.exercises.shapes import message_payload, statement_payload

if TYPE_CHECKING:
    from wargame.exercises.principals import Principal

MAX_BODY = 4000
TALK_OPEN = (ExerciseStatus.LOBBY, ExerciseStatus.RUNNING, ExerciseStatus.PAUSED)


def _check_text(body: str, client_key: str) -> str:
    text = body.strip()
    if not text or len(text) > MAX_BODY:
        raise InvalidInput.on("body", _("Write 1 to 4000 characters."))
    if not client_key or len(client_key) > 64:
        raise InvalidInput.on("client_key", _("A client_key of 1 to 64 characters is required."))
    return text


def message_post(
    *, principal: Principal, channel_number: int, body: str, client_key: str
) -> tuple[Message, bool]:
    """Post to a channel the caller belongs to (control writes in control channels only), named
    by its number within the exercise. Returns the message and whether it is new: a retry with
    the same key and body is not."""
    with entry(principal, Act.TALK) as entered:
        exercise = entered.exercise
        text = _check_text(body, client_key)
        channel = Channel.objects.filter(exercise=exercise, number=channel_number).first()
        member = channel is not None and principal.team_code in channel.members
        if channel is None or not (member or principal.is_control):
            raise NotFound(_("Channel not found."))
        if principal.is_control and channel.kind != ChannelKind.CONTROL:
            raise NotPermitted(_("Control reads this channel but writes only in control lines."))
        if exercise.status not in TALK_OPEN:
            raise Locked(_("The exercise has ended."))
        if not channel.open:
            if channel.kind == ChannelKind.HOTLINE:
                raise Locked(_("This hotline is down."))
            raise Locked(_("This channel is closed."))
        author = principal.participant
        user = principal.user if principal.is_control else None
        earlier = Message.objects.filter(
            channel=channel, author=author, author_user=user, client_key=client_key
        ).first()
        if earlier is not None:
            if earlier.body != text:
                raise IdempotencyConflict(_("This client_key was used with another message."))
            return earlier, False
        message = Message.objects.create(
            channel=channel,
            number=number_next(exercise=exercise, scope=Message.objects.filter(channel=channel)),
            author=author,
            author_user=user,
            body=text,
            client_key=client_key,
            audience=message_audience(channel, exercise.observer_view),
        )
        event_append(
            exercise=exercise,
            type=EventType.MESSAGE_POSTED,
            audience=message.audience,
            payload=message_payload(message),
            actor=principal.actor(),
        )
        if author is None or not author.bot:
            schedule_bot_replies(exercise, channel)
    return message, True


def statement_post(*, principal: Principal, body: str, client_key: str) -> tuple[Statement, bool]:
    """A public statement by the caller's team, seen by every view."""
    with entry(principal, Act.STATE) as entered:
        exercise, author = entered.exercise, principal.participant
        assert author is not None  # noqa: S101 - a player, as authorize() ensured
        text = _check_text(body, client_key)
        if exercise.status not in TALK_OPEN:
            raise Locked(_("The exercise has ended."))
        earlier = Statement.objects.filter(author=author, client_key=client_key).first()
        if earlier is not None:
            if earlier.body != text:
                raise IdempotencyConflict(_("This client_key was used with another statement."))
            return earlier, False
        team = principal.own_team() or Team.objects.get(exercise=exercise, code=principal.team_code)
        statement = Statement.objects.create(
            exercise=exercise,
            number=number_next(
                exercise=exercise, scope=Statement.objects.filter(exercise=exercise)
            ),
            team=team,
            author=author,
            body=text,
            client_key=client_key,
        )
        event_append(
            exercise=exercise,
            type=EventType.STATEMENT_PUBLISHED,
            audience=all_views(exercise),
            payload=statement_payload(statement),
            actor=principal.actor(),
        )
    return statement, True
