"""Who may do what to which exercise (docs/interface.md#roles-and-views, #endpoints): every route of
wargame/api/urls.py, each method it allows, every role and object, against authz_matrix.yaml;
and the fog of war over every answer: no principal ever receives another team's private text,
the seed, the join codes or a hidden state variable it may not see.

The world is built once for the module (two exercises played to turn 2), then every cell runs in
a savepoint that is rolled back, so each starts from the same state. The tests read what the
world recorded."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpResponse
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from tests.answers import ok
from tests.cast import (
    PASSWORD,
    SEED,
    TEAMS,
    Game,
    client_key,
    facilitator_client,
    game_create,
)
from wargame.engine.scenario.schema import scenarios_dir
from wargame.exercises.events import EventType
from wargame.exercises.models import Exercise, ReportJob, Team

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

MATRIX: dict[str, Any] = yaml.safe_load(
    Path(__file__).with_name("authz_matrix.yaml").read_text(encoding="utf-8")
)
ROLES: tuple[str, ...] = tuple(MATRIX["roles"])
CASES: list[dict[str, Any]] = MATRIX["cases"]
OWN_UPLOAD, OTHER_UPLOAD, FRESH_UPLOAD = "matrix_own", "matrix_theirs", "matrix_fresh"
# Everyone seated in the own exercise; the matrix's roles plus the two teams it does not drive.
SEATED = ("control", "US", "ROK", "JPN", "DPRK", "observer")
ERROR_CODES = {
    400: {"invalid", "invalid_scenario"},
    401: {"not_authenticated"},
    403: {"permission_denied"},
    404: {"not_found"},
    405: {"method_not_allowed"},
    409: {"conflict", "idempotency_conflict", "approval_required"},
    423: {"locked"},
}
PLANS: dict[str, list[dict[str, Any]]] = {  # valid turn-1 decisions (tests/api/test_full_exercise)
    "US": [{"action": "d.consult", "target": "ROK"}, {"action": "d.talks_offer", "target": "DPRK"}],
    "ROK": [{"action": "d.consult", "target": "US"}],
    "JPN": [{"action": "d.trilateral"}],
    "DPRK": [{"action": "d.russia_deepen"}, {"action": "i.loudspeakers", "target": "ROK"}],
}
ALLIED_AND_HOTLINES = ("US-ROK", "US-JPN", "ROK-JPN", "US-ROK-JPN", "ROK-DPRK", "US-DPRK")
CANARY_PATTERN = re.compile(r"cnry\d{4}q")
HIDDEN_DPRK_KEYS = ("posture", "predelegation", "icbm", "warheads", "yongbyon", "russia")
# The world fixture opens the database itself (module scope); the marker makes pytest-django
# create the test database even when this module runs alone.
pytestmark = pytest.mark.django_db


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


# --- building the world -------------------------------------------------------------------------


def _token_of(client: APIClient) -> str:
    credentials: dict[str, str] = getattr(client, "_credentials", {})
    return credentials["HTTP_AUTHORIZATION"].split()[1]


def _scenario_text(slug: str, title: str) -> str:
    text = (scenarios_dir() / "exercise_season.yaml").read_text(encoding="utf-8")
    text = text.replace("slug: exercise_season\n", f"slug: {slug}\n", 1)
    old_title = 'title:\n  en: "Exercise Season: A Record Drill Read as a Threat"'
    assert old_title in text
    return text.replace(old_title, f'title:\n  en: "{title}"', 1)


def _upload(client: APIClient, slug: str, title: str) -> None:
    response = client.generic(
        "POST", "/api/v1/scenarios/", _scenario_text(slug, title), "application/yaml"
    )
    ok(response, 201)


def _talk(game: Game, client: APIClient, channel: int, text: str) -> None:
    body = {"body": f"Message {text}", "client_key": client_key()}
    ok(client.post(game.url(f"channels/{channel}/messages/"), body, format="json"), 201)


def _draft(game: Game, team: str, turn: int, actions: list[Any], rationale: str) -> None:
    body = {"actions": actions, "rationale": f"Because {rationale}", "client_key": client_key()}
    ok(game.players[team].put(game.url(f"turns/{turn}/decision/"), body, format="json"), 200)


def _command(game: Game, command: str, **extra: Any) -> None:
    ok(game.command(command, **extra), 200)


def _play_to_turn_two(side: Side, mark: Callable[[str, set[str]], str]) -> None:
    """Turn 1 played and published with private text everywhere; turn 2 in deliberation with a
    private draft per team. ROK is marked as played by a bot so control may write for it."""
    game = side.game
    Team.objects.filter(exercise_id=game.exercise_id, code="ROK").update(ai=True)
    _command(game, "start")
    _command(game, "advance", expected_phase="briefing")
    for hotline in ("ik", "us"):
        _command(game, "set_hotline", args={"hotline": hotline, "state": "up"})
    listed = ok(game.control.get(game.url("channels/")), 200)["results"]
    side.channels = {channel["name"]: channel["id"] for channel in listed}
    for team in TEAMS:
        _draft(game, team, 1, PLANS[team], mark(f"{team} rationale, turn 1", {team}))
        player = game.players[team]
        _talk(game, player, side.channels[team], mark(f"{team} team channel", {team}))
        line = side.channels[f"control-{team}"]
        _talk(game, player, line, mark(f"{team} to control", {team}))
        _talk(game, game.control, line, mark(f"control to {team}", {team}))
    for name in ALLIED_AND_HOTLINES:
        members = set(name.split("-"))
        for team in sorted(members):
            _talk(game, game.players[team], side.channels[name], mark(f"{team} in {name}", members))
    statement = {"body": mark("JPN public statement", set(SEATED)), "client_key": client_key()}
    ok(game.players["JPN"].post(game.url("statements/"), statement, format="json"), 201)
    for team in TEAMS:
        ok(game.players[team].post(game.url("turns/1/decision/submit/"), {}, format="json"), 200)
    _command(game, "advance", expected_phase="deliberation")
    ok(game.control.post(game.url("turns/1/adjudication/publish/"), {}, format="json"), 200)
    _command(game, "advance", expected_phase="outcome")
    _command(game, "advance", expected_phase="briefing")
    for team in TEAMS:
        _draft(game, team, 2, [], mark(f"{team} rationale, turn 2", {team}))
    side.turn = 2
    assert game.exercise()["phase"] == "deliberation"
    side.report = ReportJob.objects.create(
        exercise_id=game.exercise_id, format="pdf", language="en"
    ).pk


def _world_build() -> World:
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


# --- running a cell -----------------------------------------------------------------------------


@contextmanager
def _rolled_back() -> Iterator[None]:
    point = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(point)


def _route_params() -> dict[str, set[str]]:
    return {name: set(pattern.pattern.converters) for name, pattern in _api_patterns().items()}


def _per_object(value: Any, obj: str) -> Any:
    if isinstance(value, dict) and value and set(value) <= {"own", "other"}:
        return value["other" if obj == "other" else "own"]
    return value


def _fill(value: Any, obj: str, world: World) -> Any:
    value = _per_object(value, obj)
    if isinstance(value, dict):
        return {key: _fill(item, obj, world) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, obj, world) for item in value]
    if not isinstance(value, str) or not value.startswith("$"):
        return value
    name, _colon, arg = value[1:].partition(":")
    side = world.other if obj == "other" else world.own
    filled: dict[str, Callable[[], Any]] = {
        "client_key": client_key,
        "password": lambda: PASSWORD,
        "exercise_id": lambda: str(side.game.exercise_id),
        "username": lambda: arg,
        "join_code": lambda: side.game.join_codes[arg],
        "slug": lambda: {"own_upload": OWN_UPLOAD, "other_upload": OTHER_UPLOAD}[arg],
        "upload": lambda: _scenario_text(
            {"new": FRESH_UPLOAD, "taken": OTHER_UPLOAD}[arg], "Matrix upload"
        ),
    }
    return filled[name]()


def _path(case: dict[str, Any], obj: str, world: World, params: set[str]) -> str:
    side = world.other if obj == "other" else world.own
    kwargs: dict[str, Any] = {}
    if "exercise_id" in params:
        kwargs["exercise_id"] = side.game.exercise_id
    if "turn" in params:
        kwargs["turn"] = side.turn - (1 if case["turn"] == "previous" else 0)
    if "channel_id" in params:
        name = _per_object(case["channel"], obj)
        foreign = name.startswith("foreign:")
        owner = (world.own if obj == "other" else world.other) if foreign else side
        kwargs["channel_id"] = owner.channels[name.removeprefix("foreign:")]
    if "rid" in params:
        kwargs["rid"] = side.report
    if "other_id" in params:
        named = _per_object(case["compare_with"], obj)
        kwargs["other_id"] = (world.other if named == "other" else world.own).game.exercise_id
    if "slug" in params:
        kwargs["slug"] = _fill(case["slug"], obj, world)
    if "user_id" in params:
        creator = "outsider" if obj == "other" else "control"
        kwargs["user_id"] = get_user_model().objects.get(username=creator).pk
    path = reverse(f"api:{case['route']}", kwargs=kwargs)
    query = _fill(case.get("query"), obj, world)
    return f"{path}?{urlencode(query)}" if query else path


def _send(client: APIClient, method: str, path: str, body: Any, content: str) -> Any:
    client.cookies.clear()
    response: Any
    if body is None:
        response = client.generic(method, path)
    elif content == "yaml":
        response = client.generic(method, path, body, "application/yaml")
    else:
        response = client.generic(method, path, json.dumps(body), "application/json")
    if getattr(response, "streaming", False):
        # Exports stream: read them whole, so every cell's body can be searched for secrets.
        streamed = b"".join(response.streaming_content)
        response = HttpResponse(
            streamed, status=response.status_code, content_type=response["Content-Type"]
        )
    return response


def _label(case: dict[str, Any]) -> str:
    what = f" ({case['what']})" if "what" in case else ""
    channel = f" [{case['channel']}]" if "channel" in case else ""
    return f"{case['method']} {case['route']}{channel}{what}"


def _prepare(case: dict[str, Any], side: Side) -> None:
    for step in case.get("prepare", []):
        assert step == "lock", step
        _command(side.game, "advance", expected_phase="deliberation")


def _run_case(case: dict[str, Any], world: World, params: set[str]) -> None:
    for obj, by_role in case["expect"].items():
        side = world.other if obj == "other" else world.own
        path = _path(case, obj, world, params)
        body = _fill(case.get("body"), obj, world)
        with _rolled_back():
            _prepare(case, side)
            for role in ROLES:
                with _rolled_back():
                    response = _send(
                        world.clients[role], case["method"], path, body, case.get("content", "")
                    )
                text = response.content.decode("utf-8", "replace")
                expected = by_role.get(role, by_role.get("*"))
                world.cells.append(
                    Cell(
                        _label(case),
                        obj,
                        role,
                        case["method"],
                        path,
                        expected,
                        response.status_code,
                        text,
                    )
                )
                world.seen.append(Seen(role, path, response.status_code, text))


def _not_allowed(world: World, params: dict[str, set[str]]) -> None:
    """A method no route allows, once per route: 405 method_not_allowed
    (docs/interface.md#errors)."""
    first = {case["route"]: case for case in reversed(CASES)}
    for route, case in first.items():
        allowed = {c["method"] for c in CASES if c["route"] == route}
        method = next(m for m in ("DELETE", "PATCH", "PUT") if m not in allowed)
        path = _path(case, "own", world, params[route])
        with _rolled_back():
            response = _send(world.clients["control"], method, path, None, "")
        world.not_allowed.append(
            Cell(
                f"{method} {route}",
                "own",
                "control",
                method,
                path,
                405,
                response.status_code,
                response.content.decode(),
            )
        )


# --- after the matrix: real writes, then everything every principal can read ------------------


def _epilogue(world: World) -> None:
    """Turn 2 is submitted, locked, reviewed and published for real, so the streams also carry
    per-view outcomes, and the codes are rotated; then every seated principal reads everything
    it may."""
    game, who = world.own.game, {"control": world.own.game.control}
    who.update(game.players)
    who["observer"] = game.observer
    review = game.url("turns/2/adjudication/")
    override = {"overrides": [{"path": "/state/assurance/ROK", "value": 60, "reason": "matrix"}]}
    # A declared proposal between two parties: an agreement the others must not be listed.
    proposal = {
        "action": "c.propose",
        "params": {"measure": "c.hotline", "parties": ["US", "DPRK"]},
    }
    rationale = world.mark("own exercise: US rationale, turn 2, final", {"US", "control"})
    final = {"actions": [proposal], "rationale": rationale, "client_key": client_key()}
    to_dprk = world.mark("own exercise: inject to DPRK", {"DPRK", "control"})
    to_us = world.mark("own exercise: inject to US, observers", {"US", "observer", "control"})
    writes: list[tuple[str, Callable[[], Any]]] = [
        ("control", lambda: game.command("extend", args={"minutes": 5})),
        ("US", lambda: game.players["US"].put(game.url("turns/2/decision/"), final, format="json")),
        ("control", partial(_inject, game, ["DPRK"], to_dprk)),
        ("control", partial(_inject, game, ["team:US", "observers"], to_us)),
        *((team, partial(_submit, game, team, 2)) for team in TEAMS),
        ("control", lambda: game.command("advance", expected_phase="deliberation")),
        ("control", lambda: game.control.patch(review, override, format="json")),
        ("control", lambda: game.control.post(f"{review}reroll/", {}, format="json")),
        ("control", lambda: game.control.post(f"{review}publish/", {}, format="json")),
        ("control", lambda: game.command("rotate_codes")),
    ]
    for name, write in writes:
        response = write()
        ok(response, 200)
        world.seen.append(Seen(name, "epilogue write", 200, response.content.decode()))
    for code_name, code in game.exercise()["join_codes"].items():
        world.secrets.append(Canary(code, f"rotated join code {code_name}", frozenset({"control"})))
    for name, client in who.items():
        world.streams[name] = _stream(game, client)
        world.seen.append(Seen(name, "events", 200, json.dumps(world.streams[name])))
        reads = ["", "state/", "channels/", "agreements/", "statements/", "turns/2/decision/"]
        channels = ok(client.get(game.url("channels/")), 200)["results"]
        reads += [f"channels/{channel['id']}/messages/" for channel in channels]
        for tail in reads:
            response = client.get(game.url(tail))
            text = response.content.decode()
            world.seen.append(Seen(name, tail or "exercise", response.status_code, text))
        listed = client.get("/api/v1/exercises/")
        world.seen.append(Seen(name, "exercises", listed.status_code, listed.content.decode()))


def _bad_credentials(world: World) -> None:
    """A removed participant's token stops working at once (REST 401,
    docs/interface.md#authentication); so does a made-up token of either kind, whatever the
    exercise."""
    game = world.own.game
    code = game.exercise()["join_codes"]["US"]
    joined = ok(
        APIClient().post("/api/v1/join/", {"code": code, "display_name": "Leaver"}, format="json"),
        201,
    )
    _command(game, "remove_participant", args={"participant_id": joined["participant_id"]})
    world.secrets.append(Canary(joined["token"], "removed participant token", frozenset()))
    for header in (f"Participant {joined['token']}", "Participant not-a-token", "Token nope"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        for path in (game.url(), world.other.game.url(), "/api/v1/exercises/"):
            response = client.get(path)
            text = response.content.decode()
            world.bad_credentials.append(
                Cell(
                    header.split()[0],
                    "own",
                    "anonymous",
                    "GET",
                    path,
                    401,
                    response.status_code,
                    text,
                )
            )
            world.seen.append(Seen("anonymous", path, response.status_code, text))


def _teaching(world: World) -> None:
    """observer_view teams lets observers read team channels and decisions
    (docs/interface.md#roles-and-views), for later events; the private line between control and a
    team stays private."""
    side, game = world.own, world.own.game
    _command(game, "set_observer_view", args={"view": "teams"})
    dprk, control = game.players["DPRK"], game.control

    def mark(what: str, readers: set[str]) -> str:
        return world.mark(f"teaching: {what}", readers | {"DPRK", "control"}, teaching=True)

    _talk(game, dprk, side.channels["DPRK"], mark("DPRK team channel", {"observer"}))
    _talk(game, dprk, side.channels["control-DPRK"], mark("DPRK to control", set()))
    _talk(game, control, side.channels["control-DPRK"], mark("control to DPRK", set()))
    observer = game.observer
    stream = json.dumps(_stream(game, observer))
    world.teaching_seen.append(Seen("observer", "events", 200, stream))
    for channel in ok(observer.get(game.url("channels/")), 200)["results"]:
        response = observer.get(game.url(f"channels/{channel['id']}/messages/"))
        text = response.content.decode()
        world.teaching_seen.append(Seen("observer", channel["name"], response.status_code, text))
    line = observer.get(game.url(f"channels/{side.channels['control-DPRK']}/messages/"))
    world.teaching_seen.append(Seen("observer", "control-DPRK", line.status_code, line.text))


def _inject(game: Game, audience: list[str], body: str) -> Any:
    args = {"title": "Matrix inject", "body": body, "audience": audience}
    return game.command("release_inject", args=args)


def _submit(game: Game, team: str, turn: int) -> Any:
    return game.players[team].post(game.url(f"turns/{turn}/decision/submit/"), {}, format="json")


def _stream(game: Game, client: APIClient) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while True:
        page = ok(client.get(game.url(f"events/?since={len(events)}&limit=40")), 200)
        if not page["results"]:
            return events
        events += page["results"]
        assert events[-1]["seq"] == len(events), "a view's seq is 1, 2, 3, ... with no gap"


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> World:
    # One password check with the production hasher takes about a second; this module makes
    # dozens, and tests who may sign in, not how the password is stored.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        built = _world_build()
        params = _route_params()
        for case in CASES:
            _run_case(case, built, params[case["route"]])
        _not_allowed(built, params)
        _epilogue(built)
        _bad_credentials(built)
        _teaching(built)
        transaction.set_rollback(True)
    return built


def _api_patterns() -> dict[str, URLPattern]:
    """Every named route in the api namespace, whatever includes it nests."""
    _prefix, resolver = get_resolver().namespace_dict["api"]
    found: dict[str, URLPattern] = {}

    def walk(patterns: list[URLPattern | URLResolver]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif pattern.name:
                found[pattern.name] = pattern

    walk(resolver.url_patterns)
    return found


def _allowed_methods(pattern: URLPattern) -> set[str]:
    view = pattern.callback.view_class  # type: ignore[attr-defined]
    names = set(view.http_method_names) - {"options", "head"}
    return {name.upper() for name in names if hasattr(view, name)}


# --- the tests ----------------------------------------------------------------------------------


def test_it_lists_every_method_of_every_api_route_in_the_matrix() -> None:
    routes = {
        (name, method)
        for name, pattern in _api_patterns().items()
        for method in _allowed_methods(pattern)
    }
    listed = {(case["route"], case["method"]) for case in CASES}
    known = {
        "route",
        "method",
        "what",
        "notes",
        "objects_are",
        "body",
        "content",
        "slug",
        "channel",
        "turn",
        "query",
        "prepare",
        "compare_with",
        "expect",
    }
    assert [set(case) - known for case in CASES if set(case) - known] == []
    labels = [_label(case) for case in CASES]
    assert len(set(labels)) == len(labels), "two cases answer to one name: add a `what`"
    assert routes - listed == set(), "routes missing from authz_matrix.yaml"
    assert listed - routes == set(), "authz_matrix.yaml names routes or methods urls.py lacks"
    for case in CASES:
        assert set(case["expect"]) in ({"own", "other"}, {"any"}), _label(case)
        for by_role in case["expect"].values():
            assert all(role in by_role or "*" in by_role for role in ROLES), _label(case)


def test_it_answers_every_cell_of_the_matrix_as_expected(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = [cell.describe() for cell in world.cells if cell.status != cell.expected]
    wrong += [
        f"bad error shape: {cell.describe()}" for cell in world.cells if not _error_shape_fits(cell)
    ]
    summary = (
        f"authorization matrix: {len(world.cells)} cells checked ({len(CASES)} cases x objects"
        f" x {len(ROLES)} roles), {len(wrong)} unexpected"
    )
    with capsys.disabled():
        print(f"\n{summary}")
    assert wrong == []


def _error_shape_fits(cell: Cell) -> bool:
    if cell.status < 400:
        return True
    try:
        error = json.loads(cell.text)["error"]
    except (ValueError, KeyError, TypeError):
        return False
    return isinstance(error.get("message"), str) and error.get("code") in ERROR_CODES.get(
        cell.status, {error.get("code")}
    )


def test_a_method_no_route_allows_answers_405(world: World) -> None:
    wrong = [
        cell.describe()
        for cell in world.not_allowed
        if cell.status != 405 or not _error_shape_fits(cell)
    ]
    assert len(world.not_allowed) == len(_api_patterns())
    assert wrong == []


def test_a_removed_participant_or_a_made_up_token_gets_401(world: World) -> None:
    wrong = [
        cell.describe()
        for cell in world.bad_credentials
        if cell.status != 401 or not _error_shape_fits(cell)
    ]
    assert len(world.bad_credentials) == 9
    assert wrong == []


def _received(world: World) -> dict[str, set[str]]:
    got: dict[str, set[str]] = {}
    for seen in world.seen:
        found = set(CANARY_PATTERN.findall(seen.text))
        found |= {secret.text for secret in world.secrets if secret.text in seen.text}
        got.setdefault(seen.who, set()).update(found)
    return got


def test_no_principal_ever_receives_text_it_may_not_read(world: World) -> None:
    """Over every matrix answer (errors included), every event stream and every read after the
    matrix: another team's rationale, channel or control-line message, another exercise's
    anything, a join code (control only) or a participant token (nobody)."""
    every = {**world.canaries, **{s.text: s for s in world.secrets}}
    leaks = [
        f"{seen.who} got {every[text].what} at {seen.where} ({seen.status})"
        for seen in world.seen
        for text in set(CANARY_PATTERN.findall(seen.text))
        | {s.text for s in world.secrets if s.text in seen.text}
        if seen.who not in every[text].readers
    ]
    assert leaks == []


def test_every_seated_principal_receives_exactly_the_private_text_it_may_read(
    world: World,
) -> None:
    """The check above must not pass by looking at nothing: each principal does receive all
    its own private text (control all of its exercise's), and nothing else."""
    got = _received(world)
    every = [*world.canaries.values(), *world.secrets]
    for who in (*SEATED, "other_facilitator", "anonymous"):
        may = {canary.text for canary in every if who in canary.readers}
        assert got.get(who, set()) == may, who
    assert len(got["control"]) > len(got["US"]) > len(got["observer"]) > 0


def _teaching_received(world: World) -> set[str]:
    return {text for seen in world.teaching_seen for text in CANARY_PATTERN.findall(seen.text)}


def test_with_observer_view_teams_observers_read_the_team_channels(world: World) -> None:
    may = {c.text for c in world.teaching_canaries.values() if "observer" in c.readers}
    assert len(may) == 1
    assert may <= _teaching_received(world)


def test_with_observer_view_teams_observers_never_read_a_control_line(world: World) -> None:
    leaks = [
        f"observer got {world.teaching_canaries[text].what} at {seen.where}"
        for seen in world.teaching_seen
        for text in set(CANARY_PATTERN.findall(seen.text)) & set(world.teaching_canaries)
        if "observer" not in world.teaching_canaries[text].readers
    ]
    assert leaks == []


def test_an_agreement_is_listed_to_its_parties_and_control_only(world: World) -> None:
    listed = {
        seen.who: seen.json()["results"] for seen in world.seen if seen.where == "agreements/"
    }
    assert {"US", "DPRK"} <= {p for a in listed["control"] for p in a["parties"]}
    for who, agreements in listed.items():
        if who != "control":
            assert all(who in agreement["parties"] for agreement in agreements), who
    assert listed["US"] != []
    assert listed["DPRK"] != []


def _walk(body: Any) -> Iterator[dict[str, Any]]:
    if isinstance(body, dict):
        yield body
        for value in body.values():
            yield from _walk(value)
    elif isinstance(body, list):
        for item in body:
            yield from _walk(item)


def test_only_control_gets_the_seed_and_the_join_codes(world: World) -> None:
    own_id = world.own.game.exercise_id
    exercises = [
        (seen.who, item)
        for seen in world.seen
        for item in _walk(seen.json())
        if {"id", "status", "teams", "seed"} <= set(item) and item["id"] == own_id
    ]
    assert {who for who, _item in exercises} >= {"control", "US", "DPRK", "observer"}
    for who, item in exercises:
        if who == "control":
            assert item["seed"] == SEED
            assert set(item["join_codes"]) == {*TEAMS, "observers"}
        else:
            assert item["seed"] is None, who
            assert "join_codes" not in item, who


def _states(world: World, who: str) -> list[dict[str, Any]]:
    """Every state body ``who`` received: state/ reads and the outcomes in its stream."""
    bodies = [seen.json() for seen in world.seen if seen.who == who and seen.where == "state/"]
    bodies += [
        event["payload"]["state"]
        for event in world.streams[who]
        if event["type"] == EventType.OUTCOME_PUBLISHED
    ]
    return [body for body in bodies if isinstance(body, dict)]


@pytest.mark.parametrize(
    ("who", "sees_dprk", "sees_killchain"),
    [
        ("US", False, True),
        ("ROK", False, True),
        ("JPN", False, False),
        ("DPRK", True, False),
        ("observer", False, False),
        ("control", True, True),
    ],
)
def test_a_hidden_state_variable_is_absent_from_a_view_that_may_not_see_it(
    world: World, who: str, sees_dprk: bool, sees_killchain: bool
) -> None:
    states = _states(world, who)
    assert len(states) >= 3, "the state read and two published outcomes"
    for state in states:
        assert ("dprk" in state) is sees_dprk
        assert ("killchain" in state) is sees_killchain
        assert ("ci" in state) is (who == "control")
        if sees_dprk:
            assert set(state["dprk"]) >= set(HIDDEN_DPRK_KEYS)
        if who not in ("control", "observer"):
            assert all(key.startswith("/") for key in state["belief"]), "its own beliefs only"
    if not sees_dprk:
        bodies = [seen.json() for seen in world.seen if seen.who == who]
        truths = [
            item for body in bodies for item in _walk(body) if set(HIDDEN_DPRK_KEYS) & set(item)
        ]
        assert truths == [], "the DPRK's hidden variables, anywhere in any answer"


def test_each_view_stream_is_gapless_and_control_sees_every_event(world: World) -> None:
    for who, events in world.streams.items():
        assert [event["seq"] for event in events] == list(range(1, len(events) + 1)), who
    assert len(world.streams["control"]) > max(
        len(events) for who, events in world.streams.items() if who != "control"
    )
