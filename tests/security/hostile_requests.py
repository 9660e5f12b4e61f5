"""Requests no route should answer with a 500: every URL pattern with its integer ids at 2^63 and
past it, and every JSON endpoint with a 2 KB body nested 1,000 deep. Used in-process on
PostgreSQL (tests/security/test_hostile_requests.py) and on `make demo`'s embedded default in a
process of its own (tests/security/embedded_fuzz.py), where SQLite overflows on such ids."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from tests.cast import facilitator_client, game_create
from wargame.exercises.principals import PARTICIPANT_COOKIE

if TYPE_CHECKING:
    from collections.abc import Iterator

BIG_IDS = ("9223372036854775808", "9999999999999999999", "18446744073709551616")
DEEP_BODIES = ("[" * 1000 + "]" * 1000, '{"a":' * 400 + "1" + "}" * 400)
WRITES = ("POST", "PUT", "PATCH", "DELETE")
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
_SKIPPED = ("admin/", "static/", "api/docs/", "api/schema/", "i18n/")


def routes() -> list[str]:
    """Every ``path()`` route of the project, with its converters in place (<int:x>, <str:y>)."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for entry in patterns:
            if not isinstance(entry.pattern, RoutePattern):
                continue
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                yield route

    return sorted({r for r in walk(get_resolver().url_patterns, "") if not r.startswith(_SKIPPED)})


def fill(route: str, *, exercise_id: int | None, big: str | None) -> str:
    """A concrete path: ``exercise_id`` for the exercise (``big`` if None), ``big`` or 1 for the
    other integers, a word for the strings."""

    def one(match: re.Match[str]) -> str:
        kind, name = match.group(1) or "str", match.group(2)
        if kind != "int":
            return "1" if name == "turn" else "x"
        if name == "exercise_id" and exercise_id is not None:
            return str(exercise_id)
        return big or "1"

    return "/" + _CONVERTER.sub(one, route)


@dataclass
class Probe:
    requests: int = 0
    failures: list[str] = field(default_factory=list)

    def check(self, client: Client, method: str, path: str, body: str | None = None) -> None:
        self.requests += 1
        if body is None:
            response = client.generic(method, path)
        else:
            response = client.generic(method, path, body, content_type="application/json")
        if response.status_code >= 500:
            self.failures.append(f"{method} {path} -> {response.status_code}")


def _clients() -> dict[str, Client]:
    control = facilitator_client("prober")
    game = game_create(control)
    token = control._credentials["HTTP_AUTHORIZATION"]  # type: ignore[attr-defined]
    session = Client(raise_request_exception=False)
    session.force_login(get_user_model().objects.get(username="prober"))
    player = Client(raise_request_exception=False)
    seat = game.players["US"]._credentials["HTTP_AUTHORIZATION"].split()[1]  # type: ignore[attr-defined]
    player.cookies[PARTICIPANT_COOKIE] = seat
    clients = {
        "anonymous": Client(raise_request_exception=False),
        "facilitator token": Client(raise_request_exception=False, HTTP_AUTHORIZATION=token),
        "facilitator session": session,
        "player": player,
    }
    clients["anonymous"].exercise_id = game.exercise_id  # type: ignore[attr-defined]
    return clients


def probe_everything() -> Probe:
    """Big ids on every route for every kind of caller, deep JSON on every API route."""
    clients = _clients()
    exercise_id: int = clients["anonymous"].exercise_id  # type: ignore[attr-defined]
    probe = Probe()
    for route in routes():
        if "<int:" not in route:
            continue
        for big in BIG_IDS:
            for id_of_exercise in (None, exercise_id):
                path = fill(route, exercise_id=id_of_exercise, big=big)
                if path == fill(route, exercise_id=exercise_id, big="1"):
                    continue  # no big id left in it
                for client in clients.values():
                    probe.check(client, "GET", path)
                for method in WRITES:
                    probe.check(clients["facilitator token"], method, path, "{}")
    for route in routes():
        if not route.startswith("api/"):
            continue
        path = fill(route, exercise_id=exercise_id, big=None)
        for body in DEEP_BODIES:
            for who in ("anonymous", "facilitator token", "player"):
                for method in ("POST", "PUT"):
                    probe.check(clients[who], method, path, body)
    return probe
