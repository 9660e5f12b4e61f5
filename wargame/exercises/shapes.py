"""The bodies of the rows a client reads, built one way for the REST answer, the event that
announces the row and the page that shows it. Their shapes are the TypedDicts of
``wargame.exercises.events``; the OpenAPI document is written from the same ones
(``wargame.api.shapes``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, TypedDict, cast

from wargame.exercises.events import (
    ActionChoice,
    AuthorPayload,
    DecisionPayload,
    MessageAuthorPayload,
    MessagePayload,
    ParticipantPayload,
    ProposalPayload,
    StatementPayload,
)
from wargame.exercises.models import DecisionStatus, ParticipantRole
from wargame.exercises.times import iso_utc

if TYPE_CHECKING:
    from wargame.exercises.models import Adjudication, Decision, Message, Participant, Statement


ReportJobStatus = Literal["queued", "running", "done", "failed"]  # models.ReportStatus


class ReportJobBody(TypedDict):
    """A report job (POST reports/, GET reports/{rid}/)."""

    id: int
    status: ReportJobStatus
    progress: int
    url: str | None  # the file, once done


def decision_payload(decision: Decision) -> DecisionPayload:
    author = decision.updated_by
    actions: list[ActionChoice] = decision.actions
    return DecisionPayload(
        turn=decision.turn,
        team=decision.team.code,
        status="submitted" if decision.status == DecisionStatus.SUBMITTED else "draft",
        version=decision.version,
        actions=actions,
        rationale=decision.rationale,
        updated_at=iso_utc(decision.updated_at),
        updated_by=(
            AuthorPayload(
                participant_id=author.pk, display_name=author.display_name, bot=author.bot
            )
            if author
            else None
        ),
    )


def empty_decision_payload(team: str, turn: int) -> DecisionPayload:
    """``status: none``: nothing saved yet (still a 200, CONTRACT.md)."""
    return DecisionPayload(
        turn=turn,
        team=team,
        status="none",
        version=0,
        actions=[],
        rationale="",
        updated_at=None,
        updated_by=None,
    )


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


def participant_payload(participant: Participant) -> ParticipantPayload:
    return ParticipantPayload(
        participant_id=participant.pk,
        display_name=participant.display_name,
        team=participant.team.code if participant.team is not None else None,
        role="player" if participant.role == ParticipantRole.PLAYER else "observer",
    )


def proposal_payload(adjudication: Adjudication) -> ProposalPayload:
    """CONTRACT.md's proposal: the engine's, with the overrides made to it."""
    # The engine's own record, stored as JSON: its keys are checked when it is appended.
    return cast(
        "ProposalPayload",
        {
            **adjudication.proposal,
            "overrides": adjudication.overrides,
            "status": adjudication.status,
        },
    )
