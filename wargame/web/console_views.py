"""The facilitator console: the list of one's exercises, setting one up, and running it live.

Every write goes to the REST API from the page (forms.js); these views only read, through
the selectors, as control (the live regions as control's view, shared by every facilitator of
the exercise). A page of an exercise the caller does not facilitate is a 404, exactly as the API
answers: a hidden exercise does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from wargame.exercises.models import ExerciseStatus
from wargame.exercises.selectors.console import console_exercises
from wargame.exercises.selectors.reads import exercise_payload, exercise_visible
from wargame.exercises.selectors.scenarios import scenario_summary, scenarios_visible
from wargame.exercises.times import iso_utc
from wargame.languages import LANGUAGES, active_language
from wargame.web.access import cookie_participant, page_principal
from wargame.web.console_regions import join_link
from wargame.web.qr import qr_svg
from wargame.web.region_views import page_reader
from wargame.web.regions.render import page_regions
from wargame.web.regions.table import CONSOLE, CONSOLE_PAGE

if TYPE_CHECKING:
    from django.http import HttpRequest

    from wargame.exercises.principals import Principal


# The console's tabs (name, label): the run view, then what a facilitator opens now and then.
# Plain links (``?tab=codes``) that work without script; console.js turns them into a tab list.
CONSOLE_TABS = (
    ("run", gettext_lazy("Run")),
    ("codes", gettext_lazy("Join codes")),
    ("injects", gettext_lazy("Injects")),
    ("settings", gettext_lazy("Settings")),
    ("report", gettext_lazy("Report")),
)
_TAB_NAMES = frozenset(name for name, _ in CONSOLE_TABS)


def console_tab(asked: str | None, status: str) -> str:
    """The tab a console page opens on: the one asked for, else the join codes until the game
    starts (the lobby is about letting people in), the run view while it runs, and the report
    once it has ended."""
    if asked in _TAB_NAMES:
        return str(asked)
    if status in (ExerciseStatus.DRAFT, ExerciseStatus.LOBBY):
        return "codes"
    return "report" if status == ExerciseStatus.ENDED else "run"


def _control(request: HttpRequest, exercise_id: int) -> Principal:
    """Control's principal, or 404 for everyone else (players, observers, other facilitators)."""
    principal = page_principal(request, exercise_id)
    if not principal.is_control:
        raise Http404
    return principal


def _needs_sign_in(request: HttpRequest) -> bool:
    """Nobody at all: send them to sign in. A seat holder is someone, and gets the 404."""
    return not request.user.is_authenticated and cookie_participant(request) is None


@login_required
@require_GET
def console_list(request: HttpRequest) -> HttpResponse:
    rows = console_exercises(request.user, active_language())  # type: ignore[arg-type]
    return render(request, "web/console/list.html", {"exercises": rows})


@login_required
@require_GET
def console_new(request: HttpRequest) -> HttpResponse:
    lang = active_language()
    scenarios = [
        {**scenario_summary(scenario, lang), "deliberation_minutes": scenario.deliberation_minutes}
        for scenario in scenarios_visible(request.user)
    ]
    wanted = request.GET.get("scenario", "")
    chosen = next(
        (s for s in scenarios if s["slug"] == wanted), scenarios[0] if scenarios else None
    )
    return render(
        request,
        "web/console/new.html",
        {
            "scenarios": scenarios,
            "chosen": chosen,
            "language": lang,
            "languages": LANGUAGES,
        },
    )


@require_GET
def console(request: HttpRequest, exercise_id: int) -> HttpResponse:
    if _needs_sign_in(request):
        return redirect_to_login(request.get_full_path())
    reader = page_reader(_control(request, exercise_id), CONSOLE)
    regions = page_regions(reader, CONSOLE_PAGE, {"channels": request.GET.get("channel")})
    context = {
        "exercise": reader.exercise,
        "position": reader.position,
        "server_now": iso_utc(timezone.now()),
        "page_kind": CONSOLE,
        "regions": regions,
        "tab": console_tab(request.GET.get("tab"), reader.exercise.status),
        "tabs": CONSOLE_TABS,
        "tab_chosen": request.GET.get("tab") in _TAB_NAMES,
        "scenario_title": reader.scenario.title.get(reader.lang),
    }
    return render(request, "web/console/console.html", context)


@require_GET
def console_qr(request: HttpRequest, exercise_id: int, key: str) -> HttpResponse:
    if _needs_sign_in(request):
        return redirect_to_login(request.get_full_path())
    principal = _control(request, exercise_id)
    exercise = exercise_visible(principal)
    code = exercise_payload(exercise, principal).get("join_codes", {}).get(key)
    if code is None:
        raise Http404
    response = HttpResponse(
        qr_svg(join_link(request, code), title=code), content_type="image/svg+xml"
    )
    response["Cache-Control"] = "no-store"
    return response
