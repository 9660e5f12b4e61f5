"""Every event the log can hold: its type, the shape of its payload, and who sees it.

``event_append`` accepts only the types named here, with a payload of the shapes listed for the
type; the hub, the selectors, the web regions, the exports, the report and the browser (through
the generated ``static/js/wargame/events.js``) name types through ``EventType``, and
``docs/events.md`` is written from this module (``make docs``).

This module reads its own annotations at run time (to check payloads and to write the docs), so
it does not postpone them: under Python 3.11 a TypedDict cannot see ``NotRequired`` in a string
annotation.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, Literal, NotRequired, TypedDict

# A JSON value carried through unread (scenario parameters, override values).
Json = object
# A record the engine writes as JSON (a state, an outcome event, a perception): its shape is the
# engine's (engine.state, engine.proposal), read by the pages that show it.
EngineRecord = dict[str, Any]


class EventType(StrEnum):
    """The event types (``noun.verb``). The values are the public names: never rename one."""

    PARTICIPANT_JOINED = "participant.joined"
    PARTICIPANT_LEFT = "participant.left"
    EXERCISE_CHANGED = "exercise.changed"
    EXERCISE_STARTED = "exercise.started"
    EXERCISE_PAUSED = "exercise.paused"
    EXERCISE_RESUMED = "exercise.resumed"
    EXERCISE_ENDED = "exercise.ended"
    PHASE_CHANGED = "phase.changed"
    DEADLINE_CHANGED = "deadline.changed"
    INJECT_RELEASED = "inject.released"
    DECISION_SAVED = "decision.saved"
    DECISION_SUBMITTED = "decision.submitted"
    MESSAGE_POSTED = "message.posted"
    STATEMENT_PUBLISHED = "statement.published"
    CHANNEL_OPENED = "channel.opened"
    CHANNEL_CLOSED = "channel.closed"
    HOTLINE_CHANGED = "hotline.changed"
    TEAM_AI_CHANGED = "team.ai_changed"
    AGREEMENT_CHANGED = "agreement.changed"
    JOINT_PROPOSED = "joint.proposed"
    JOINT_JOINED = "joint.joined"
    ADJUDICATION_PROPOSED = "adjudication.proposed"
    ADJUDICATION_DECISION_POINT = "adjudication.decision_point"
    ADJUDICATION_OVERRIDDEN = "adjudication.overridden"
    OUTCOME_PUBLISHED = "outcome.published"
    STATE_CHANGED = "state.changed"
    BELIEF_SUBMITTED = "belief.submitted"
    DEBRIEF_RELEASED = "debrief.released"
    REPORT_PROGRESS = "report.progress"
    REPORT_READY = "report.ready"
    REPORT_FAILED = "report.failed"


# --- payloads -----------------------------------------------------------------------------------


class ParticipantPayload(TypedDict):
    """A seat. ``participant_id`` is its number within the exercise (1, 2, ...), not a row id."""

    participant_id: int
    display_name: str
    team: str | None
    role: Literal["player", "observer"]


class ParticipantLeftPayload(ParticipantPayload):
    reason: Literal["removed", "moved"]
    moved_to: NotRequired[str]


class ExerciseChangedPayload(TypedDict):
    """One setting changed; ``change`` names which, and only that change's fields follow."""

    change: Literal[
        "created",
        "status",
        "facilitator_added",
        "facilitator_removed",
        "codes_rotated",
        "auto_advance",
        "observer_view",
        "labels",
    ]
    status: NotRequired[str]
    username: NotRequired[str]
    teams: NotRequired[list[str]]
    enabled: NotRequired[bool]
    auto_publish: NotRequired[bool]
    briefing_seconds: NotRequired[int | None]
    view: NotRequired[str]
    branch_of: NotRequired[int]
    branch_from_turn: NotRequired[int]
    seed: NotRequired[int]
    cohort: NotRequired[str]
    condition: NotRequired[str]


class TurnPayload(TypedDict):
    turn: int | None


class PausedPayload(TypedDict):
    turn: int | None
    phase: str | None
    remaining_seconds: int | None


