"""Talking: channel messages (team, allied, hotline, control) and public statements."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
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
    AuthorPayload,
    EventType,
    MessageAuthorPayload,
    MessagePayload,
    StatementPayload,
)
from wargame.exercises.models import (
    Channel,
    ChannelKind,
    ExerciseStatus,
    Message,
    Statement,
    Team,
)
from wargame.exercises.services.log import event_append, exercise_lock
from wargame.exercises.services.scheduling import schedule_bot_replies
from wargame.exercises.times import iso_utc

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


def message_payload(message: Message) -> MessagePayload:
    author = message.author
    return MessagePayload(
        id=message.pk,
        channel=message.channel_id,
        author=(
            MessageAuthorPayload(
                participant_id=author.pk,
                display_name=author.display_name,
                team=author.team.code if author.team else None,
                bot=author.bot,
            )
            if author is not None
            else MessageAuthorPayload(
                participant_id=None, display_name="Control", team=None, bot=False
            )
        ),
        body=message.body,
        at=iso_utc(message.at),
    )


def message_post(
    *, principal: Principal, channel_id: int, body: str, client_key: str
) -> tuple[Message, bool]:
    """Post to a channel the caller belongs to (control writes in control channels only).
    Returns the message and whether it is new: a retry with the same key and body is not."""
    text = _check_text(body, client_key)
    with transaction.atomic():
        exercise = exercise_lock(exercise_id=principal.exercise_id)
        channel = Channel.objects.filter(exercise=exercise, pk=channel_id).first()
        member = channel is not None and principal.team_code in channel.members
        if channel is None or not (member or principal.is_control):
            raise NotFound(_("Channel not found."))
        if principal.is_control and channel.kind != ChannelKind.CONTROL:
            raise NotPermitted(_("Control reads this channel but writes only in control lines."))
        if not principal.is_control and not principal.is_player:
            raise NotPermitted(_("Observers read; they do not post."))
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


def statement_payload(statement: Statement) -> StatementPayload:
    return StatementPayload(
        id=statement.pk,
        team=statement.team.code,
        author=AuthorPayload(
            participant_id=statement.author_id,
            display_name=statement.author.display_name,
            bot=statement.author.bot,
        ),
        body=statement.body,
        at=iso_utc(statement.at),
    )


def statement_post(*, principal: Principal, body: str, client_key: str) -> tuple[Statement, bool]:
    """A public statement by the caller's team, seen by every view."""
    text = _check_text(body, client_key)
    if not principal.is_player or principal.participant is None:
        raise NotPermitted(_("Only players make public statements."))
    with transaction.atomic():
        exercise = exercise_lock(exercise_id=principal.exercise_id)
        if exercise.status not in TALK_OPEN:
            raise Locked(_("The exercise has ended."))
        earlier = Statement.objects.filter(
            author=principal.participant, client_key=client_key
        ).first()
        if earlier is not None:
            if earlier.body != text:
                raise IdempotencyConflict(_("This client_key was used with another statement."))
            return earlier, False
        team = Team.objects.get(exercise=exercise, code=principal.team_code)
        statement = Statement.objects.create(
            exercise=exercise,
            team=team,
            author=principal.participant,
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
