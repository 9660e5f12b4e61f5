"""Every answer of the API, to every role, fits the shape the published OpenAPI document gives it
(``/api/schema/``), strictly: no key the document does not name, none it requires missing, no
value of another type. The document is written from the same TypedDicts the selectors return
(``wargame.api.shapes``), so this holds them together.

Only the engine's own records (an agreement, a proposal and its parts) may carry keys the document
does not list: the engine may add to them (docs/events.md, "and what the engine adds")."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest
from rest_framework.test import APIClient

from tests.cast import Game, client_key, facilitator_client, game_create

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.django_db

# Components written from the engine's records: open to keys the engine adds.
ENGINE_RECORDS = frozenset({"Agreement", "Proposal", "DecisionPoint", "RuleFired", "Die"})
ROLES = ("control", "US", "DPRK", "observer")
PLANS: dict[str, list[dict[str, Any]]] = {
    "US": [{"action": "c.propose", "params": {"measure": "c.hotline", "parties": ["US", "DPRK"]}}],
    "ROK": [{"action": "d.consult", "target": "US"}],
    "JPN": [{"action": "d.trilateral"}],
    "DPRK": [{"action": "d.russia_deepen"}],
}


def _strict(node: Any, components: dict[str, Any], name: str = "") -> Any:
    """The OpenAPI 3.0 schema as a JSON Schema: references resolved, ``nullable`` as a null
    alternative, and every object closed to keys it does not name (engine records excepted)."""
    if isinstance(node, list):
        return [_strict(item, components, name) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = node["$ref"].rsplit("/", 1)[-1]
        return _strict(copy.deepcopy(components[target]), components, target)
    out = {key: _strict(value, components, name) for key, value in node.items()}
    if "properties" in out and "additionalProperties" not in out and name not in ENGINE_RECORDS:
        out["additionalProperties"] = False
    if out.pop("nullable", False):
        out = {"anyOf": [out, {"type": "null"}]}
    out.pop("readOnly", None)
    return out


@dataclass
class Answer:
    role: str
    template: str
    method: str
    status: int
    body: Any


@dataclass
class Checked:
    schema: dict[str, Any]
    answers: list[Answer]


def _client(game: Game, role: str) -> APIClient:
    if role == "control":
        return game.control
    if role == "observer":
        return game.observer
    return game.players[role]


def _record(answers: list[Answer], role: str, template: str, method: str, response: Any) -> Any:
    body = response.json() if response.content else None
    answers.append(Answer(role, template, method.lower(), response.status_code, body))
    return body


def _played(control: APIClient) -> Game:
    """Turn 1 played and published (an agreement proposed), turn 2 in deliberation with drafts,
    a message in every team channel and a statement."""
    game = game_create(control)
    assert game.command("start").status_code == 200
    for team, actions in PLANS.items():
        body = {"actions": actions, "rationale": f"{team} plan", "client_key": client_key()}
        assert (
            game.players[team].put(game.url("turns/1/decision/"), body, "json").status_code == 200
        )
    channels = game.control.get(game.url("channels/")).json()["results"]
    for channel in channels:
        if channel["kind"] == "team":
            player = game.players[channel["members"][0]]
            message = {"body": "Hold.", "client_key": client_key()}
            player.post(game.url(f"channels/{channel['id']}/messages/"), message, format="json")
    statement = {"body": "Restraint.", "client_key": client_key()}
    game.players["JPN"].post(game.url("statements/"), statement, format="json")
    for _ in range(2):  # deliberation, then the lock
        assert game.command("advance").status_code == 200
    assert (
        game.control.post(game.url("turns/1/adjudication/publish/"), {}, "json").status_code == 200
    )
    for _ in range(2):  # the next turn's briefing, then its deliberation
        assert game.command("advance").status_code == 200
    return game


def _reads(game: Game, answers: list[Answer]) -> None:
    ex = "/api/v1/exercises/{exercise_id}/"
    for role in ROLES:
        client = _client(game, role)
        gets = [
            ("/api/v1/exercises/", "/api/v1/exercises/"),
            (ex, game.url()),
            (ex + "state/", game.url("state/")),
            (ex + "actions/", game.url("actions/")),
            (ex + "events/", game.url("events/?limit=500")),
            (ex + "channels/", game.url("channels/")),
            (ex + "statements/", game.url("statements/")),
            (ex + "agreements/", game.url("agreements/")),
            (ex + "turns/{turn}/decision/", game.url("turns/2/decision/?team=US")),
            (ex + "turns/{turn}/decision/", game.url("turns/1/decision/")),
            (ex + "turns/{turn}/adjudication/", game.url("turns/1/adjudication/")),
            ("/api/v1/scenarios/", "/api/v1/scenarios/"),
            ("/api/v1/scenarios/{slug}/", "/api/v1/scenarios/exercise_season/"),
        ]
        for template, url in gets:
            _record(answers, role, template, "get", client.get(url))
        channels = client.get(game.url("channels/")).json()["results"]
        for channel in channels:
            url = game.url(f"channels/{channel['id']}/messages/")
            _record(answers, role, ex + "channels/{channel_id}/messages/", "get", client.get(url))


def _writes(game: Game, answers: list[Answer]) -> None:
    ex = "/api/v1/exercises/{exercise_id}/"
    control, us = game.control, game.players["US"]
    anyone = APIClient()
    join = {"code": game.join_codes["ROK"], "display_name": "Deputy"}
    _record(
        answers, "anonymous", "/api/v1/join/", "post", anyone.post("/api/v1/join/", join, "json")
    )
    practice = {"scenario": "exercise_season", "team": "US"}
    _record(
        answers,
        "anonymous",
        "/api/v1/practice/",
        "post",
        anyone.post("/api/v1/practice/", practice, "json"),
    )
    command = {"command": "extend", "args": {"minutes": 5}}
    _record(
        answers,
        "control",
        ex + "commands/",
        "post",
        control.post(game.url("commands/"), command, "json"),
    )
    draft = {"actions": [], "rationale": "Wait.", "client_key": client_key()}
    url = game.url("turns/2/decision/")
    _record(answers, "US", ex + "turns/{turn}/decision/", "put", us.put(url, draft, "json"))
    url = game.url("turns/2/decision/submit/")
    _record(answers, "US", ex + "turns/{turn}/decision/submit/", "post", us.post(url, {}, "json"))
    line = next(c for c in us.get(game.url("channels/")).json()["results"] if c["name"] == "US")
    said = {"body": "On it.", "client_key": client_key()}
    url = game.url(f"channels/{line['id']}/messages/")
    _record(
        answers, "US", ex + "channels/{channel_id}/messages/", "post", us.post(url, said, "json")
    )
    _record(
        answers, "US", ex + "statements/", "post", us.post(game.url("statements/"), said, "json")
    )
    url = game.url("facilitators/")
    _record(answers, "control", ex + "facilitators/", "get", control.get(url))
    job = control.post(game.url("reports/"), {"format": "html"}, "json")
    body = _record(answers, "control", ex + "reports/", "post", job)
    url = game.url(f"reports/{body['id']}/")
    _record(answers, "control", ex + "reports/{rid}/", "get", control.get(url))
    fork = control.post(game.url("fork/"), {"from_turn": 1}, "json")
    branch = _record(answers, "control", ex + "fork/", "post", fork)
    url = game.url(f"compare/{branch['id']}/")
    _record(answers, "control", ex + "compare/{other_id}/", "get", control.get(url))
    assert game.command("advance").status_code == 200  # the lock: the proposal of turn 2
    url = game.url("turns/2/adjudication/")
    _record(answers, "control", ex + "turns/{turn}/adjudication/", "get", control.get(url))
    override = {"overrides": [{"path": "/state/assurance/ROK", "value": 61, "reason": "Shape."}]}
    _record(
        answers,
        "control",
        ex + "turns/{turn}/adjudication/",
        "patch",
        control.patch(url, override, "json"),
    )


@pytest.fixture(scope="module")
def checked(django_db_setup: None, django_db_blocker: Any) -> Iterator[Checked]:
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        schema = APIClient().get("/api/schema/?format=json").json()
        game = _played(facilitator_client("shapes-control"))
        answers: list[Answer] = []
        _reads(game, answers)
        _writes(game, answers)
        yield Checked(schema, answers)
        transaction.set_rollback(True)


def _schema_for(schema: dict[str, Any], answer: Answer) -> dict[str, Any] | None:
    operation = schema["paths"][answer.template][answer.method]
    content = operation["responses"].get(str(answer.status), {}).get("content", {})
    found = content.get("application/json", {}).get("schema")
    return None if found is None else _strict(found, schema["components"]["schemas"])


def test_every_answer_fits_the_published_shape_for_its_status(checked: Checked) -> None:
    misfits, unshaped = [], []
    for answer in checked.answers:
        if answer.status >= 400 and answer.status != 404:
            misfits.append(f"{answer.role} {answer.method} {answer.template}: {answer.status}")
            continue
        shape = _schema_for(checked.schema, answer)
        if shape is None:
            unshaped.append(f"{answer.method} {answer.template} {answer.status}")
            continue
        error = jsonschema.exceptions.best_match(
            jsonschema.Draft7Validator(shape).iter_errors(answer.body)
        )
        if error is not None:
            where = "/".join(str(part) for part in error.absolute_path)
            misfits.append(
                f"{answer.role} {answer.method} {answer.template} {answer.status} at {where}: "
                f"{error.message[:200]}"
            )
    assert unshaped == []
    assert misfits == [], "\n".join(misfits)


def test_the_check_looks_at_every_role_and_at_typed_shapes(checked: Checked) -> None:
    """The check above must not pass by checking nothing: every role answered, and the shapes
    it held answers against are typed, not a bare object."""
    assert {answer.role for answer in checked.answers} >= {*ROLES, "anonymous"}
    typed = [
        answer
        for answer in checked.answers
        if answer.status < 300 and (_schema_for(checked.schema, answer) or {}).get("properties")
    ]
    assert len(typed) > 40


def test_control_receives_only_keys_the_exercise_shape_names(checked: Checked) -> None:
    """The exercise shape names the settings control alone receives (they were once missing)."""
    shape = checked.schema["components"]["schemas"]["Exercise"]["properties"]
    assert {"join_codes", "observer_view", "auto_publish", "deliberation_minutes"} <= set(shape)
    for answer in checked.answers:
        if answer.template == "/api/v1/exercises/{exercise_id}/" and answer.status == 200:
            assert set(answer.body) <= set(shape), answer.role
            assert ("join_codes" in answer.body) is (answer.role == "control")