class ResumedPayload(TypedDict):
    turn: int | None
    phase: str | None
    deadline: str | None


class PhaseChangedPayload(TypedDict):
    turn: int | None
    phase: str | None
    deadline: str | None
    reason: NotRequired[str]


class DeadlineChangedPayload(TypedDict):
    turn: int | None
    deadline: str | None
    remaining_seconds: int | None


class InjectPayload(TypedDict):
    id: str
    turn: int | None
    title: dict[str, str]
    body: dict[str, str]
    audience: list[str]
    source: str


class AuthorPayload(TypedDict):
    participant_id: int | None
    display_name: str
    bot: bool  # written by the bot that plays the team (pages name it so)


class ActionChoice(TypedDict):
    """One action of a decision. An agreement it names (``params.proposal``,
    ``params.agreement``) is the reader's own number for it (docs/interface.md#ids); control's
    are the engine's."""

    action: str
    target: NotRequired[str | None]
    params: NotRequired[dict[str, Json]]


class DecisionPayload(TypedDict):
    turn: int
    team: str
    status: Literal["none", "draft", "submitted"]
    version: int
    actions: list[ActionChoice]
    rationale: str
    updated_at: str | None
    updated_by: AuthorPayload | None


class SealedDecisionPayload(TypedDict):
    """What a view outside the decision's audience learns of a submit."""

    team: str
    submitted: Literal[True]


class MessageAuthorPayload(AuthorPayload):
    team: str | None


class MessagePayload(TypedDict):
    """A channel message. ``id`` is its number within its channel (1, 2, ...) and ``channel``
    the channel's number within the exercise: neither counts anything the reader cannot see."""

    id: int
    channel: int
    author: MessageAuthorPayload
    body: str
    at: str | None


class StatementPayload(TypedDict):
    """A public statement. ``id`` is its number within the exercise (every view reads all)."""

    id: int
    team: str
    author: AuthorPayload
    body: str
    at: str | None


class ChannelStatePayload(TypedDict):
    """``id`` is the channel's number within the exercise."""

    id: int
    name: str
    state: str


class HotlinePayload(TypedDict):
    hotline: str
    state: str  # up, degraded or down
    ci: NotRequired[float]  # control only: the crisis instability the change implies


class TeamAiPayload(TypedDict):
    team: str
    ai: bool


class AgreementPayload(TypedDict):
    """An agreement as a party knows it. ``id`` (and ``package``, the package's first agreement)
    is the reader's own number: 1, 2, 3, ... in the order it learned of the agreements it is
    party to, never a count of other teams' agreements (docs/interface.md#ids); control reads
    the engine's ids."""

    id: int
    measure: str
    parties: list[str]
    status: str
    proposed_by: str
    proposed_turn: int
    accepted: list[str]
    steps: dict[str, int | None]
    verification: Json
    framing: Json
    status_turn: NotRequired[Json]
    phase: NotRequired[Json]
    phase_turn: NotRequired[Json]
    violated_by: NotRequired[list[str]]
    detected_by: NotRequired[list[str]]  # control only


class JointPayload(TypedDict):
    """A joint action one team proposed to named partners for a turn. Proposals are named by
    (turn, team, action): a team proposes each joint action at most once a turn."""

    turn: int
    team: str  # the proposer
    action: str
    target: str | None
    params: dict[str, Json]
    partners: list[str]
    joined: list[str]  # the partners that joined so far, in order
    by: AuthorPayload  # who proposed it
    at: str | None


class OverridePayload(TypedDict):
    path: str
    value: Json
    old: Json
    reason: str
    by: str
    at: str | None


class DecisionPoint(TypedDict):
    id: str
    actor: str
    rung: int
    rules: list[str]
    p: float
    deltas: dict[str, Json]
    text: NotRequired[Json]


class Die(TypedDict):
    purpose: str
    key: str
    u: float
    threshold: float
    hit: bool


class RuleFired(TypedDict):
    id: str
    summary: str


