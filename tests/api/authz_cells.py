"""Running the authorization matrix's cells (tests/api/test_authorization_matrix.py): each case
of authz_matrix.yaml filled in for each object, sent as each role inside a savepoint that is
rolled back, and recorded as a cell; and a method no route allows, once per route."""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.api.authz_world import (
    CASES,
    FRESH_UPLOAD,
    OTHER_UPLOAD,
    OWN_UPLOAD,
    ROLES,
    Cell,
    Seen,
    Side,
    World,
    command_ok,
    scenario_text,
)
from tests.cast import PASSWORD, client_key

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from rest_framework.test import APIClient


@contextmanager
def rolled_back() -> Iterator[None]:
    point = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(point)


def api_patterns() -> dict[str, URLPattern]:
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


def allowed_methods(pattern: URLPattern) -> set[str]:
    view = pattern.callback.view_class  # type: ignore[attr-defined]
    names = set(view.http_method_names) - {"options", "head"}
    return {name.upper() for name in names if hasattr(view, name)}


def route_params() -> dict[str, set[str]]:
    return {name: set(pattern.pattern.converters) for name, pattern in api_patterns().items()}


def label(case: dict[str, Any]) -> str:
    what = f" ({case['what']})" if "what" in case else ""
    channel = f" [{case['channel']}]" if "channel" in case else ""
    return f"{case['method']} {case['route']}{channel}{what}"


# --- filling a case in ----------------------------------------------------------------------------


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
        "upload": lambda: scenario_text(
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
        # Channel ids count within their exercise: "missing" is one past this exercise's last.
        missing = max(side.channels.values()) + 1
        kwargs["channel_id"] = missing if name == "missing" else side.channels[name]
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


# --- sending it -----------------------------------------------------------------------------------


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


def _prepare(case: dict[str, Any], side: Side) -> None:
    for step in case.get("prepare", []):
        assert step == "lock", step
        command_ok(side.game, "advance", expected_phase="deliberation")


def run_case(case: dict[str, Any], world: World, params: set[str]) -> None:
    for obj, by_role in case["expect"].items():
        side = world.other if obj == "other" else world.own
        path = _path(case, obj, world, params)
        body = _fill(case.get("body"), obj, world)
        with rolled_back():
            _prepare(case, side)
            for role in ROLES:
                with rolled_back():
                    response = _send(
                        world.clients[role], case["method"], path, body, case.get("content", "")
                    )
                text = response.content.decode("utf-8", "replace")
                expected = by_role.get(role, by_role.get("*"))
                world.cells.append(
                    Cell(
                        label(case),
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


def not_allowed(world: World, params: dict[str, set[str]]) -> None:
    """A method no route allows, once per route: 405 method_not_allowed
    (docs/interface.md#errors)."""
    first = {case["route"]: case for case in reversed(CASES)}
    for route, case in first.items():
        allowed = {c["method"] for c in CASES if c["route"] == route}
        method = next(m for m in ("DELETE", "PATCH", "PUT") if m not in allowed)
        path = _path(case, "own", world, params[route])
        with rolled_back():
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
