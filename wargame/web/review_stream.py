"""Reading one view's event stream for the projector's feed and the review timeline.

Everything here comes from ``events_since_for`` with the view the page may show, so a team's
private decision or channel never reaches a page that is not that team's (or control's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wargame.exercises.selectors.events import events_since_for
from wargame.web.review_labels import in_language
from wargame.web.room_labels import VARIABLE_NAMES, value_label

if TYPE_CHECKING:
    from wargame.exercises.selectors.events import ViewEvent

PAGE = 500
# What a projector may show even when observers are allowed to read team talk (the teaching
# view): the public record only, never a message or a decision.
PUBLIC_TYPES = frozenset(
    {
        "exercise.started",
        "exercise.paused",
        "exercise.resumed",
        "exercise.ended",
        "inject.released",
        "statement.published",
        "outcome.published",
        "hotline.changed",
    }
)


def whole_stream(*, exercise_id: int, view: str, upto: int) -> list[ViewEvent]:
    """The view's events up to position ``upto`` (the page's view position), page by page."""
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


def recent_stream(*, exercise_id: int, view: str, upto: int, window: int) -> list[ViewEvent]:
    start = max(0, upto - window)
    return events_since_for(exercise_id=exercise_id, view=view, since=start, limit=upto - start)


def feed_item(event: ViewEvent, lang: str) -> dict[str, Any] | None:
    """A public event as one line of the projector's feed; None for anything not public."""
    if event.type not in PUBLIC_TYPES:
        return None
    payload = event.payload if isinstance(event.payload, dict) else {}
    item: dict[str, Any] = {
        "seq": event.seq,
        "type": event.type,
        "at": event.at,
        "turn": payload.get("turn"),
    }
    if event.type == "inject.released":
        item["title"] = in_language(payload.get("title"), lang)
        item["body"] = in_language(payload.get("body"), lang)
    elif event.type == "statement.published":
        item["team"] = payload.get("team")
        item["body"] = str(payload.get("body", ""))
    elif event.type == "outcome.published":
        item["body"] = in_language(payload.get("narrative"), lang)
    elif event.type == "hotline.changed":
        item["hotline"] = payload.get("hotline")
        item["state"] = payload.get("state")
        item["hotline_name"] = str(
            VARIABLE_NAMES.get(f"hotline/{item['hotline']}", item["hotline"])
        )
        item["state_name"] = value_label(item["state"])
    return item
