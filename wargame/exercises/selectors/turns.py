"""One view's stream folded into turns: what the timeline page and the after-action report tell.

Both read the reader's own view stream, so neither can tell more than that view was sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wargame.exercises.events import EventType
from wargame.exercises.selectors.events import events_since_for

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from datetime import datetime

    from wargame.exercises.selectors.events import ViewEvent

PAGE = 500
# Events that say which turn the game is in: a statement carries no turn of its own.
TURN_MARKERS = (
    EventType.EXERCISE_STARTED,
    EventType.PHASE_CHANGED,
    EventType.OUTCOME_PUBLISHED,
    EventType.EXERCISE_ENDED,
)


@dataclass(frozen=True, slots=True)
class Logged:
    """A payload and when it was logged."""

    at: datetime
    payload: Mapping[str, Any]


@dataclass
class TurnLog:
    """What one view's stream holds for one turn (turn 0: before the start)."""

    turn: int
    injects: list[Logged] = field(default_factory=list)
    # Each team's decision as the view last saw it in full (a sealed submit carries none).
    decisions: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    submitted: set[str] = field(default_factory=set)
    statements: list[Logged] = field(default_factory=list)
    outcome: Mapping[str, Any] | None = None

    def has_content(self) -> bool:
        return bool(
            self.injects or self.decisions or self.submitted or self.statements or self.outcome
        )


@dataclass
class StreamLog:
    turns: dict[int, TurnLog] = field(default_factory=dict)
    started: datetime | None = None
    ended: datetime | None = None

    def turn(self, n: int) -> TurnLog:
        return self.turns.setdefault(n, TurnLog(turn=n))

    def played(self) -> list[TurnLog]:
        """The turns with anything in them, in order."""
        return [self.turns[n] for n in sorted(self.turns) if self.turns[n].has_content()]


def view_stream(*, exercise_id: int, view: str, upto: int) -> list[ViewEvent]:
    """The view's events up to its position ``upto``, page by page."""
    events: list[ViewEvent] = []
    since = 0
    while since < upto:
        page = events_since_for(
            exercise_id=exercise_id, view=view, since=since, limit=min(PAGE, upto - since)
        )
        if not page:
            break
        events.extend(page)
        since = page[-1].seq
    return events


def turns_of(events: Iterable[ViewEvent]) -> StreamLog:
    """Fold a view's events into turns: each event belongs to the turn its payload names, else to
    the turn the game was in when it was logged."""
    log = StreamLog()
    current = 0
    for event in events:
        payload: Mapping[str, Any] = event.payload if isinstance(event.payload, dict) else {}
        named = payload.get("turn")
        if event.type in TURN_MARKERS and isinstance(named, int):
            current = named
        turn = log.turn(named if isinstance(named, int) else current)
        if event.type == EventType.EXERCISE_STARTED:
            log.started = event.at
        elif event.type == EventType.EXERCISE_ENDED:
            log.ended = event.at
        elif event.type == EventType.INJECT_RELEASED:
            turn.injects.append(Logged(event.at, payload))
        elif event.type in (EventType.DECISION_SAVED, EventType.DECISION_SUBMITTED):
            team = str(payload.get("team") or "")
            if event.type == EventType.DECISION_SUBMITTED:
                turn.submitted.add(team)
            if "actions" in payload:
                # A later save supersedes an earlier one: the last seen is what counted.
                turn.decisions[team] = payload
        elif event.type == EventType.STATEMENT_PUBLISHED:
            turn.statements.append(Logged(event.at, payload))
        elif event.type == EventType.OUTCOME_PUBLISHED:
            turn.outcome = payload
    return log
