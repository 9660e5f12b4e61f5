"""What each region of the observer screen shows: the observers' view (a projector in the room
shows it whoever opens it), read through the selectors as that view."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wargame.exercises.audience import may_see, report_audience
from wargame.exercises.selectors.history import ladder_scale, public_escalation_history
from wargame.exercises.selectors.reads import exercise_payload
from wargame.exercises.views_of import OBSERVERS
from wargame.labels import phase_name, status_name
from wargame.web.review_dashboard import escalation_figure
from wargame.web.review_stream import feed_item, recent_stream

if TYPE_CHECKING:
    from wargame.web.regions.reader import Reader

FEED_WINDOW = 400
FEED_ITEMS = 40


def base(reader: Reader) -> dict[str, Any]:
    return {"exercise_id": reader.exercise.pk}


def status(reader: Reader) -> dict[str, Any]:
    body = exercise_payload(reader.exercise, reader.principal)
    return {
        "status": {
            "title": body["title"],
            "turn": body["turn"],
            "phase": body["phase"],
            "phase_name": phase_name(body["phase"]),
            "status": body["status"],
            "status_name": status_name(body["status"]),
            "deadline": body["deadline"],
            "paused": body["status"] == "paused",
            "remaining": body["remaining_seconds"],
            # The observers' copy of the report, once control has opened it to them.
            "report_url": (
                f"/api/v1/exercises/{reader.exercise.pk}/report.html?view=observers"
                if may_see(OBSERVERS, report_audience(reader.exercise))
                else ""
            ),
        }
    }


def feed(reader: Reader) -> dict[str, Any]:
    events = recent_stream(
        exercise_id=reader.exercise.pk, view=OBSERVERS, upto=reader.position, window=FEED_WINDOW
    )
    items = [item for item in (feed_item(e, reader.lang) for e in reversed(events)) if item]
    return {"feed": {"items": items[:FEED_ITEMS]}}


def chart(reader: Reader) -> dict[str, Any]:
    history = public_escalation_history(reader.principal)
    figure = escalation_figure(
        history, ladder_scale(reader.principal), dom_id="screen", with_ci=False
    )
    return {"chart": {"figure": figure}}
