"""The reference model behind the lifecycle state machine (docs/reliability.md#r9).

It holds what docs/interface.md promises, written independently of the product: which views each
event type reaches, which events each kind of write appends, and how a principal reads its
stream."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from rest_framework.test import APIClient

PHASES = ("briefing", "deliberation", "adjudication", "outcome")
CONTROL = "control"
OBSERVERS = "observers"
JOINABLE = ("lobby", "running", "paused")
TALK_OPEN = JOINABLE
DECISIONS_OPEN = ("briefing", "deliberation")

# docs/interface.md#what-each-write-logs: what each write appends, in order, and which views see it.
TO_ALL = frozenset(
    {
        "exercise.started",
        "exercise.paused",
        "exercise.resumed",
        "exercise.ended",
        "phase.changed",
        "deadline.changed",
        "outcome.published",
        "statement.published",
        "hotline.changed",
        "state.changed",
        "team.ai_changed",
        "decision.submitted",
    }
)
TO_CONTROL = frozenset(
    {
        "exercise.changed",
        "adjudication.proposed",
        "adjudication.decision_point",
        "adjudication.overridden",
        "report.progress",
        "report.ready",
    }
)
# What a publish may append between the outcome and the phase change to `outcome`.
OUTCOME_EFFECTS = frozenset(
    {
        "agreement.changed",
        "hotline.changed",
        "channel.opened",
        "channel.closed",
        "inject.released",
        "state.changed",
    }
)


def team_view(code: str) -> str:
    return f"team:{code}"


def all_views(teams: Sequence[str]) -> frozenset[str]:
    return frozenset({CONTROL, OBSERVERS, *(team_view(code) for code in teams)})


def view_of_team(team: str | None) -> str:
    return team_view(team) if team is not None else OBSERVERS


@dataclass(frozen=True, slots=True)
class Audience:
    """The views an event must reach, and those it may also reach."""

    required: frozenset[str]
    tolerated: frozenset[str] = frozenset()

    def admits(self, actual: frozenset[str]) -> bool:
        return self.required <= actual <= self.required | self.tolerated


def contract_audience(
    event_type: str,
    payload: Mapping[str, Any],
    *,
    teams: Sequence[str],
    channel_members: Mapping[int, Sequence[str]],
) -> Audience:
    """The audience docs/interface.md gives an event of this type with this (control's) payload.
    An event type without a rule here fails the test: a new type needs a deliberate answer."""
    if event_type in TO_ALL:
        return Audience(all_views(teams))
    if event_type in TO_CONTROL:
        return Audience(frozenset({CONTROL}))
    if event_type in ("participant.joined", "participant.left"):
        return Audience(frozenset({CONTROL, view_of_team(payload["team"])}))
    if event_type == "decision.saved":
        return Audience(frozenset({CONTROL, team_view(payload["team"])}))
    if event_type == "message.posted":
        members = channel_members[payload["channel"]]
        return Audience(frozenset({CONTROL, *(team_view(code) for code in members)}))
    if event_type in ("channel.opened", "channel.closed"):
        members = channel_members[payload["id"]]
        return Audience(frozenset({CONTROL, *(team_view(code) for code in members)}))
    if event_type == "inject.released":
        return Audience(frozenset({CONTROL, *payload["audience"]}))
    if event_type == "agreement.changed":
        parties = frozenset({CONTROL, *(team_view(code) for code in payload["parties"])})
        # "observers for public measures": the contract allows them, it does not require them
        return Audience(parties, tolerated=frozenset({OBSERVERS}))
    raise AssertionError(f"no audience rule for event type {event_type!r}")


@dataclass(frozen=True, slots=True)
class Growth:
    """The event types one step appends to the log, in order: ``first`` exactly, then any number
    from ``then``, then ``last`` when given. The empty growth is "appends nothing"."""

    first: tuple[str, ...] = ()
    then: frozenset[str] = frozenset()
    last: str | None = None

    def matches(self, types: Sequence[str]) -> bool:
        if tuple(types[: len(self.first)]) != self.first:
            return False
        rest = list(types[len(self.first) :])
        if self.last is not None:
            if not rest or rest[-1] != self.last:
                return False
            rest = rest[:-1]
        return all(kind in self.then for kind in rest)


NOTHING = Growth()
# An inject may change the state (every view is told) and a hotline with it.
INJECTS = frozenset({"inject.released", "state.changed", "hotline.changed"})


def publish_growth() -> Growth:
    return Growth(("outcome.published",), then=OUTCOME_EFFECTS, last="phase.changed")


@dataclass
class Seat:
    """One principal: control or a participant, with everything its reconnects have read."""

    name: str
    view: str
    client: APIClient
    team: str | None = None
    participant_id: int | None = None
    # the first seat of each view is never revoked, so the view can always be read fresh
    anchor: bool = False
    revoked: bool = False
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def last_seq(self) -> int:
        return int(self.events[-1]["seq"]) if self.events else 0

    @property
    def is_player(self) -> bool:
        return self.team is not None


def read_since(client: APIClient, events_url: str, since: int, *, limit: int = 500) -> Any:
    """A reconnecting client's read: every page after ``since``, following ``next``. Returns
    the first unsuccessful response, or the list of events."""
    events: list[dict[str, Any]] = []
    while True:
        page = client.get(f"{events_url}?since={since}&limit={limit}")
        if page.status_code != 200:
            return page
        body = page.json()
        events += body["results"]
        if body["next"] is None:
            return events
        since = body["results"][-1]["seq"]


def gapless(events: Sequence[Mapping[str, Any]], *, after: int = 0) -> bool:
    return [event["seq"] for event in events] == list(range(after + 1, after + 1 + len(events)))


@dataclass
class LogWatch:
    """Invariants over control's full log, checked as it grows: phases follow one another one
    step at a time (each `phase.changed` is the next phase of its turn, or the next turn's
    briefing after an outcome), and no decision event names a turn that has locked."""

    phase_step: int | None = None
    locked: set[int] = field(default_factory=set)

    def problems(self, events: Sequence[Mapping[str, Any]]) -> list[str]:
        found: list[str] = []
        for event in events:
            kind, payload = event["type"], event["payload"]
            if kind == "phase.changed":
                step = (payload["turn"] - 1) * len(PHASES) + PHASES.index(payload["phase"])
                expected = 0 if self.phase_step is None else self.phase_step + 1
                if step != expected:
                    found.append(f"seq {event['seq']}: phase step {step}, expected {expected}")
                self.phase_step = step
                if payload["phase"] == "adjudication":
                    self.locked.add(payload["turn"])
            elif (
                kind in ("decision.saved", "decision.submitted") and payload["turn"] in self.locked
            ):
                found.append(f"seq {event['seq']}: {kind} for locked turn {payload['turn']}")
        return found
