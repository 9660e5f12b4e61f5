"""The front door: the home page, joining with a code, and resuming a seat from this browser."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from wargame.exercises.errors import RateLimited, WargameError
from wargame.exercises.models import ExerciseStatus, JoinCode
from wargame.exercises.principals import PARTICIPANT_COOKIE, participant_for_token
from wargame.exercises.services.exercises import normalise_code
from wargame.exercises.services.joining import participant_join
from wargame.web.access import cookie_participant

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from wargame.exercises.models import Participant

# A seat lasts as long as the exercise is likely to: a long weekend's game, then it lapses.
SEAT_COOKIE_SECONDS = 14 * 24 * 3600
# A practice game has no join code: leaving it keeps its seat here, out of the way, so the player
# can come back to it from the practice page until the game ends.
LEFT_PRACTICE_COOKIE = "wargame_left_practice"


def seat_cookie_set(
    response: HttpResponse, token: str, *, cookie: str = PARTICIPANT_COOKIE
) -> None:
    """The seat lives in an HttpOnly cookie: page scripts never see the token."""
    response.set_cookie(
        cookie,
        token,
        max_age=SEAT_COOKIE_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:console-list")
    return redirect("web:join")


def seat_url(participant: Participant) -> str:
    """Players go to their team's room, observers to the public screen."""
    name = "web:room" if participant.team_id is not None else "web:screen"
    return reverse(name, args=[participant.exercise_id])


def _seat_matches(participant: Participant | None, code: str) -> bool:
    """Whether ``code`` opens the seat this browser already holds (so rejoining resumes it)."""
    if participant is None or not code:
        return False
    row = JoinCode.objects.filter(code=normalise_code(code)).only("exercise_id", "team_id").first()
    return (
        row is not None
        and row.exercise_id == participant.exercise_id
        and row.team_id == participant.team_id
    )


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    seat = cookie_participant(request)
    code = (request.POST.get("code") or request.GET.get("code") or "").strip()
    context: dict[str, object] = {
        "code": code,
        "display_name": "",
        "errors": {},
        "seat": seat,
        "left_practice": left_practice(request),
    }
    if request.method == "GET":
        if _seat_matches(seat, code):
            assert seat is not None  # noqa: S101 - narrowed by _seat_matches
            return redirect(seat_url(seat))
        return render(request, "web/join.html", context)

    display_name = request.POST.get("display_name", "")
    context["display_name"] = display_name
    if _seat_matches(seat, code):
        assert seat is not None  # noqa: S101 - narrowed by _seat_matches
        return redirect(seat_url(seat))
    address = str(request.META.get("REMOTE_ADDR") or "unknown")
    try:
        new_seat = participant_join(code=code, display_name=display_name, address=address)
    except RateLimited as exc:
        context["form_error"] = exc.message
        response = render(request, "web/join.html", context, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    except WargameError as exc:
        context["errors"] = exc.fields
        context["form_error"] = exc.message if not exc.fields else ""
        return render(request, "web/join.html", context, status=exc.status)
    response = redirect(seat_url(new_seat.participant))
    seat_cookie_set(response, new_seat.token)
    return response


def _practice_going_on(participant: Participant | None) -> bool:
    exercise = participant.exercise if participant is not None else None
    return exercise is not None and exercise.practice and exercise.status != ExerciseStatus.ENDED


def left_practice(request: HttpRequest) -> Participant | None:
    """The practice seat this browser left while its game goes on (None once the game ends)."""
    token = request.COOKIES.get(LEFT_PRACTICE_COOKIE)
    participant = participant_for_token(token) if token else None
    return participant if _practice_going_on(participant) else None


@require_http_methods(["POST"])
def leave(request: HttpRequest) -> HttpResponse:
    """Forget the seat in this browser (the participant stays in the exercise's log); a practice
    game's seat is kept aside until the game ends, since no code leads back to it."""
    seat = cookie_participant(request)
    if _practice_going_on(seat):
        response = redirect("web:practice")
        seat_cookie_set(response, request.COOKIES[PARTICIPANT_COOKIE], cookie=LEFT_PRACTICE_COOKIE)
    else:
        response = redirect("web:join")
    response.delete_cookie(PARTICIPANT_COOKIE, samesite="Lax")
    return response
