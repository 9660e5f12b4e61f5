"""The fixed cast of every test (docs/architecture.md#house-style), made through the services the
product itself uses, never by writing rows by hand:

- people: ``control`` (a facilitator of the exercise), an ``outsider`` (a facilitator of none of
  it), a lead per team and an observer;
- an exercise at any stage: a draft, its lobby with everyone seated, or running at a phase.

Service tests take the people as principals (``Cast``, ``control_of``); API, page and socket
tests take the same people as clients (``Game``, built on a ``Cast``).
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from wargame.exercises.models import Exercise, ReportJob
from wargame.exercises.principals import Principal, participant_for_token, principal_for
from wargame.exercises.services.exercises import exercise_create
from wargame.exercises.services.joining import Seat, participant_join
from wargame.exercises.services.lifecycle import exercise_command
from wargame.exercises.views_of import CONTROL, OBSERVERS, team_view

if TYPE_CHECKING:
    from datetime import datetime

    from django.contrib.auth.models import User

TEAMS = ("US", "ROK", "JPN", "DPRK")
LEADS = {"US": "us_lead", "ROK": "rok_lead", "JPN": "jpn_lead", "DPRK": "dprk_lead"}
PASSWORD = "a-long-pass-phrase-9"  # every facilitator's
SEED = 7  # every cast exercise's
PHASES = ("briefing", "deliberation", "adjudication", "outcome")
STAGES = ("draft", "lobby", *PHASES)
ADDRESS = "127.0.0.1"  # where the cast joins from, as the test client does
_keys = itertools.count(1)


def client_key() -> str:
    return f"key-{next(_keys)}"


@functools.cache
def _password_hash(hashers: tuple[str, ...]) -> str:
    """One hash of the cast's password per set of hashers: hashing costs up to a second each
    time, and a shared salt changes nothing a test looks at."""
    return make_password(PASSWORD)


def _cast_password() -> str:
    return _password_hash(tuple(settings.PASSWORD_HASHERS))


def facilitator(username: str) -> User:
    """A facilitator account (created if new) that signs in with ``PASSWORD``."""
    user, _created = get_user_model().objects.get_or_create(
        username=username, defaults={"password": _cast_password()}
    )
    return user


def exercise_draft(*, user: User | None = None, **fields: Any) -> Exercise:
    """A draft exercise of ``user`` (by default ``control``), created as a facilitator creates
    one (codes, teams, channels, state); ``fields`` override the cast's scenario, title,
    language, seed and deliberation time."""
    return exercise_create(
        user=user or facilitator("control"),
        **{
            "scenario": "exercise_season",
            "title": "Seminar 3",
            "language": "en",
            "seed": SEED,
            "deliberation_minutes": 20,
            **fields,
        },
    )


def control_of(exercise: Exercise | int) -> Principal:
    """The exercise's creator as its control."""
    row = exercise if isinstance(exercise, Exercise) else Exercise.objects.get(pk=exercise)
    return principal_for(exercise_id=row.pk, user=row.created_by)


def join_codes(exercise_id: int) -> dict[str, str]:
    """Each team's join code and the observers', as control reads them."""
    from wargame.exercises.models import JoinCode

    return {
        (row.team.code if row.team is not None else "observers"): row.code
        for row in JoinCode.objects.filter(exercise_id=exercise_id).select_related("team")
    }


def seat(exercise_id: int, where: str, display_name: str | None = None) -> Seat:
    """A person joining with the join code of ``where`` (a team code or ``observers``)."""
    name = display_name or ("Observer" if where == "observers" else f"{where} lead")
    return participant_join(code=join_codes(exercise_id)[where], display_name=name, address=ADDRESS)


def command(principal: Principal, name: str, now: datetime | None = None, **args: Any) -> Exercise:
    """Control's command with ``args``, now."""
    return exercise_command(principal=principal, command=name, args=args, now=now)


def exercise_bring_to(control: Principal, stage: str) -> None:
    """From the lobby: start, then advance until turn 1 is at ``stage`` (a phase)."""
    command(control, "start")
    for _step in range(PHASES.index(stage)):
        command(control, "advance")


@dataclass
class Cast:
    """One exercise and its people, as principals; ``tokens`` are the seats' credentials."""

    exercise_id: int
    control: Principal
    leads: dict[str, Principal] = field(default_factory=dict)
    observer: Principal | None = None
    tokens: dict[str, str] = field(default_factory=dict)  # team code or "observers" -> token

    def join_codes(self) -> dict[str, str]:
        return join_codes(self.exercise_id)


