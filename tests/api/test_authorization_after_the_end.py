"""The authorization matrix and the canary hunt where the after-action report opens to readers
other than control: after the end, under each ``observer_view`` mode, and in a practice game.

Every report route (``report.html``, ``report.pdf`` and the job it queues, ``reports/``, a job,
its file) and every export, for every role, against the statuses below; then every kind of
revoked principal (an account deactivated, its token deleted, a co-facilitator removed, a
participant removed or moved) on each of them. Every answer is searched for planted text, the
PDFs read as text: a principal receives only text it may read (docs/interface.md#roles-and-views),
and the readers the report opens to do receive theirs, so the hunt is not looking at nothing.

The matrix of the running game, every route and role, is ``test_authorization_matrix.py``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.api.authz_world import Seen
from tests.cast import TEAMS, client_key, facilitator_client, participant_client, report_job_row
from tests.reports.pdf import pdf_pages, squeezed
from tests.reports.play import PLANS
from wargame.exercises.models import Exercise, ReportJob
from wargame.exercises.services.reports import report_job_run
from wargame.reports.aar.cache import cached_report

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.django_db

MODES = ("public", "teams")
SEEDS = {"public": 918_273_645, "teams": 827_364_519}
ROLES = ("anonymous", "control", "deputy", "other_facilitator", "US", "DPRK", "observer")
CONTROL_VIEW = frozenset({"control", "deputy"})
EXPORTS = ("export.jsonl", "export.csv", "export.research.jsonl")
HIDDEN = {"anonymous": 401, "*": 404}
EXPORTED = {"anonymous": 401, "control": 200, "deputy": 200, "other_facilitator": 404, "*": 403}


def expected(route: str, mode: str) -> dict[str, int]:
    """Each route's answer per role once the exercise has ended."""
    opened = {"observer": 200} if mode == "teams" else {}
    return {
        "report.html": {**HIDDEN, "control": 200, "deputy": 200, **opened},
        # Not rendered yet: 202 with the reader's own job; then the file.
        "report.pdf": {**HIDDEN, "control": 202, "deputy": 202, **dict.fromkeys(opened, 202)},
        "reports/ POST": {**HIDDEN, "control": 202, "deputy": 202},
        "control's job": {**HIDDEN, "control": 200, "deputy": 200},
        "control's job file": {**HIDDEN, "control": 409, "deputy": 409},
        "observers' job": {**HIDDEN, "control": 200, "deputy": 200, **opened},
        **dict.fromkeys(EXPORTS, EXPORTED),
    }[route]


@dataclass
class Ended:
    """One exercise played a turn and ended; who may read each planted text."""

    mode: str
    exercise_id: int
    clients: dict[str, APIClient]
    planted: dict[str, frozenset[str]] = field(default_factory=dict)  # text -> its readers
    revoked: dict[str, APIClient] = field(default_factory=dict)
    observers_job: int | None = None

    def url(self, tail: str = "") -> str:
        return f"/api/v1/exercises/{self.exercise_id}/{tail}"

    def plant(self, readers: set[str]) -> str:
        text = f"aeq{self.mode[0]}{len(self.planted):03d}z"
        self.planted[text] = frozenset(readers | CONTROL_VIEW)
        return text


@dataclass
class World:
    games: dict[str, Ended] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)  # what answered otherwise than expected
    counted: int = 0
    practice_seed: int = 0


# --- building the world ------------------------------------------------------------------------


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content[:300]
    return response.json() if response.content else None


def _command(game: Ended, command: str, **args: Any) -> None:
    body = {"command": command, "args": args}
    _ok(game.clients["control"].post(game.url("commands/"), body, format="json"))


def _seat(code: str, join_code: str) -> tuple[APIClient, int]:
    body = {"code": join_code, "display_name": f"{code} seat"}
    seat = _ok(APIClient().post("/api/v1/join/", body, format="json"), 201)
    return participant_client(seat["token"]), int(seat["participant_id"])