class ProposalPayload(TypedDict):
    """The engine's proposal, with control's overrides and its review status."""

    turn: int
    seed: int
    model_hash: str
    requires_nuclear_approval: bool
    state: EngineRecord
    events: list[EngineRecord]
    perceptions: dict[str, list[EngineRecord]]
    dice: list[Die]
    rules_fired: list[RuleFired]
    decision_points: list[DecisionPoint]
    narrative: dict[str, str]
    view_narratives: NotRequired[dict[str, dict[str, str]]]
    overrides: list[OverridePayload]
    status: Literal["proposed", "published"]
    attempt: NotRequired[int]


class DecisionPointPayload(DecisionPoint):
    turn: int


class OverriddenPayload(TypedDict):
    turn: int
    overrides: list[OverridePayload]


class StateChangedPayload(TypedDict):
    """The state as the view may read it (``GET state/``), after something other than an
    outcome changed it: a scenario inject's effects."""

    state: EngineRecord


class OutcomePayload(TypedDict):
    """A view's outcome: a team what it perceived, observers the public events, control the
    whole proposal (the keys marked control only). An agreement an item names (``params``) is
    the view's own number for it; an agreement the view is not party to is left out."""

    view: str
    turn: int
    state: EngineRecord
    events: list[EngineRecord]
    narrative: dict[str, str]
    seed: NotRequired[int]
    model_hash: NotRequired[str]
    requires_nuclear_approval: NotRequired[bool]
    perceptions: NotRequired[dict[str, list[EngineRecord]]]
    dice: NotRequired[list[Die]]
    rules_fired: NotRequired[list[RuleFired]]
    decision_points: NotRequired[list[DecisionPoint]]
    view_narratives: NotRequired[dict[str, dict[str, str]]]


class BeliefPayload(TypedDict):
    """A team's answers to the belief questionnaire (never the truth: that waits for the
    debrief)."""

    turn: int
    team: str
    version: int
    answers: dict[str, Json]
    answered: int
    asked: int
    updated_by: AuthorPayload | None


class BeliefTruthRow(TypedDict):
    turn: int
    team: str
    question: str
    answer: Json
    truth: Json


class DebriefPayload(TypedDict):
    """What a view may read once control releases the debrief: the end-of-game truth and the
    beliefs it may set against it (a team its own, observers the teams' under the teaching
    view, control all); control's copy adds the views released to."""

    turn: int | None
    state: EngineRecord
    beliefs: list[BeliefTruthRow]
    views: NotRequired[list[str]]


class ReportProgressPayload(TypedDict):
    """``id`` is the report job's ``rid`` as the reader knows it (``reports/{rid}/``): control's
    number within the exercise, the job's view's within that view."""

    id: int
    progress: int
    stage: str


class ReportReadyPayload(TypedDict):
    """``id`` is the report job's ``rid`` as the reader knows it (``reports/{rid}/``): control's
    number within the exercise, the job's view's within that view."""

    id: int
    url: str


class ReportFailedPayload(TypedDict):
    """``id`` is the report job's ``rid`` as the reader knows it (``reports/{rid}/``): control's
    number within the exercise, the job's view's within that view."""

    id: int
    error: str


EventPayload = (
    ParticipantPayload
    | ParticipantLeftPayload
    | ExerciseChangedPayload
    | TurnPayload
    | PausedPayload
    | ResumedPayload
    | PhaseChangedPayload
    | DeadlineChangedPayload
    | InjectPayload
    | DecisionPayload
    | SealedDecisionPayload
    | MessagePayload
    | StatementPayload
    | ChannelStatePayload
    | HotlinePayload
    | TeamAiPayload
    | AgreementPayload
    | JointPayload
    | ProposalPayload
    | DecisionPointPayload
    | OverriddenPayload
    | OutcomePayload
    | StateChangedPayload
    | BeliefPayload
    | DebriefPayload
    | ReportProgressPayload
    | ReportReadyPayload
    | ReportFailedPayload
)


