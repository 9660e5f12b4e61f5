"""Who hears that an exercise's log has grown. The live-update layer subscribes at start-up,
so that this app never imports it (the arrow of imports points from realtime to exercises)."""

from __future__ import annotations

from collections.abc import Callable

Subscriber = Callable[[int], None]
_subscribers: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> None:
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)


def unsubscribe(subscriber: Subscriber) -> None:
    if subscriber in _subscribers:
        _subscribers.remove(subscriber)


def log_grew(exercise_id: int) -> None:
    """Called on commit of every write that appended events."""
    for subscriber in _subscribers:
        subscriber(exercise_id)
