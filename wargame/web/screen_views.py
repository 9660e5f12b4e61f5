"""The observer screen: a projector in the room, so it shows the observers' view whoever opens
it (a facilitator too): public events, the clock and the public escalation chart, nothing of any
team's private data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from wargame.exercises.events import CLOCK_EVENTS, EventType, refresh_on
from wargame.exercises.selectors.history import ladder_scale, public_escalation_history
from wargame.exercises.selectors.reads import exercise_payload, exercise_visible
from wargame.exercises.times import iso_utc
from wargame.exercises.views_of import OBSERVERS
from wargame.labels import phase_name, status_name
from wargame.languages import active_language
from wargame.web.access import page_principal, view_position
from wargame.web.review_dashboard import escalation_figure
from wargame.web.review_stream import PUBLIC_KINDS, feed_item, recent_stream

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest, HttpResponse

    from wargame.exercises.models import Exercise
    from wargame.exercises.principals import Principal

REFRESH = {
    "status": refresh_on(*CLOCK_EVENTS),
    "chart": refresh_on(EventType.OUTCOME_PUBLISHED, EventType.EXERCISE_ENDED),
    "feed": refresh_on(*PUBLIC_KINDS),
}
FEED_WINDOW = 400
FEED_ITEMS = 40


def _screen_principal(request: HttpRequest, exercise_id: int) -> Principal:
    principal = page_principal(request, exercise_id)
    if not (principal.is_control or principal.view == OBSERVERS):
        raise Http404
    return principal


def status_context(principal: Principal, exercise: Exercise) -> dict[str, Any]:
    body = exercise_payload(exercise, principal)
    return {
        "title": body["title"],
        "turn": body["turn"],
        "phase": body["phase"],
        "phase_name": phase_name(body["phase"]),
        "status": body["status"],
        "status_name": status_name(body["status"]),
        "deadline": body["deadline"],
        "paused": body["status"] == "paused",
        "remaining": body["remaining_seconds"],
    }


def feed_context(principal: Principal, exercise: Exercise, upto: int) -> dict[str, Any]:
    lang = active_language()
    events = recent_stream(exercise_id=exercise.pk, view=OBSERVERS, upto=upto, window=FEED_WINDOW)
    items = [item for item in (feed_item(e, lang) for e in reversed(events)) if item]
    return {"items": items[:FEED_ITEMS]}


def chart_context(principal: Principal) -> dict[str, Any]:
    history = public_escalation_history(principal)
    return {
        "figure": escalation_figure(
            history, ladder_scale(principal), dom_id="screen", with_ci=False
        )
    }


def _parts(principal: Principal, exercise: Exercise) -> dict[str, Callable[[], dict[str, Any]]]:
    observers_at = view_position(exercise, OBSERVERS)
    return {
        "status": lambda: status_context(principal, exercise),
        "feed": lambda: feed_context(principal, exercise, observers_at),
        "chart": lambda: chart_context(principal),
    }


@require_GET
def screen(request: HttpRequest, exercise_id: int) -> HttpResponse:
    principal = _screen_principal(request, exercise_id)
    exercise = exercise_visible(principal)
    since = view_position(exercise, principal.view)
    parts = _parts(principal, exercise)
    context: dict[str, Any] = {
        "exercise_id": exercise.pk,
        "since": since,
        "server_now": iso_utc(timezone.now()),
        "refresh": REFRESH,
        **{name: build() for name, build in parts.items()},
    }
    return render(request, "web/screen/screen.html", context)


@require_GET
def screen_part(request: HttpRequest, exercise_id: int, name: str) -> HttpResponse:
    principal = _screen_principal(request, exercise_id)
    exercise = exercise_visible(principal)
    build = _parts(principal, exercise).get(name)
    if build is None:
        raise Http404
    context = {"exercise_id": exercise.pk, name: build()}
    return render(request, f"web/screen/_{name}.html", context)
