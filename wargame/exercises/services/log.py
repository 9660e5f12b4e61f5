"""Appending to the event log: the one place that numbers events."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from wargame.exercises.events import EventPayloadError, EventType, payload_check
from wargame.exercises.models import Event, EventView, Exercise
from wargame.exercises.notify import Committed, events_committed, log_grew
from wargame.exercises.views_of import CONTROL, is_view

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from wargame.exercises.events import EventPayload

# One line per committed event: the operator's audit trail, joinable to the log by exercise and seq.
logger = logging.getLogger("wargame.events")


# Where an exercise row remembers the transaction that locked it (see lock_held).
_LOCKED_IN = "_wargame_locked_in"


class EventAudienceError(ValueError):
    """An event was addressed to something that is not a view."""


class LockNotHeldError(RuntimeError):
    """A step that changes an exercise ran without its row lock: a programming error."""


def exercise_lock(*, exercise_id: int) -> Exercise:
    """The exercise row, locked until the current transaction ends.

    Every service that appends events or changes the phase takes this lock first, so that two
    writers queue here: commit order then equals ``seq`` order, and a reader following ``since``
    never skips an event that commits late (docs/reliability.md#failure-9).
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("exercise_lock() needs a surrounding transaction.atomic()")
    exercise = Exercise.objects.select_for_update().get(pk=exercise_id)
    # The lock lasts as long as the (sub)transaction that took it: a rolled-back savepoint
    # releases it too.
    exercise.__dict__[_LOCKED_IN] = connection.atomic_blocks[-1]
    return exercise


def lock_held(exercise: Exercise) -> None:
    """Refuse to go on unless ``exercise`` was locked by ``exercise_lock`` in a transaction still
    open: each step of a turn, and every append, assumes no other writer can interleave."""
    connection = transaction.get_connection()
    taken_in = exercise.__dict__.get(_LOCKED_IN)
    if not any(block is taken_in for block in connection.atomic_blocks):
        raise LockNotHeldError(f"exercise {exercise.pk}: this step needs exercise_lock() first")


def event_append(
    *,
    exercise: Exercise,
    type: EventType,
    audience: Iterable[str],
    payload: EventPayload,
    view_payloads: Mapping[str, EventPayload] | None = None,
    actor: Mapping[str, object] | None = None,
) -> Event:
    """Append one event with the next ``seq`` and the next position in each of its views.

    The caller holds ``exercise_lock`` in the current transaction. Control sees every event, so it
    is always in the audience. The type is one of ``EventType`` and each payload one of its
    shapes (``wargame.exercises.events``).
    """
    lock_held(exercise)
    if not isinstance(type, EventType):
        raise EventPayloadError(f"not an event type: {type!r}")
    for each in (payload, *(view_payloads or {}).values()):
        payload_check(type, each)
    views = list(dict.fromkeys([CONTROL, *audience]))
    unknown = [view for view in views if not is_view(view)]
    if unknown:
        raise EventAudienceError(f"not views: {', '.join(unknown)}")
    differing = dict(view_payloads or {})
    if set(differing) - set(views):
        raise EventAudienceError("a per-view payload names a view outside the audience")

    positions = dict(exercise.view_positions)
    for view in views:
        positions[view] = positions.get(view, 0) + 1
    exercise.last_seq += 1
    exercise.view_positions = positions
    exercise.save(update_fields=["last_seq", "view_positions"])

    event = Event.objects.create(
        exercise=exercise,
        seq=exercise.last_seq,
        type=type,
        audience=views,
        payload=dict(payload),
        view_payloads={view: dict(p) for view, p in differing.items()},
        actor=dict(actor) if actor is not None else None,
    )
    EventView.objects.bulk_create(
        EventView(event=event, exercise=exercise, view=view, position=positions[view])
        for view in views
    )
    exercise_id = exercise.pk
    logged = {"exercise": exercise_id, "seq": event.seq, "type": type}
    committed = Committed(
        type=type,
        created_at=event.created_at,
        payload=event.payload,
        view_payloads=event.view_payloads,
        positions={view: positions[view] for view in views},
    )

    def on_commit() -> None:
        logger.info("event %s", type, extra=logged)
        _committed_here().setdefault(exercise_id, []).append(committed)

    transaction.on_commit(on_commit)
    _announce_on_commit(exercise_id)
    return event


# The events of the transaction committing in this thread, by exercise: each event's own hook
# (dropped with a rolled-back savepoint, as the event is) adds it here, and the transaction's
# announcement hands them over together.
_committed = threading.local()


def _committed_here() -> dict[int, list[Committed]]:
    events: dict[int, list[Committed]] | None = getattr(_committed, "events", None)
    if events is None:
        events = _committed.events = {}
    return events


@dataclass(frozen=True, slots=True)
class _Announce:
    exercise_id: int

    def __call__(self) -> None:
        events = _committed_here().pop(self.exercise_id, [])
        if events:
            events_committed(self.exercise_id, events)
            log_grew(self.exercise_id)


def _announce_on_commit(exercise_id: int) -> None:
    """Once per transaction and exercise, after all its events' hooks, however many events it
    appends: the live screens then render what one commit changed in one pass, where handing
    each event over alone let a pass start between two events of the same commit; and a burst of
    200 events committed together rang one doorbell, not 200. The hook is moved to the end of
    the pending hooks at each append, outside every savepoint (its events' own hooks say what
    survived a rolled-back savepoint)."""
    hook = _Announce(exercise_id)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        hook()  # autocommit: the event's own hook has run already
        return
    connection.run_on_commit = [entry for entry in connection.run_on_commit if entry[1] != hook] + [
        (set(), hook, False)
    ]
