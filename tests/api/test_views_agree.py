"""Every way a view reads the game tells it the same story: its REST event stream, its WebSocket
replay, the rows it reads over REST (messages, decisions, agreements), the exports, the
after-action report and the pages. One game emits every event type; every view (control, each
team, observers under each ``observer_view`` mode, a removed participant) then reads everything
it can (its page's pushed regions too), and each reading is held against the view's own stream
and the audience rules.

Unique texts ("canaries") are planted wherever free text enters the game; a surface agrees with
the stream when it shows no canary the stream did not carry (and, for the row reads, exactly
the rows the stream announced)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pypdfium2
import pytest
import websockets
from django.test import Client
from rest_framework.test import APIClient

from tests.answers import ok
from tests.cast import TEAMS, Game, client_key, facilitator_client, game_create, report_job_row
from tests.realtime.harness import Recorder, asgi_server
from wargame.engine.numbering import agreement_numbers
from wargame.engine.state import State
from wargame.exercises.audience import may_see, report_audience
from wargame.exercises.events import SPECS, EventType
from wargame.exercises.models import Adjudication, Exercise, InjectRelease
from wargame.exercises.principals import PARTICIPANT_COOKIE
from wargame.exercises.services.reports import report_job_run
from wargame.reports.aar.cache import cached_report

if TYPE_CHECKING:
    from pathlib import Path

    from tests.services import PostgresServer

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CANARY = re.compile(r"cnry\d{4}q")
VIEWS = ("control", *(f"team:{code}" for code in TEAMS), "observers")
REMOVED = "removed"
NUCLEAR_USE = {"action": "m.nuclear_use", "target": "ROK"}
HOTLINE_PROPOSAL = {
    "action": "c.propose",
    "params": {"measure": "c.hotline", "parties": ["US", "DPRK"]},
}
_numbers = itertools.count(1)


@dataclass
class World:
    game: Game
    observer_view: str
    tokens: dict[str, str]  # view (or "removed") -> the credential a socket authenticates with
    clients: dict[str, APIClient] = field(default_factory=dict)
    planted: set[str] = field(default_factory=set)

    def canary(self) -> str:
        text = f"cnry{next(_numbers):04d}q"
        self.planted.add(text)
        return text


def _token(client: APIClient) -> str:
    credentials: dict[str, str] = getattr(client, "_credentials", {})
    return credentials["HTTP_AUTHORIZATION"].split()[1]


def _command(world: World, command: str, **args: Any) -> None:
    ok(world.game.command(command, args=args))


def _talk(world: World, view: str, channel: str, who: str = "") -> None:
    client = world.clients[view]
    listed = ok(client.get(world.game.url("channels/")))["results"]
    channel_id = next(c["id"] for c in listed if c["name"] == channel)
    body = {"body": f"{who} says {world.canary()}", "client_key": client_key()}
    ok(client.post(world.game.url(f"channels/{channel_id}/messages/"), body, format="json"), 201)


def _draft(world: World, team: str, turn: int, actions: list[Any]) -> None:
    body = {"actions": actions, "rationale": world.canary(), "client_key": client_key()}
    url = world.game.url(f"turns/{turn}/decision/")
    ok(world.clients[f"team:{team}"].put(url, body, format="json"))


def _report_job(world: World, fmt: str) -> int:
    reports = world.game.url("reports/")
    body = ok(world.game.control.post(reports, {"format": fmt}, format="json"), 202)
    return report_job_row(world.game.exercise_id, body["id"])


def _broken_render(*_args: object, **_kwargs: object) -> Path:
    """A renderer that fails (report.failed): a failed job is announced to control alone."""
    raise RuntimeError("renderer broke")


def _play(observer_view: str) -> World:
    """One game in which every event type is emitted, with free text planted everywhere."""
    control = facilitator_client(f"control-{observer_view}")
    game = game_create(control)
    world = World(game, observer_view, tokens={"control": _token(control)})
    world.clients = {"control": control, "observers": game.observer}
    world.clients.update({f"team:{code}": game.players[code] for code in TEAMS})
    world.tokens.update({view: _token(client) for view, client in world.clients.items()})
    if observer_view == "teams":
        _command(world, "set_observer_view", view="teams")
    leaver = ok(
        Client().post(
            "/api/v1/join/",
            {"code": game.join_codes["US"], "display_name": "Leaver"},
            content_type="application/json",
        ),
        201,
    )
    world.tokens[REMOVED] = leaver["token"]
    facilitator_client(f"deputy-{observer_view}")
    deputy = {"username": f"deputy-{observer_view}"}
    ok(control.post(game.url("facilitators/"), deputy, format="json"))

    _command(world, "start")
    _command(world, "set_hotline", hotline="ik", state="up")
    _draft(world, "US", 1, [HOTLINE_PROPOSAL])
    _draft(world, "ROK", 1, [{"action": "d.consult", "target": "US"}])
    _draft(world, "JPN", 1, [{"action": "d.trilateral"}])
    _draft(world, "DPRK", 1, [NUCLEAR_USE])
    # ROK proposes the consultation to the US in the open; the US joins.
    consult = {"action": "d.consult", "target": "US"}
    ok(game.players["ROK"].post(game.url("turns/1/joint/"), consult, format="json"), 201)
    join = {"team": "ROK", "action": "d.consult"}
    ok(game.players["US"].post(game.url("turns/1/joint/join/"), join, format="json"))
    for code in TEAMS:
        _talk(world, f"team:{code}", code, code)
        _talk(world, f"team:{code}", f"control-{code}", code)
        _talk(world, "control", f"control-{code}", "control")
    _talk(world, "team:US", "US-ROK", "US")
    _talk(world, "team:ROK", "ROK-DPRK", "ROK")
    statement = {"body": world.canary(), "client_key": client_key()}
    ok(game.players["JPN"].post(game.url("statements/"), statement, format="json"), 201)
    for audience in (["US"], ["observers"]):
        _command(
            world, "release_inject", title=world.canary(), body=world.canary(), audience=audience
        )
    _command(world, "set_ai", team="JPN", ai=True)
    _command(world, "set_ai", team="JPN", ai=False)

    _command(world, "advance")
    _command(world, "pause")
    _command(world, "resume")
    _command(world, "extend", minutes=5)
    beliefs = {"answers": {"clash_within_four_days": 0.2, "dprk_launchers": "dispersed"}}
    ok(game.players["US"].put(game.url("turns/1/beliefs/"), beliefs, format="json"))
    for code in TEAMS:
        submit = game.url("turns/1/decision/submit/")
        ok(world.clients[f"team:{code}"].post(submit, {}, format="json"))
    _command(world, "advance")
    override = {"path": "/state/assurance/ROK", "value": 61, "reason": world.canary()}
    ok(control.patch(game.url("turns/1/adjudication/"), {"overrides": [override]}, "json"))
    ok(control.post(game.url("turns/1/adjudication/publish/"), {"approve_nuclear": True}, "json"))
    _command(world, "set_hotline", hotline="ik", state="down")
    _command(world, "remove_participant", participant_id=leaver["participant_id"])

    _command(world, "advance")  # turn 2, briefing
    if observer_view == "public":
        # The teaching view opens later rows to observers, never earlier ones.
        _command(world, "set_observer_view", view="teams")
    _talk(world, "team:US", "US", "US")
    _draft(world, "US", 2, [])
    report_job_run(job_id=_report_job(world, "html"), render=cached_report)
    report_job_run(job_id=_report_job(world, "pdf"), render=_broken_render)
    _command(world, "end")
    _command(world, "release_debrief", views=["teams", "observers"])
    return world


# --- what each view reads ------------------------------------------------------------------------


def _stream(world: World, view: str) -> list[dict[str, Any]]:
    return world.game.events(world.clients[view])


def _canaries(text: str) -> set[str]:
    return set(CANARY.findall(text))


# The page each view's socket asks regions for: its own room, the console, the projector screen.
PAGE_OF = dict.fromkeys(VIEWS, "room") | {"control": "console", "observers": "screen"}


def _socket_streams(
    world: World, postgres: PostgresServer
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str]]:
    """Each view's replay over a real WebSocket to a server process on the test database, and
    the HTML of the regions pushed to its page's socket after the replay."""

    async def replay(base: str, token: str) -> list[dict[str, Any]]:
        recorder = await Recorder(base, world.game.exercise_id, token).start()
        await recorder.stop()
        return recorder.events

    async def pushed(base: str, token: str, page: str) -> str:
        recorder = Recorder(base, world.game.exercise_id, token, query=f"&page={page}")
        await recorder.start()
        for _ in range(400):  # the regions frame that follows replay.done
            if recorder.regions:
                break
            await asyncio.sleep(0.05)
        await recorder.stop()
        assert recorder.regions, f"no regions frame for {page}"
        return "\n".join(html for f in recorder.regions for html in f["regions"].values())

    async def replay_removed(base: str) -> int | None:
        url = base.replace("http", "ws", 1) + f"/ws/exercises/{world.game.exercise_id}/"
        frames: list[str | bytes] = []
        async with websockets.connect(url) as socket:
            await socket.send(json.dumps({"type": "auth", "token": world.tokens[REMOVED]}))
            with contextlib.suppress(websockets.ConnectionClosed):
                frames += [frame async for frame in socket]
        assert frames == [], "a removed participant's socket is sent nothing"
        return socket.close_code

    with asgi_server(postgres, None) as server:
        found = {view: asyncio.run(replay(server.base, world.tokens[view])) for view in VIEWS}
        regions = {
            view: asyncio.run(pushed(server.base, world.tokens[view], PAGE_OF[view]))
            for view in VIEWS
        }
        closed = asyncio.run(replay_removed(server.base))
    assert closed == 4401, f"a removed participant's socket closes 4401, not {closed}"
    return found, regions


