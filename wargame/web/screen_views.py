"""The observer screen: a projector in the room, so it shows the observers' view whoever opens
it (a facilitator too): public events, the clock and the public escalation chart, nothing of any
team's private data. Its socket follows the observers' stream too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from wargame.exercises.times import iso_utc
from wargame.web.access import page_principal
from wargame.web.region_views import page_reader
from wargame.web.regions.render import page_regions
from wargame.web.regions.table import SCREEN, SCREEN_PAGE

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


@require_GET
def screen(request: HttpRequest, exercise_id: int) -> HttpResponse:
    reader = page_reader(page_principal(request, exercise_id), SCREEN)
    context = {
        "exercise_id": exercise_id,
        "title": reader.exercise.title,
        "since": reader.position,
        "server_now": iso_utc(timezone.now()),
        "page_kind": SCREEN,
        "regions": page_regions(reader, SCREEN_PAGE),
    }
    return render(request, "web/screen/screen.html", context)
