"""Reads the team room needs beyond the shared ones, each from the caller's own view."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from wargame.exercises.events import EventType
from wargame.exercises.models import (
    Adjudication,
    AdjudicationStatus,
    EventView,
    ExerciseStatus,
    Message,
)
from wargame.exercises.selectors.events import ViewEvent
from wargame.exercises.selectors.reads import agreements_visible, channels_for, exercise_visible
from wargame.exercises.selectors.snapshot import once_per_snapshot

if TYPE_CHECKING:
    from collections.abc import Iterable

    from wargame.exercises.events import AgreementPayload
    from wargame.exercises.principals import Principal

# A room shows the recent past; older messages stay in the API and the after-action review.
UNREAD_WINDOW = 200


@once_per_snapshot
def view_events_of(principal: Principal, types: Iterable[EventType]) -> list[ViewEvent]:
    """The events of these types in the caller's own view stream, oldest first: what the view
    was sent, with its own payload and position (never the global seq)."""
    rows = (
        EventView.objects.filter(
            exercise_id=principal.exercise_id, view=principal.view, event__type__in=list(types)
        )
        .select_related("event")
        .order_by("position")
    )
    return [
        ViewEvent(
            seq=row.position,
            type=EventType(row.event.type),
            at=row.event.created_at,
            payload=row.event.payload_for(principal.view),
        )
        for row in rows
    ]


@once_per_snapshot
def channel_message_ids(principal: Principal) -> dict[int, list[int]]:
    """The recent message numbers of each channel the caller may read (for unread counts), by
    channel number: the ids the room's clients see."""
    visible = [channel["id"] for channel in channels_for(principal)]
    ids: dict[int, list[int]] = defaultdict(list)
    rows = (
        Message.objects.filter(
            channel__exercise_id=principal.exercise_id, channel__number__in=visible
        )
        .order_by("-id")
        .values_list("channel__number", "number")[: UNREAD_WINDOW * max(1, len(visible))]
    )
    for channel_number, message_number in rows:
        if len(ids[channel_number]) < UNREAD_WINDOW:
            ids[channel_number].append(message_number)
    return {number: sorted(ids.get(number, [])) for number in visible}


def open_proposals(principal: Principal) -> list[AgreementPayload]:
    """Proposals the caller's team is party to and has not yet accepted: what c.accept and
    c.reject may name."""
    team = principal.team_code
    if team is None:
        return []
    return [
        agreement
        for agreement in agreements_visible(principal)
        if agreement["status"] == "proposed" and team not in agreement.get("accepted", [])
    ]


def practice_approval_waiting(principal: Principal) -> bool:
    """Whether a practice game's proposal waits at a nuclear decision point. Only the practice
    player asks: in a practice game that player is its control (docs/interface.md#commands:
    /practice/)."""
    exercise = exercise_visible(principal)
    if not (exercise.practice and principal.is_player):
        return False
    if exercise.status != ExerciseStatus.RUNNING or exercise.phase != "adjudication":
        return False
    row = Adjudication.objects.filter(
        exercise=exercise, turn=exercise.turn or 0, status=AdjudicationStatus.PROPOSED
    ).first()
    return bool(
        row is not None
        and (row.proposal or {}).get("requires_nuclear_approval")
        and not row.approved_nuclear
    )
