"""The shapes of what a client reads, and the builders of the bodies that are rows: one source
for the REST answer, the event that announces the row, the page that shows it and the OpenAPI
document (``wargame.api.shapes`` writes its schemas from these TypedDicts and those of
``wargame.exercises.events``).

Evaluated at run time, like the events module, for the same reason: the document generator reads
these annotations, and a TypedDict under Python 3.11 cannot see ``NotRequired`` in a string."""

from collections.abc import Mapping
from typing import Any, Literal, NotRequired, TypedDict, cast, get_args

from wargame.engine.numbering import actions_numbered
from wargame.exercises.events import (
    ActionChoice,
    AuthorPayload,
    DecisionPayload,
    JointPayload,
    MessageAuthorPayload,
    MessagePayload,
    ParticipantPayload,
    ProposalPayload,
    StatementPayload,
)
from wargame.exercises.models import (
    Adjudication,
    Decision,
    DecisionStatus,
    JointProposal,
    Message,
    Participant,
    ParticipantRole,
    Statement,
)
from wargame.exercises.times import iso_utc

# A JSON value carried through unread (action parameters, a branch's log entries).
Json = object


ExerciseStatusName = Literal[
    "draft", "lobby", "running", "paused", "ended"
]  # models.ExerciseStatus
PhaseName = Literal["briefing", "deliberation", "adjudication", "outcome"]  # models.Phase
ObserverViewName = Literal["public", "teams"]  # models.ObserverView
ChannelKindName = Literal["team", "allied", "hotline", "control"]  # models.ChannelKind


# Named in the OpenAPI document (settings.SPECTACULAR_SETTINGS, ENUM_NAME_OVERRIDES).
EXERCISE_STATUSES = list(get_args(ExerciseStatusName))


class TeamBody(TypedDict):
    code: str
    name: str
    ai: bool
    connected: int  # the team's open sockets
    submitted: bool  # this turn's decision locked in


class ExerciseBody(TypedDict):
    """An exercise as the caller's view may see it: the seed and the settings are control's."""

    id: int
    title: str
    scenario: str
    cut: str | None  # the scenario's cut this exercise plays; null for a scenario without cuts
    turns: int  # how many turns (moves) that cut has
    status: ExerciseStatusName
    turn: int | None
    phase: PhaseName | None
    deadline: str | None
    remaining_seconds: int | None
    language: str
    seed: int | None  # control only; null for every other view
    auto_advance: bool
    teams: list[TeamBody]
    join_codes: NotRequired[dict[str, str]]  # control only
    observer_view: NotRequired[ObserverViewName]  # control only
    auto_publish: NotRequired[bool]  # control only
    deliberation_minutes: NotRequired[int | None]  # control only
    cohort: NotRequired[str]  # control only: research labels (set_labels)
    condition: NotRequired[str]  # control only


class BranchBody(ExerciseBody):
    """A what-if branch: the exercise, and where it came from (POST fork/)."""

    branch_of: int | None
    branch_from_turn: int | None
    branch_log: list[dict[str, Json]]


class ActionBody(TypedDict):
    id: str
    category: str
    title: str
    help: str
    targets: list[str]
    params: dict[str, Any]  # a JSON Schema of the action's parameters
    joint: bool


class ChannelBody(TypedDict):
    """A channel the caller may read. ``id`` is its number within the exercise (1, 2, ...): the
    id that ``channels/{channel_id}/messages/`` takes."""

    id: int
    kind: ChannelKindName
    name: str
    members: list[str]
    open: bool
    state: NotRequired[str]  # hotlines only: up, degraded or down


class ScenarioTeamBody(TypedDict):
    code: str
    name: str


class ScenarioCutBody(TypedDict):
    """One version of a scenario: its moves, the class it is made for, its usual minutes."""

    id: str
    name: str
    session_minutes: int
    turns: int
    deliberation_minutes: int
    default: bool


class ScenarioBody(TypedDict):
    slug: str
    title: str
    summary: str
    teams: list[ScenarioTeamBody]
    turns: int  # of its default cut
    languages: list[str]
    cuts: list[ScenarioCutBody]  # empty for a scenario in one version only


