"""Reading one view's event stream for the projector's feed and the review timeline.

Everything here comes from ``events_since_for`` with the view the page may show, so a team's
private decision or channel never reaches a page that is not that team's (or control's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wargame.exercises.events import EventType
from wargame.exercises.selectors.events import events_since_for
from wargame.labels import VARIABLE_NAMES, value_label
from wargame.languages import in_language

if TYPE_CHECKING:
    from wargame.exercises.selectors.events import ViewEvent

# What a projector may show even when observers are allowed to read team talk (the teaching
# view): the public record only, never a message or a decision.
# Each public type with the kind of line the feed shows for it.
PUBLIC_KINDS: dict[EventType, str] = {
    EventType.INJECT_RELEASED: "inject",
    EventType.STATEMENT_PUBLISHED: "statement",
    EventType.OUTCOME_PUBLISHED: "outcome",
    EventType.HOTLINE_CHANGED: "hotline",
    EventType.EXERCISE_STARTED: "started",
    EventType.EXERCISE_PAUSED: "paused",
    EventType.EXERCISE_RESUMED: "resumed",
    EventType.EXERCISE_ENDED: "ended",
}


def recent_stream(*, exercise_id: int, view: str, upto: int, window: int) -> list[ViewEvent]:
    start = max(0, upto - window)
    return events_since_for(exercise_id=exercise_id, view=view, since=start, limit=upto - start)


def feed_item(event: ViewEvent, lang: str) -> dict[str, Any] | None:
    """A public event as one line of the projector's feed; None for anything not public."""
    kind = PUBLIC_KINDS.get(event.type)
    if kind is None:
        return None
    payload = event.payload if isinstance(event.payload, dict) else {}
    item: dict[str, Any] = {
        "seq": event.seq,
        "type": event.type,
        "kind": kind,
        "at": event.at,
        "turn": payload.get("turn"),
    }
    if event.type == EventType.INJECT_RELEASED:
        item["title"] = in_language(payload.get("title"), lang)
        item["body"] = in_language(payload.get("body"), lang)
    elif event.type == EventType.STATEMENT_PUBLISHED:
        item["team"] = payload.get("team")
        item["body"] = str(payload.get("body", ""))
    elif event.type == EventType.OUTCOME_PUBLISHED:
        item["body"] = in_language(payload.get("narrative"), lang)
    elif event.type == EventType.HOTLINE_CHANGED:
        item["hotline"] = payload.get("hotline")
        item["state"] = payload.get("state")
        item["hotline_name"] = str(
            VARIABLE_NAMES.get(f"hotline/{item['hotline']}", item["hotline"])
        )
        item["state_name"] = value_label(item["state"])
    return item