# --- what each type carries and who sees it ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventSpec:
    """``shapes``: the payload shapes of the type (a view outside the row's audience may get a
    smaller one). ``reach``: ``all`` views, ``control`` only, or the ``row``'s own audience (fixed
    when the row is written, by ``wargame.exercises.audience``). ``open``: the payload is the
    engine's own record, which may carry more keys than listed."""

    summary: str
    shapes: tuple[type, ...]
    reach: Literal["all", "control", "row"]
    audience: str
    open: bool = False


REPORT_READERS = "control, and the view the report is written for (a reader following its PDF)"

SPECS: Mapping[EventType, EventSpec] = {
    EventType.PARTICIPANT_JOINED: EventSpec(
        "Someone took a seat with a join code.",
        (ParticipantPayload,),
        "row",
        "control and the joiner's own view (the team, or observers)",
    ),
    EventType.PARTICIPANT_LEFT: EventSpec(
        "A seat was removed or moved by control; its token stops working.",
        (ParticipantLeftPayload,),
        "row",
        "control and the participant's former view",
    ),
    EventType.EXERCISE_CHANGED: EventSpec(
        "A setting changed: creation, status, codes, facilitators, pacing, observer view.",
        (ExerciseChangedPayload,),
        "control",
        "control",
    ),
    EventType.EXERCISE_STARTED: EventSpec("Turn 1 begins.", (TurnPayload,), "all", "every view"),
    EventType.EXERCISE_PAUSED: EventSpec(
        "The clock stopped; the time left is kept.", (PausedPayload,), "all", "every view"
    ),
    EventType.EXERCISE_RESUMED: EventSpec(
        "The clock runs again.", (ResumedPayload,), "all", "every view"
    ),
    EventType.EXERCISE_ENDED: EventSpec("The exercise ended.", (TurnPayload,), "all", "every view"),
    EventType.PHASE_CHANGED: EventSpec(
        "A new phase of a turn; the change to adjudication is the lock.",
        (PhaseChangedPayload,),
        "all",
        "every view",
    ),
    EventType.DEADLINE_CHANGED: EventSpec(
        "Control extended deliberation.", (DeadlineChangedPayload,), "all", "every view"
    ),
    EventType.INJECT_RELEASED: EventSpec(
        "A scenario or ad hoc inject reached its audience.",
        (InjectPayload,),
        "row",
        "the inject's audience, and control",
    ),
    EventType.DECISION_SAVED: EventSpec(
        "A team saved its shared draft.",
        (DecisionPayload,),
        "row",
        "the team and control; observers too while the observer view is `teams`",
    ),
    EventType.DECISION_SUBMITTED: EventSpec(
        "A team locked in its decision.",
        (DecisionPayload, SealedDecisionPayload),
        "all",
        "every view: the decision's audience (as for `decision.saved`) gets the decision, "
        "the others only that the team submitted",
    ),
    EventType.MESSAGE_POSTED: EventSpec(
        "A message on a channel.",
        (MessagePayload,),
        "row",
        "the channel's members and control; observers too while the observer view is `teams`, "
        "except on the lines between control and a team",
    ),
    EventType.STATEMENT_PUBLISHED: EventSpec(
        "A team's public statement.", (StatementPayload,), "all", "every view"
    ),
    EventType.CHANNEL_OPENED: EventSpec(
        "A hotline came up.", (ChannelStatePayload,), "row", "the channel's members and control"
    ),
    EventType.CHANNEL_CLOSED: EventSpec(
        "A hotline went down.", (ChannelStatePayload,), "row", "the channel's members and control"
    ),
    EventType.HOTLINE_CHANGED: EventSpec(
        "A hotline's state changed.",
        (HotlinePayload,),
        "all",
        "every view (control's payload adds the crisis instability)",
    ),
    EventType.TEAM_AI_CHANGED: EventSpec(
        "A bot took over a team or handed it back.", (TeamAiPayload,), "all", "every view"
    ),
    EventType.AGREEMENT_CHANGED: EventSpec(
        "An agreement was proposed, accepted, implemented, violated, ...",
        (AgreementPayload,),
        "row",
        "its parties, each as it knows the agreement, and control (the truth)",
        open=True,
    ),
    EventType.JOINT_PROPOSED: EventSpec(
        "A team proposed a joint action (a consultation, a combined exercise) to named partners.",
        (JointPayload,),
        "row",
        "the proposer, the partners it names, and control",
    ),
    EventType.JOINT_JOINED: EventSpec(
        "A partner joined a proposed joint action (it is now in that partner's draft).",
        (JointPayload,),
        "row",
        "the proposer, the partners it names, and control",
    ),
    EventType.ADJUDICATION_PROPOSED: EventSpec(
        "The engine proposed the turn's outcome (or a reroll did).",
        (ProposalPayload,),
        "control",
        "control",
        open=True,
    ),
    EventType.ADJUDICATION_DECISION_POINT: EventSpec(
        "A nuclear decision point the engine holds for control.",
        (DecisionPointPayload,),
        "control",
        "control",
        open=True,
    ),
    EventType.ADJUDICATION_OVERRIDDEN: EventSpec(
        "Control changed the proposal, each change with a reason.",
        (OverriddenPayload,),
        "control",
        "control",
    ),
    EventType.OUTCOME_PUBLISHED: EventSpec(
        "The turn's outcome, one payload per view.",
        (OutcomePayload,),
        "all",
        "every view: control the truth, each team what it perceived, observers the public events",
        open=True,
    ),
    EventType.STATE_CHANGED: EventSpec(
        "An inject's effects changed the state between outcomes, one payload per view.",
        (StateChangedPayload,),
        "all",
        "every view, each the state as it may read it",
    ),
    EventType.BELIEF_SUBMITTED: EventSpec(
        "A team saved its answers to the belief questionnaire.",
        (BeliefPayload,),
        "row",
        "the team and control",
    ),
    EventType.DEBRIEF_RELEASED: EventSpec(
        "Control opened the debrief: the end-of-game truth, and the beliefs set against it.",
        (DebriefPayload,),
        "row",
        "the views control chose (each its own payload), and control",
    ),
    EventType.REPORT_PROGRESS: EventSpec(
        "An after-action report job moved on.", (ReportProgressPayload,), "row", REPORT_READERS
    ),
    EventType.REPORT_READY: EventSpec(
        "An after-action report is ready to download.", (ReportReadyPayload,), "row", REPORT_READERS
    ),
    EventType.REPORT_FAILED: EventSpec(
        "An after-action report job failed.", (ReportFailedPayload,), "row", REPORT_READERS
    ),
}