class ScenarioCheckedBody(TypedDict):
    valid: bool
    summary: ScenarioBody


class JoinBody(TypedDict):
    """A seat: ``participant_id`` is its number within the exercise, ``token`` shown once."""

    participant_id: int
    token: str
    exercise: int
    team: str | None
    role: Literal["player", "observer"]


class PracticeBody(TypedDict):
    exercise: ExerciseBody
    token: str


class TokenBody(TypedDict):
    token: str


class EventBody(TypedDict):
    """An event as one view reads it: ``seq`` is its position in that view's stream."""

    seq: int
    type: str  # one of the event types (docs/events.md)
    at: str | None
    payload: Json  # the view's payload, of the type's shape


class FacilitatorBody(TypedDict):
    user_id: int
    username: str


class PendingBody(TypedDict):
    """The proposal is still being made (202)."""

    status: Literal["pending"]


ReportJobStatus = Literal["queued", "running", "done", "failed"]  # models.ReportStatus


REPORT_JOB_STATUSES = list(get_args(ReportJobStatus))


class ReportJobBody(TypedDict):
    """A report job (POST reports/, GET reports/{rid}/): ``id`` is the ``rid`` its paths take,
    control's number for it within the exercise, or a reader's within its own view (a team's
    first job is its 1 whatever control and the others asked for)."""

    id: int
    status: ReportJobStatus
    progress: int
    url: str | None  # the file, once done


def decision_payload(
    decision: Decision, numbers: Mapping[int, int] | None = None
) -> DecisionPayload:
    """`numbers`: the reader's numbers for agreements (engine.numbering); None: the engine's ids,
    as stored (control)."""
    author = decision.updated_by
    actions: list[ActionChoice] = (
        decision.actions if numbers is None else actions_numbered(decision.actions, numbers)
    )
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
                participant_id=author.number, display_name=author.display_name, bot=author.bot
            )
            if author
            else None
        ),
    )


def empty_decision_payload(team: str, turn: int) -> DecisionPayload:
    """``status: none``: nothing saved yet (still a 200, docs/interface.md#shapes)."""
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
        id=message.number,
        channel=message.channel.number,
        author=(
            MessageAuthorPayload(
                participant_id=author.number,
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
        id=statement.number,
        team=statement.team.code,
        author=AuthorPayload(
            participant_id=statement.author.number,
            display_name=statement.author.display_name,
            bot=statement.author.bot,
        ),
        body=statement.body,
        at=iso_utc(statement.at),
    )


def joint_payload(proposal: JointProposal) -> JointPayload:
    author = proposal.proposed_by
    return JointPayload(
        turn=proposal.turn,
        team=proposal.team.code,
        action=proposal.action,
        target=proposal.target or None,
        params=proposal.params,
        partners=list(proposal.partners),
        joined=list(proposal.joined),
        by=AuthorPayload(
            participant_id=author.number if author else None,
            display_name=author.display_name if author else "",
            bot=bool(author and author.bot),
        ),
        at=iso_utc(proposal.at),
    )


def participant_payload(participant: Participant) -> ParticipantPayload:
    return ParticipantPayload(
        participant_id=participant.number,
        display_name=participant.display_name,
        team=participant.team.code if participant.team is not None else None,
        role="player" if participant.role == ParticipantRole.PLAYER else "observer",
    )


def proposal_payload(adjudication: Adjudication) -> ProposalPayload:
    """The proposal of docs/interface.md#shapes: the engine's, with the overrides made to it."""
    # The engine's own record, stored as JSON: its keys are checked when it is appended.
    return cast(
        "ProposalPayload",
        {
            **adjudication.proposal,
            "overrides": adjudication.overrides,
            "status": adjudication.status,
        },
    )


def seat_body(participant: Participant, token: str) -> JoinBody:
    """The answer to a join: the seat and its token (shown once; only its hash is kept)."""
    return JoinBody(
        participant_id=participant.number,
        token=token,
        exercise=participant.exercise_id,
        team=participant.team.code if participant.team is not None else None,
        role="player" if participant.role == ParticipantRole.PLAYER else "observer",
    )