def _talk(game: Ended, who: str, channel: str, readers: set[str]) -> None:
    client = game.clients[who]
    listed = _ok(client.get(game.url("channels/")))["results"]
    cid = next(c["id"] for c in listed if c["name"] == channel)
    body = {"body": game.plant(readers), "client_key": client_key()}
    _ok(client.post(game.url(f"channels/{cid}/messages/"), body, format="json"), 201)


def _play(mode: str, facilitators: dict[str, APIClient]) -> Ended:
    control = facilitators["control"]
    body = {"scenario": "exercise_season", "title": f"End {mode}", "seed": SEEDS[mode]}
    created = _ok(control.post("/api/v1/exercises/", body, format="json"), 201)
    codes: dict[str, str] = created["join_codes"]
    game = Ended(mode, created["id"], {"anonymous": APIClient(), **facilitators})
    game.planted[str(SEEDS[mode])] = CONTROL_VIEW
    teams = mode == "teams"
    watching = {"observer"} if teams else set()
    _command(game, "set_observer_view", view=mode)
    for username in (f"deputy-{mode}", f"gone-{mode}", f"lapsed-{mode}", f"tokenless-{mode}"):
        _ok(control.post(game.url("facilitators/"), {"username": username}, format="json"))
    _command(game, "open_lobby")
    seated = {code: _seat(code, codes[code]) for code in TEAMS}
    game.clients.update({code: client for code, (client, _id) in seated.items()})
    game.clients["observer"], _id = _seat("observers", codes["observers"])
    removed, removed_id = _seat("US", codes["US"])
    moved, moved_id = _seat("US", codes["US"])
    _command(game, "start")
    _command(game, "advance")
    for audience, readers in (
        (["control"], set()),
        (["DPRK"], {"DPRK"}),
        (["observers"], {"observer"}),
    ):
        text = game.plant(readers)
        _command(game, "release_inject", title=text, body=text, audience=audience)
    for code in TEAMS:
        rationale = game.plant({code, *watching})
        body = {"actions": PLANS[code], "rationale": rationale, "client_key": client_key()}
        _ok(game.clients[code].put(game.url("turns/1/decision/"), body, format="json"))
    for code in ("US", "DPRK"):
        _talk(game, code, code, {code, *watching})
        _talk(game, code, f"control-{code}", {code})
    _talk(game, "US", "US-ROK", {"US", *watching})
    for code in TEAMS:
        _ok(game.clients[code].post(game.url("turns/1/decision/submit/"), {}, format="json"))
    _command(game, "advance")
    override = {"path": "/state/assurance/ROK", "value": 61, "reason": game.plant(set())}
    _ok(control.patch(game.url("turns/1/adjudication/"), {"overrides": [override]}, "json"))
    _ok(control.post(game.url("turns/1/adjudication/publish/"), {}, format="json"))
    _command(game, "end")
    _revoke(
        game, removed_id, moved_id, {"removed participant": removed, "moved participant": moved}
    )
    return game


def _revoke(game: Ended, removed_id: int, moved_id: int, seats: dict[str, APIClient]) -> None:
    """Every kind of revocation, each principal seated in the game until now."""
    users = get_user_model().objects
    for name, username in (
        ("removed co-facilitator", f"gone-{game.mode}"),
        ("deactivated account", f"lapsed-{game.mode}"),
        ("deleted token", f"tokenless-{game.mode}"),
    ):
        user = users.get(username=username)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=user).key}")
        game.revoked[name] = client
    gone = users.get(username=f"gone-{game.mode}")
    _ok(game.clients["control"].delete(game.url(f"facilitators/{gone.pk}/")), 204)
    users.filter(username=f"lapsed-{game.mode}").update(is_active=False)
    Token.objects.filter(user__username=f"tokenless-{game.mode}").delete()
    _command(game, "remove_participant", participant_id=removed_id)
    _command(game, "move_participant", participant_id=moved_id, team="DPRK")
    game.revoked.update(seats)


