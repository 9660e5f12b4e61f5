"""The team room: a player's page for one exercise, and the fragments its live regions refetch.

Observers are sent to the public screen and facilitators to their console; anyone else gets a 404,
as for an exercise that does not exist. Writes go from the page to the REST API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from wargame.exercises.errors import NotFound
from wargame.exercises.selectors.reads import exercise_visible
from wargame.exercises.services.game import exercise_scenario
from wargame.exercises.times import iso_utc
from wargame.languages import active_language
from wargame.web import room_context
from wargame.web.access import page_principal, view_position

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from wargame.exercises.principals import Principal


def _room(principal: Principal) -> room_context.Room:
    try:
        exercise = exercise_visible(principal)
    except NotFound as exc:
        raise Http404 from exc
    team = principal.team_code
    if team is None:
        raise Http404
    return room_context.Room(
        principal=principal,
        exercise=exercise,
        scenario=exercise_scenario(exercise),
        team=team,
        lang=active_language(),
    )


def _channel_param(request: HttpRequest) -> int | None:
    raw = request.GET.get("channel", "")
    return int(raw) if raw.isdigit() else None


@require_GET
def room(request: HttpRequest, exercise_id: int) -> HttpResponse:
    principal = page_principal(request, exercise_id)
    if principal.is_control:
        return redirect("web:console", exercise_id)
    if not principal.is_player:
        return redirect("web:screen", exercise_id)
    seat = _room(principal)
    # The page is current up to this position; its socket asks for what came after.
    since = view_position(seat.exercise, principal.view)
    channel = _channel_param(request)
    # Each region is rendered with the very template its fragment URL serves.
    parts = {
        name: render_to_string(
            f"web/room/parts/{name}.html",
            room_context.part_context(seat, name, channel=channel),
            request,
        )
        for name in room_context.PARTS
        if name != "practice" or seat.exercise.practice
    }
    context = {
        **seat.base(),
        "parts": parts,
        "since": since,
        "server_now": iso_utc(timezone.now()),
        "ws_path": f"/ws/exercises/{exercise_id}/",
        "channel": channel,
    }
    return render(request, "web/room/room.html", context)


@require_GET
def room_part(request: HttpRequest, exercise_id: int, name: str) -> HttpResponse:
    if name not in room_context.PARTS:
        raise Http404
    principal = page_principal(request, exercise_id)
    if not principal.is_player:
        raise Http404
    seat = _room(principal)
    if name == "practice" and not seat.exercise.practice:
        raise Http404
    context = room_context.part_context(seat, name, channel=_channel_param(request))
    return render(request, f"web/room/parts/{name}.html", context)
