"""The team room: a player's page for one exercise.

Observers are sent to the public screen and facilitators to their console; anyone else gets a 404,
as for an exercise that does not exist. Writes go from the page to the REST API. The regions are
the team's view's, shared by every member of the team in a language; what is the player's own
(their name, the Leave form, who they are to the draft) is rendered here, outside the regions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from wargame.exercises.times import iso_utc
from wargame.web import room_context
from wargame.web.access import page_principal
from wargame.web.region_views import page_reader
from wargame.web.regions.render import page_regions
from wargame.web.regions.table import ROOM, ROOM_PAGE

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


@require_GET
def room(request: HttpRequest, exercise_id: int) -> HttpResponse:
    principal = page_principal(request, exercise_id)
    if principal.is_control:
        return redirect("web:console", exercise_id)
    if not principal.is_player:
        return redirect("web:screen", exercise_id)
    reader = page_reader(principal, ROOM)
    # The page is current up to this position; its socket asks for what came after.
    regions = page_regions(reader, ROOM_PAGE, {"channel": request.GET.get("channel")})
    participant = principal.participant
    context = {
        **room_context.base(reader),
        "regions": regions,
        "since": reader.position,
        "server_now": iso_utc(timezone.now()),
        "ws_path": f"/ws/exercises/{exercise_id}/",
        "page_kind": ROOM,
        "display_name": participant.display_name if participant is not None else "",
        "me": participant.number if participant is not None else "",
    }
    return render(request, "web/room/room.html", context)