def cast_create(*, stage: str = "lobby", **exercise: Any) -> Cast:
    """An exercise at ``stage`` (``draft``, ``lobby`` or a phase of turn 1) made by ``control``;
    from the lobby on a lead per team and an observer are seated. ``exercise`` goes to
    ``exercise_draft`` (user, scenario, deliberation_minutes, ...)."""
    created = exercise_draft(**exercise)
    control = control_of(created)
    cast = Cast(exercise_id=created.pk, control=control)
    if stage == "draft":
        return cast
    command(control, "open_lobby")
    for where in (*TEAMS, "observers"):
        taken = seat(created.pk, where)
        cast.tokens[where] = taken.token
        principal = principal_for(exercise_id=created.pk, participant=taken.participant)
        if where == "observers":
            cast.observer = principal
        else:
            cast.leads[where] = principal
    if stage != "lobby":
        exercise_bring_to(control, stage)
    return cast


# --- the same people as API clients -----------------------------------------------------------


def facilitator_token(username: str) -> str:
    """A facilitator (created if new) and the key of their API token, for clients other than the
    test client (a live server, a socket)."""
    token, _created = Token.objects.get_or_create(user=facilitator(username))
    key: str = token.key
    return key


def facilitator_client(username: str) -> APIClient:
    """A facilitator (created if new) holding an API token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {facilitator_token(username)}")
    return client


def participant_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Participant {token}")
    return client


def view_events(client: APIClient, exercise_url: str) -> list[dict[str, Any]]:
    """Everything a principal's own events list holds, page by page."""
    events: list[dict[str, Any]] = []
    since = 0
    while True:
        page = client.get(f"{exercise_url}events/?since={since}&limit=100")
        assert page.status_code == 200, page.content
        results = page.json()["results"]
        if not results:
            return events
        events += results
        since = results[-1]["seq"]


@dataclass
class Game:
    """A cast exercise seen through the API: control's and every seat's client."""

    exercise_id: int
    control: APIClient
    players: dict[str, APIClient]
    observer: APIClient
    join_codes: dict[str, str]
    participant_ids: dict[str, int] = field(default_factory=dict)

    def url(self, tail: str = "") -> str:
        return f"/api/v1/exercises/{self.exercise_id}/{tail}"

    def command(self, command: str, **extra: Any) -> Any:
        return self.control.post(
            self.url("commands/"), {"command": command, **extra}, format="json"
        )

    def events(self, client: APIClient) -> list[dict[str, Any]]:
        return view_events(client, self.url())

    def exercise(self) -> dict[str, Any]:
        response = self.control.get(self.url())
        assert response.status_code == 200, response.content
        return dict(response.json())


def _user_of(client: APIClient) -> User:
    credentials: dict[str, str] = getattr(client, "_credentials", {})
    key = credentials["HTTP_AUTHORIZATION"].split()[1]
    user: User = Token.objects.select_related("user").get(key=key).user
    return user


def game_of(cast: Cast, control: APIClient) -> Game:
    """The cast's people as API clients (``control`` is the client of the cast's control)."""
    players = {team: participant_client(token) for team, token in cast.tokens.items()}
    observer = players.pop("observers", APIClient())
    return Game(
        exercise_id=cast.exercise_id,
        control=control,
        players=players,
        observer=observer,
        join_codes=cast.join_codes(),
        participant_ids={
            team: lead.participant.number
            for team, lead in cast.leads.items()
            if lead.participant is not None
        },
    )


def game_create(
    control: APIClient,
    *,
    scenario: str = "exercise_season",
    deliberation_minutes: int | None = 20,
    stage: str = "lobby",
) -> Game:
    """An exercise of ``control``'s at ``stage``, everyone seated, as API clients."""
    cast = cast_create(
        stage=stage,
        user=_user_of(control),
        scenario=scenario,
        deliberation_minutes=deliberation_minutes,
    )
    return game_of(cast, control)


def report_job_row(exercise: int | str, number: int, reader: APIClient | None = None) -> int:
    """The row a worker is handed for the report job ``reader`` (None: control) knows as
    ``number``: control's ids count within the exercise, a reader's within its view.
    ``exercise`` is its id, or a URL under ``/api/v1/exercises/{id}/``."""
    if isinstance(exercise, str):
        exercise = int(exercise.split("/exercises/")[1].split("/")[0])
    jobs = ReportJob.objects.filter(exercise_id=exercise)
    view = CONTROL if reader is None else _view_of(reader)
    if view == CONTROL:
        return int(jobs.get(number=number).pk)
    return int(jobs.get(view=view, view_number=number).pk)


def _view_of(client: APIClient) -> str:
    credentials: dict[str, str] = getattr(client, "_credentials", {})
    scheme, key = credentials["HTTP_AUTHORIZATION"].split()
    if scheme != "Participant":
        return CONTROL
    seat = participant_for_token(key)
    assert seat is not None, "a seat's client"
    return OBSERVERS if seat.team is None else team_view(seat.team.code)
