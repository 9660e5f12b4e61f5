"""Reading one view's stream of the event log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wargame.exercises.events import EventType
from wargame.exercises.models import EventView
from wargame.exercises.shapes import EventBody
from wargame.exercises.times import iso_utc

if TYPE_CHECKING:
    from datetime import datetime


@dataclass(frozen=True, slots=True)
class ViewEvent:
    """An event as one view sees it: its position in that view's stream, never the global seq."""

    seq: int
    type: EventType
    at: datetime
    payload: Any

    def as_frame(self) -> EventBody:
        return EventBody(seq=self.seq, type=self.type, at=iso_utc(self.at), payload=self.payload)


def events_since_for(*, exercise_id: int, view: str, since: int, limit: int) -> list[ViewEvent]:
    """The view's events after position ``since``, in order, at most ``limit`` of them."""
    rows = (
        EventView.objects.filter(exercise_id=exercise_id, view=view, position__gt=since)
        .select_related("event")
        .order_by("position")[:limit]
    )
    return [
        ViewEvent(
            seq=row.position,
            type=EventType(row.event.type),
            at=row.event.created_at,
            payload=row.event.payload_for(view),
        )
        for row in rows
    ]


def event_kinds_between(
    *, exercise_id: int, view: str, after: int, upto: int
) -> list[tuple[int, str, object]]:
    """The kinds of event in the view's stream in (``after``, ``upto``], in order: each one's
    position, type and the channel its payload names (None when it names none). What a page's
    regions need to tell whether one changed, without reading whole payloads."""
    rows = (
        EventView.objects.filter(
            exercise_id=exercise_id, view=view, position__gt=after, position__lte=upto
        )
        .order_by("position")
        .values_list("position", "event__type", "event__payload__channel")
    )
    return list(rows)
