"""The glossary page: the game's words in the reader's language, with the other two beside them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import render
from django.views.decorators.http import require_GET

from wargame.languages import active_language
from wargame.web.glossary import glossary_for

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


@require_GET
def glossary(request: HttpRequest) -> HttpResponse:
    return render(request, "web/glossary.html", {"sections": glossary_for(active_language())})