class EventPayloadError(ValueError):
    """A payload that is not one of its type's shapes: a programming error, never user input."""


def _fits(payload: Mapping[str, object], shape: type, *, open_shape: bool) -> bool:
    keys = set(payload)
    required: frozenset[str] = getattr(shape, "__required_keys__", frozenset())
    optional: frozenset[str] = getattr(shape, "__optional_keys__", frozenset())
    return required <= keys and (open_shape or keys <= required | optional)


def payload_check(event_type: EventType, payload: Mapping[str, object]) -> None:
    """Refuse a payload whose keys fit none of the type's shapes."""
    spec = SPECS[event_type]
    if not any(_fits(payload, shape, open_shape=spec.open) for shape in spec.shapes):
        names = " or ".join(shape.__name__ for shape in spec.shapes)
        raise EventPayloadError(f"{event_type}: keys {sorted(payload)} fit no {names}")


# What moves the clock or the phase: every region that shows them refreshes on these.
CLOCK_EVENTS = (
    EventType.EXERCISE_STARTED,
    EventType.PHASE_CHANGED,
    EventType.EXERCISE_PAUSED,
    EventType.EXERCISE_RESUMED,
    EventType.DEADLINE_CHANGED,
    EventType.EXERCISE_ENDED,
)
# Not event types, but what a region may refresh on besides: a presence frame, or any event.
PRESENCE: Final = "presence"
ANY_EVENT: Final = "*"


def refresh_on(*types: EventType | Literal["presence", "*"]) -> str:
    """A region's ``data-refresh`` attribute: the event types that make it fetch itself again."""
    return " ".join(types)