# --- reading -----------------------------------------------------------------------------------


def _text(response: Any) -> str:
    """The answer as text: a streamed file read whole, a PDF as the text on its pages."""
    content: bytes = response.content if not getattr(response, "streaming", False) else b""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
        if response["Content-Type"] == "application/pdf":
            return squeezed(" ".join(pdf_pages(content)))
    return content.decode("utf-8", "replace")


def _read(world: World, game: Ended, who: str, client: APIClient, route: str, path: str) -> int:
    response = (
        client.post(path, {"format": "html"}, format="json")
        if "POST" in route
        else client.get(path)
    )
    world.seen.append(Seen(who, f"{game.mode}: {route}", response.status_code, _text(response)))
    return int(response.status_code)


def _matrix(world: World, game: Ended) -> None:
    control = game.clients["control"]
    # Control's second job: a number past the observers' own jobs (a reader's job ids count
    # within its view), so that naming it is asking for a job that is not theirs.
    for fmt in ("html", "pdf"):
        job = _ok(control.post(game.url("reports/"), {"format": fmt}, format="json"), 202)["id"]
    routes = {
        "report.html": "report.html",
        "report.pdf": "report.pdf",
        "reports/ POST": "reports/",
        "control's job": f"reports/{job}/",
        "control's job file": f"reports/{job}/file",
        **{tail: tail for tail in EXPORTS},
    }
    # The observers' job by the number each reader knows it by: control's within the exercise.
    as_control: dict[str, str] = {}
    if game.mode == "teams":
        game.observers_job = _ok(game.clients["observer"].get(game.url("report.pdf")), 202)["id"]
        routes["observers' job"] = f"reports/{game.observers_job}/"
        number = ReportJob.objects.get(exercise_id=game.exercise_id, view="observers").number
        as_control = dict.fromkeys(("control", "deputy"), f"reports/{number}/")
    for route, tail in routes.items():
        wanted = expected(route, game.mode)
        for role in ROLES:
            read = as_control.get(role, tail) if route == "observers' job" else tail
            with _rolled_back():
                status = _read(world, game, role, game.clients[role], route, game.url(read))
            world.counted += 1
            if status != wanted.get(role, wanted["*"]):
                world.cells.append(f"{game.mode}: {route} as {role} -> {status}")
        for name, client in game.revoked.items():
            with _rolled_back():
                status = _read(world, game, name, client, route, game.url(tail))
            world.counted += 1
            # A removed co-facilitator's account still signs in: the exercise is hidden from it.
            if status != (404 if name == "removed co-facilitator" else 401):
                world.cells.append(f"{game.mode}: {route} as {name} -> {status}")


def _pdf_as_read(world: World, game: Ended, who: str) -> None:
    """A reader's PDF followed to the end: its own job rendered, then the file."""
    client = game.clients[who]
    pending = _ok(client.get(game.url("report.pdf")), 202)
    report_job_run(job_id=report_job_row(game.url(), pending["id"], client), render=cached_report)
    _read(world, game, who, client, "its PDF", game.url("report.pdf"))
    _read(world, game, who, client, "its job", game.url(f"reports/{pending['id']}/"))
    _read(world, game, who, client, "its job's file", game.url(f"reports/{pending['id']}/file"))


