"""Who hears that an exercise's log has grown. The live-update layer subscribes at start-up,
so that this app never imports it (the arrow of imports points from realtime to exercises)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from wargame.exercises.events import EventType


@dataclass(frozen=True, slots=True)
class Committed:
    """One event as its views see it, handed over after its transaction committed."""

    type: EventType
    created_at: datetime
    payload: Mapping[str, object]
    view_payloads: Mapping[str, Mapping[str, object]]
    positions: Mapping[str, int]  # view -> the event's position in that view's stream


Subscriber = Callable[[int], None]
EventSubscriber = Callable[[int, Sequence[Committed]], None]
_subscribers: list[Subscriber] = []
_event_subscribers: list[EventSubscriber] = []


def subscribe(subscriber: Subscriber) -> None:
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)


def unsubscribe(subscriber: Subscriber) -> None:
    if subscriber in _subscribers:
        _subscribers.remove(subscriber)


def subscribe_events(subscriber: EventSubscriber) -> None:
    if subscriber not in _event_subscribers:
        _event_subscribers.append(subscriber)


def log_grew(exercise_id: int) -> None:
    """Called once on commit of each transaction that appended events to an exercise."""
    for subscriber in _subscribers:
        subscriber(exercise_id)


def events_committed(exercise_id: int, events: Sequence[Committed]) -> None:
    """Called once on commit of each transaction that appended events to an exercise, with
    those events in the order of the log."""
    for subscriber in _event_subscribers:
        subscriber(exercise_id, events)


RevocationSubscriber = Callable[[int | None], None]
_revocation_subscribers: list[RevocationSubscriber] = []


def subscribe_revocations(subscriber: RevocationSubscriber) -> None:
    if subscriber not in _revocation_subscribers:
        _revocation_subscribers.append(subscriber)


def access_revoked(exercise_id: int | None) -> None:
    """Called on commit after a credential or a seat was revoked (of one exercise, or of any
    when None): every server process checks its sockets again."""
    for subscriber in _revocation_subscribers:
        subscriber(exercise_id)
