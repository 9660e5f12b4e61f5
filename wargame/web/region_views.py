"""The fragment of each live region (what live.js fetches when a pushed region is late or a page
asks for another variant): the same shared render the page embeds and the socket pushes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from wargame.exercises.errors import NotFound
from wargame.exercises.selectors.reads import exercise_visible
from wargame.languages import active_language
from wargame.web.access import page_principal
from wargame.web.regions.reader import Reader
from wargame.web.regions.render import shared_regions
from wargame.web.regions.table import PAGES, page_view

if TYPE_CHECKING:
    from django.http import HttpRequest

    from wargame.exercises.principals import Principal

# The view position a fragment is current at: live.js applies a later push over it, never an
# earlier one.
POSITION_HEADER = "X-Wargame-Position"


def page_reader(principal: Principal, kind: str) -> Reader:
    """The reader of the view the page of ``kind`` shows this principal, or 404."""
    view = page_view(kind, principal.view)
    if view is None:
        raise Http404
    try:
        exercise = exercise_visible(principal)
    except NotFound as exc:
        raise Http404 from exc
    return Reader.of(exercise, view, active_language())


@require_GET
def region_part(request: HttpRequest, exercise_id: int, name: str, *, kind: str) -> HttpResponse:
    page = PAGES[kind]
    region = page.regions.get(name)
    if region is None:
        raise Http404
    reader = page_reader(page_principal(request, exercise_id), kind)
    if not region.is_present(reader):
        raise Http404
    asked = request.GET.get(region.variant.param) if region.variant is not None else None
    _variant, html = shared_regions(reader, page, {name: asked})[name]
    response = HttpResponse(html)
    response["Cache-Control"] = "no-store"
    response[POSITION_HEADER] = str(reader.position)
    return response
