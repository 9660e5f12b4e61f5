"""The world the authorization matrix runs in (tests/api/test_authorization_matrix.py): the cases
of authz_matrix.yaml, what the run records (cells, answers, planted canaries), and two exercises
played to turn 2 with private text planted everywhere a team may write it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from tests.answers import ok
from tests.cast import (
    PASSWORD,
    TEAMS,
    Game,
    client_key,
    facilitator_client,
    game_create,
)
from wargame.engine.scenario.schema import scenarios_dir
from wargame.exercises.models import Exercise, ReportJob, Team

if TYPE_CHECKING:
    from collections.abc import Callable

MATRIX: dict[str, Any] = yaml.safe_load(
    Path(__file__).with_name("authz_matrix.yaml").read_text(encoding="utf-8")
)
ROLES: tuple[str, ...] = tuple(MATRIX["roles"])
CASES: list[dict[str, Any]] = MATRIX["cases"]
OWN_UPLOAD, OTHER_UPLOAD, FRESH_UPLOAD = "matrix_own", "matrix_theirs", "matrix_fresh"
# Everyone seated in the own exercise; the matrix's roles plus the two teams it does not drive.
SEATED = ("control", "US", "ROK", "JPN", "DPRK", "observer")
PLANS: dict[str, list[dict[str, Any]]] = {  # valid turn-1 decisions (tests/api/test_full_exercise)
    "US": [{"action": "d.consult", "target": "ROK"}, {"action": "d.talks_offer", "target": "DPRK"}],
    "ROK": [{"action": "d.consult", "target": "US"}],
    "JPN": [{"action": "d.trilateral"}],
    "DPRK": [{"action": "d.russia_deepen"}, {"action": "i.loudspeakers", "target": "ROK"}],
}
ALLIED_AND_HOTLINES = ("US-ROK", "US-JPN", "ROK-JPN", "US-ROK-JPN", "ROK-DPRK", "US-DPRK")


@dataclass(frozen=True, slots=True)
class Canary:
    """A unique text planted where only ``readers`` may ever read it (empty: none of the cast)."""

    text: str
    what: str
    readers: frozenset[str]


@dataclass(frozen=True, slots=True)
class Seen:
    """One answer a principal received: a cell, an event page, a read after the matrix."""

    who: str
    where: str
    status: int
    text: str

    def json(self) -> Any:
        try:
            return json.loads(self.text)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class Cell:
    label: str
    obj: str
    role: str
    method: str
    path: str
    expected: int
    status: int
    text: str

    def describe(self) -> str:
        return (
            f"{self.label} [{self.obj}] as {self.role}: {self.method} {self.path} -> "
            f"{self.status}, expected {self.expected}: {self.text[:200]}"
        )


@dataclass(slots=True)
class Side:
    """One exercise as the matrix uses it: the game, its channels and its current turn."""

    game: Game
    channels: dict[str, int] = field(default_factory=dict)
    turn: int = 0
    report: int = 0


@dataclass(slots=True)
class World:
    own: Side
    other: Side
    clients: dict[str, APIClient]
    canaries: dict[str, Canary] = field(default_factory=dict)
    secrets: list[Canary] = field(default_factory=list)  # join codes and tokens
    cells: list[Cell] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    streams: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    not_allowed: list[Cell] = field(default_factory=list)
    bad_credentials: list[Cell] = field(default_factory=list)
    # observer_view "teams" (a teaching setting), kept apart from the default-view checks
    teaching_canaries: dict[str, Canary] = field(default_factory=dict)
    teaching_seen: list[Seen] = field(default_factory=list)

    def mark(self, what: str, readers: set[str] | frozenset[str], *, teaching: bool = False) -> str:
        text = f"cnry{len(self.canaries) + len(self.teaching_canaries):04d}q"
        kept = self.teaching_canaries if teaching else self.canaries
        kept[text] = Canary(text, what, frozenset(readers))
        return text


# --- writing into a game ------------------------------------------------------------------------


def _token_of(client: APIClient) -> str:
    credentials: dict[str, str] = getattr(client, "_credentials", {})
    return credentials["HTTP_AUTHORIZATION"].split()[1]


def scenario_text(slug: str, title: str) -> str:
    text = (scenarios_dir() / "exercise_season.yaml").read_text(encoding="utf-8")
    text = text.replace("slug: exercise_season\n", f"slug: {slug}\n", 1)
    old_title = 'title:\n  en: "Exercise Season: A Record Drill Read as a Threat"'
    assert old_title in text
    return text.replace(old_title, f'title:\n  en: "{title}"', 1)


def _upload(client: APIClient, slug: str, title: str) -> None:
    response = client.generic(
        "POST", "/api/v1/scenarios/", scenario_text(slug, title), "application/yaml"
    )
    ok(response, 201)


def talk(game: Game, client: APIClient, channel: int, text: str) -> None:
    body = {"body": f"Message {text}", "client_key": client_key()}
    ok(client.post(game.url(f"channels/{channel}/messages/"), body, format="json"), 201)


def _draft(game: Game, team: str, turn: int, actions: list[Any], rationale: str) -> None:
    body = {"actions": actions, "rationale": f"Because {rationale}", "client_key": client_key()}
    ok(game.players[team].put(game.url(f"turns/{turn}/decision/"), body, format="json"), 200)


def command_ok(game: Game, command: str, **extra: Any) -> None:
    ok(game.command(command, **extra), 200)


# --- building the world -------------------------------------------------------------------------


def _play_to_turn_two(side: Side, mark: Callable[[str, set[str]], str]) -> None:
    """Turn 1 played and published with private text everywhere; turn 2 in deliberation with a
    private draft per team. ROK is marked as played by a bot so control may write for it."""
    game = side.game
    Team.objects.filter(exercise_id=game.exercise_id, code="ROK").update(ai=True)
    command_ok(game, "start")
    command_ok(game, "advance", expected_phase="briefing")
    for hotline in ("ik", "us"):
        command_ok(game, "set_hotline", args={"hotline": hotline, "state": "up"})
    listed = ok(game.control.get(game.url("channels/")), 200)["results"]
    side.channels = {channel["name"]: channel["id"] for channel in listed}
    for team in TEAMS:
        _draft(game, team, 1, PLANS[team], mark(f"{team} rationale, turn 1", {team}))
        player = game.players[team]
        talk(game, player, side.channels[team], mark(f"{team} team channel", {team}))
        line = side.channels[f"control-{team}"]
        talk(game, player, line, mark(f"{team} to control", {team}))
        talk(game, game.control, line, mark(f"control to {team}", {team}))
    for name in ALLIED_AND_HOTLINES:
        members = set(name.split("-"))
        for team in sorted(members):
            talk(game, game.players[team], side.channels[name], mark(f"{team} in {name}", members))
    statement = {"body": mark("JPN public statement", set(SEATED)), "client_key": client_key()}
    ok(game.players["JPN"].post(game.url("statements/"), statement, format="json"), 201)
    for team in TEAMS:
        ok(game.players[team].post(game.url("turns/1/decision/submit/"), {}, format="json"), 200)
    command_ok(game, "advance", expected_phase="deliberation")
    ok(game.control.post(game.url("turns/1/adjudication/publish/"), {}, format="json"), 200)
    command_ok(game, "advance", expected_phase="outcome")
    command_ok(game, "advance", expected_phase="briefing")
    for team in TEAMS:
        _draft(game, team, 2, [], mark(f"{team} rationale, turn 2", {team}))
    side.turn = 2
    assert game.exercise()["phase"] == "deliberation"
    # Control's job (view "control"): its number within the exercise and within control's view.
    number = ReportJob.objects.filter(exercise_id=game.exercise_id).count() + 1
    side.report = ReportJob.objects.create(
        exercise_id=game.exercise_id,
        number=number,
        view_number=number,
        format="pdf",
        language="en",
    ).number


def world_build() -> World:
    get_user_model().objects.create_user("coop", password=PASSWORD)
    control = facilitator_client("control")
    outsider = facilitator_client("outsider")
    world = World(
        own=Side(game_create(control)),
        other=Side(game_create(outsider)),
        clients={"anonymous": APIClient(), "control": control},
    )
    world.clients["other_facilitator"] = facilitator_client("other_facilitator")
    own, other = world.own.game, world.other.game
    world.clients.update({"US": own.players["US"], "DPRK": own.players["DPRK"]})
    world.clients["observer"] = own.observer

    def mark_own(what: str, readers: set[str]) -> str:
        return world.mark(f"own exercise: {what}", readers | {"control"})

    def mark_other(what: str, readers: set[str]) -> str:
        return world.mark(f"other exercise: {what}", frozenset())

    Exercise.objects.filter(pk=other.exercise_id).update(title=mark_other("title", set()))
    _upload(control, OWN_UPLOAD, mark_own("control's upload title", set()))
    _upload(outsider, OTHER_UPLOAD, mark_other("outsider's upload title", set()))
    _play_to_turn_two(world.own, mark_own)
    _play_to_turn_two(world.other, mark_other)
    for game, readers in ((own, frozenset({"control"})), (other, frozenset())):
        for name, code in game.join_codes.items():
            world.secrets.append(Canary(code, f"join code {name} of {game.exercise_id}", readers))
        for client in (*game.players.values(), game.observer):
            world.secrets.append(Canary(_token_of(client), "participant token", frozenset()))
    for client in world.clients.values():
        client.raise_request_exception = False
    return world