def _practice(world: World) -> None:
    """The player of a practice game reads its own report; nobody else reads it."""
    created = _ok(
        APIClient().post(
            "/api/v1/practice/", {"scenario": "exercise_season", "team": "JPN"}, format="json"
        ),
        201,
    )
    player = participant_client(created["token"])
    exercise_id = created["exercise"]["id"]
    world.practice_seed = Exercise.objects.get(pk=exercise_id).seed
    url = f"/api/v1/exercises/{exercise_id}/"
    _ok(player.post(f"{url}commands/", {"command": "end"}, format="json"))
    game = Ended("practice", exercise_id, {"player": player})
    pending = _ok(player.get(f"{url}report.pdf"), 202)
    assert _ok(player.get(f"{url}reports/{pending['id']}/"))["status"] == "queued"
    report_job_run(job_id=report_job_row(exercise_id, pending["id"], player), render=cached_report)
    for route in ("report.html", "report.pdf", f"reports/{pending['id']}/file"):
        status = _read(world, game, "player", player, route, f"{url}{route}")
        if status != 200:
            world.cells.append(f"practice: {route} as its player -> {status}")
    outsider = world.games["teams"].clients["other_facilitator"]
    for route in ("report.html", "report.pdf", f"reports/{pending['id']}/", *EXPORTS):
        status = _read(world, game, "other_facilitator", outsider, route, f"{url}{route}")
        if status != 404:
            world.cells.append(f"practice: {route} as a facilitator of other games -> {status}")


class _rolled_back:  # noqa: N801 - used as a statement
    """A savepoint rolled back after the block: each cell starts from the same state."""

    def __enter__(self) -> None:
        self.point = transaction.savepoint()

    def __exit__(self, *exc: object) -> None:
        transaction.savepoint_rollback(self.point)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        built = World()
        facilitators = {
            "control": facilitator_client("end-control"),
            "other_facilitator": facilitator_client("end-outsider"),
        }
        for mode in MODES:
            for name in ("deputy", "gone", "lapsed", "tokenless"):
                facilitator_client(f"{name}-{mode}")
        for mode in MODES:
            deputy = APIClient()
            token = Token.objects.get(user__username=f"deputy-{mode}")
            deputy.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
            built.games[mode] = _play(mode, {**facilitators, "deputy": deputy})
        for game in built.games.values():
            _matrix(built, game)
        _pdf_as_read(built, built.games["teams"], "observer")
        _practice(built)
        yield built
        transaction.set_rollback(True)


# --- the tests ---------------------------------------------------------------------------------


def test_every_report_route_and_export_answers_every_role_as_expected(world: World) -> None:
    assert world.counted == 2 * 9 * (len(ROLES) + 5) - (
        len(ROLES) + 5
    )  # no observers' job in public
    assert world.cells == []


def test_no_principal_receives_text_it_may_not_read(world: World) -> None:
    planted = {
        text: readers for game in world.games.values() for text, readers in game.planted.items()
    }
    leaks = [
        f"{seen.who} got {text} at {seen.where} ({seen.status})"
        for seen in world.seen
        for text, readers in planted.items()
        if text in seen.text and seen.who not in readers
    ]
    practice = [seen.where for seen in world.seen if str(world.practice_seed) in seen.text]
    assert leaks == []
    assert practice == [], "a practice game's seed is its engine's, shown to nobody"


def test_the_readers_the_report_opens_to_receive_their_own_text(world: World) -> None:
    """Observers under the teaching view read, in their report and its PDF, the rationales and
    the inject addressed to them; control reads everything of its game in its exports."""
    game = world.games["teams"]
    mine = {text for text, readers in game.planted.items() if "observer" in readers}
    for where in ("teams: report.html", "teams: its PDF"):
        got = "".join(s.text for s in world.seen if s.who == "observer" and s.where == where)
        shown = {text for text in mine if text in got}
        # The report tells no messages: the channel text observers may read is not in it.
        assert len(shown) == len(TEAMS) + 1, (where, sorted(mine - shown))
    for mode, game in world.games.items():
        exported = json.dumps(
            [s.text for s in world.seen if s.who == "control" and "export" in s.where]
        )
        assert [t for t in game.planted if t.startswith("aeq") and t not in exported] == [], mode
        report = [
            s.text for s in world.seen if s.who == "control" and s.where.endswith("report.html")
        ]
        assert str(SEEDS[mode]) in "".join(report), "control's report holds the seed"