def _messages_read(world: World, view: str) -> set[int]:
    client, found = world.clients[view], set()
    for channel in ok(client.get(world.game.url("channels/")))["results"]:
        page = ok(client.get(world.game.url(f"channels/{channel['id']}/messages/?limit=500")))
        found |= {message["id"] for message in page["results"]}
    return found


def _last_full_decisions(stream: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for event in stream:
        payload = event["payload"]
        decided = event["type"] in (EventType.DECISION_SAVED, EventType.DECISION_SUBMITTED)
        if decided and "actions" in payload:
            found[(payload["team"], payload["turn"])] = payload
    return found


def _page(world: World, view: str, path: str) -> tuple[int, str]:
    browser = Client()
    if view == "control":
        creator = Exercise.objects.get(pk=world.game.exercise_id).created_by
        assert creator is not None
        browser.force_login(creator)
    else:
        token = world.tokens[view]
        browser.cookies[PARTICIPANT_COOKIE] = token
    response = browser.get(path)
    return response.status_code, response.content.decode("utf-8", "replace")


# --- the checks ----------------------------------------------------------------------------------


def _check(
    world: World, sockets: dict[str, list[dict[str, Any]]], regions: dict[str, str]
) -> list[str]:
    game, problems = world.game, []
    streams = {view: _stream(world, view) for view in VIEWS}
    control_types = Counter(event["type"] for event in streams["control"])
    missing = set(EventType) - set(control_types)
    assert not missing, f"the game emitted no {sorted(missing)}"
    exercise = Exercise.objects.get(pk=game.exercise_id)
    for view in VIEWS:
        stream = streams[view]
        seen = _canaries(json.dumps(stream))
        problems += _check_socket(view, stream, sockets[view])
        if _canaries(regions[view]) - seen:
            problems.append(
                f"{view}: pushed regions show {sorted(_canaries(regions[view]) - seen)}"
            )
        problems += _check_reach(view, stream, control_types)
        problems += _check_rows(world, view, stream, streams["control"])
        problems += _check_injects(world, view, stream)
        problems += _check_exports(world, view, streams["control"])
        problems += _check_report(world, view, exercise, seen)
        problems += _check_pages(world, view, seen)
    problems += _check_removed(world)
    return problems


def _check_socket(view: str, rest: list[dict[str, Any]], socket: list[dict[str, Any]]) -> list[str]:
    def shape(events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return [(e["seq"], e["type"], json.dumps(e["payload"], sort_keys=True)) for e in events]

    if shape(rest) != shape(socket):
        return [f"{view}: its socket replay differs from its REST stream"]
    return []


def _check_reach(view: str, stream: list[dict[str, Any]], control: Counter[str]) -> list[str]:
    """Each type reaches the views its declared reach names (wargame/exercises/events.py)."""
    got, problems = Counter(event["type"] for event in stream), []
    for event_type, spec in SPECS.items():
        if view == "control" or spec.reach == "row":
            continue
        expected = control[event_type] if spec.reach == "all" else 0
        if got[event_type] != expected:
            problems.append(f"{view}: {got[event_type]} {event_type}, expected {expected}")
    return problems


def _check_rows(
    world: World, view: str, stream: list[dict[str, Any]], control: list[dict[str, Any]]
) -> list[str]:
    game, client, problems = world.game, world.clients[view], []
    announced = {e["payload"]["id"] for e in stream if e["type"] == EventType.MESSAGE_POSTED}
    read = _messages_read(world, view)
    if announced != read:
        problems.append(f"{view}: messages announced {sorted(announced)} but read {sorted(read)}")
    mine = _last_full_decisions(stream)
    for team, turn in _last_full_decisions(control):
        answer = client.get(game.url(f"turns/{turn}/decision/?team={team}"))
        shown = mine.get((team, turn))
        if shown is None and answer.status_code != 404:
            problems.append(f"{view}: reads {team}'s turn-{turn} decision its stream never held")
        if shown is not None and (
            answer.status_code != 200 or answer.json()["rationale"] != shown["rationale"]
        ):
            problems.append(f"{view}: {team}'s turn-{turn} decision is in its stream, not in REST")
    joint = {
        (e["payload"]["team"], e["payload"]["action"]): e["payload"]["joined"]
        for e in stream
        if e["type"] in (EventType.JOINT_PROPOSED, EventType.JOINT_JOINED)
    }
    joint_read = {
        (p["team"], p["action"]): p["joined"]
        for p in ok(client.get(game.url("turns/1/joint/")))["results"]
    }
    if joint != joint_read:
        problems.append(f"{view}: joint actions announced {joint} but listed {joint_read}")
    latest = {
        e["payload"]["id"]: e["payload"]["status"]
        for e in stream
        if e["type"] == EventType.AGREEMENT_CHANGED
    }
    listed = {a["id"]: a["status"] for a in ok(client.get(game.url("agreements/")))["results"]}
    # An agreement of the scenario's starting state that never changed was never announced: it
    # is part of the state a view starts from, like the ladder's first rungs.
    unannounced = set(listed) - set(latest)
    if any(listed.get(key) != status for key, status in latest.items()) or not (
        unannounced <= _starting_agreements(world, view)
    ):
        problems.append(f"{view}: agreements in its stream {latest} but listed {listed}")
    return problems


def _starting_agreements(world: World, view: str) -> set[int]:
    """The view's numbers for the agreements of the starting state (engine.numbering)."""
    first = Adjudication.objects.get(exercise_id=world.game.exercise_id, turn=1)
    return set(agreement_numbers(State.from_dict(first.base_state), view).values())


def _check_injects(world: World, view: str, stream: list[dict[str, Any]]) -> list[str]:
    announced = {e["payload"]["id"] for e in stream if e["type"] == EventType.INJECT_RELEASED}
    rows = InjectRelease.objects.filter(exercise_id=world.game.exercise_id)
    visible = {row.key for row in rows if may_see(view, row.audience)}
    return [] if announced == visible else [f"{view}: injects {announced} != {visible}"]


def _check_exports(world: World, view: str, control: list[dict[str, Any]]) -> list[str]:
    client, problems = world.clients[view], []
    for tail in ("export.jsonl", "export.csv", "export.research.jsonl"):
        response = client.get(world.game.url(tail))
        if view != "control":
            if response.status_code != 403:
                problems.append(f"{view}: {tail} answered {response.status_code}")
            continue
        body = b"".join(getattr(response, "streaming_content", [])).decode()
        if tail == "export.jsonl":
            lines = [json.loads(line) for line in body.splitlines()]
            exported = [(line["seq"], line["type"], line["payload"]) for line in lines]
            if exported != [(e["seq"], e["type"], e["payload"]) for e in control]:
                problems.append("control: export.jsonl is not control's stream")
    return problems


def _check_report(world: World, view: str, exercise: Exercise, seen: set[str]) -> list[str]:
    response = world.clients[view].get(world.game.url("report.html"))
    readable = may_see(view, report_audience(exercise))
    if response.status_code != (200 if readable else 404):
        return [f"{view}: report.html answered {response.status_code}"]
    if not readable:
        return []
    shown = _canaries(response.content.decode())
    if view != "control":
        # The PDF is rendered by a job (202 until it is done): it too is the reader's own.
        shown |= _canaries(_pdf_text(world, view))
    return [f"{view}: its report shows {sorted(shown - seen)}"] if shown - seen else []


def _pdf_text(world: World, view: str) -> str:
    client, url = world.clients[view], world.game.url("report.pdf")
    pending = client.get(url)
    assert pending.status_code == 202, pending.content[:300]
    report_job_run(job_id=report_job_row(url, pending.json()["id"], client), render=cached_report)
    answer = client.get(url)
    assert answer.status_code == 200, answer.content[:300]
    document = pypdfium2.PdfDocument(b"".join(getattr(answer, "streaming_content", [])))
    text = " ".join(page.get_textpage().get_text_range() for page in document)
    assert "Seminar 3" in text, "the PDF's text is read (the exercise's title is on its cover)"
    return text


def _check_pages(world: World, view: str, seen: set[str]) -> list[str]:
    exercise_id, problems = world.game.exercise_id, []
    pages = [f"/exercises/{exercise_id}/timeline/"]
    if view.startswith("team:"):
        pages.append(f"/play/{exercise_id}/")
    if view in ("control", "observers"):
        pages.append(f"/screen/{exercise_id}/")
    if view == "control":
        pages.append(f"/console/{exercise_id}/")
    for path in pages:
        status, text = _page(world, view, path)
        if status != 200:
            problems.append(f"{view}: {path} answered {status}")
        elif _canaries(text) - seen:
            problems.append(f"{view}: {path} shows {sorted(_canaries(text) - seen)}")
    # The timeline tells every decision and statement the view's stream carried.
    status, text = _page(world, view, pages[0])
    told = _canaries(text)
    stream = _stream(world, view)
    kept = {
        e["payload"].get("rationale") or e["payload"].get("body")
        for e in stream
        if e["type"]
        in (EventType.DECISION_SAVED, EventType.DECISION_SUBMITTED, EventType.STATEMENT_PUBLISHED)
    }
    lost = {text for text in kept if text and CANARY.fullmatch(text)} - told
    if lost:
        problems.append(f"{view}: the timeline leaves out {sorted(lost)}")
    return problems


def _check_removed(world: World) -> list[str]:
    """A removed participant reads nothing anywhere (REST 401, pages send it back to join)."""
    client, problems = APIClient(), []
    client.credentials(HTTP_AUTHORIZATION=f"Participant {world.tokens[REMOVED]}")
    for tail in ("", "events/", "channels/", "agreements/", "report.html", "export.jsonl"):
        response = client.get(world.game.url(tail))
        if response.status_code != 401 or _canaries(response.content.decode()):
            problems.append(f"removed: {tail or 'exercise'} answered {response.status_code}")
    exercise_id = world.game.exercise_id
    for path in (f"/play/{exercise_id}/", f"/exercises/{exercise_id}/timeline/"):
        status, text = _page(world, REMOVED, path)
        if status == 200 or _canaries(text):
            problems.append(f"removed: {path} answered {status}")
    return problems


# --- the tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("observer_view", ["public", "teams"])
def test_every_view_reads_the_same_story_everywhere(
    observer_view: str, postgres_server: PostgresServer
) -> None:
    world = _play(observer_view)
    assert len(world.planted) > 20
    problems = _check(world, *_socket_streams(world, postgres_server))
    assert problems == [], "\n".join(problems)
