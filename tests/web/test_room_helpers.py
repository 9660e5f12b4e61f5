"""Shared steps of the team-room tests: pages and fragments as HTML, and moving the game on."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tests.cast import client_key

if TYPE_CHECKING:
    from django.test import Client

    from tests.cast import Game
    from tests.web.conftest import WebCast

PARTS = (
    "header",
    "briefing",
    "injects",
    "situation",
    "agreements",
    "decision",
    "channels",
    "channel",
    "statements",
    "joint",
    "outcome",
)


def room_url(exercise_id: int, part: str | None = None) -> str:
    return f"/play/{exercise_id}/" + (f"part/{part}/" if part else "")


def html(browser: Client, url: str) -> str:
    response = browser.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return str(response.content.decode())


def everything(browser: Client, exercise_id: int, channel: int | None = None) -> str:
    """The room page and every fragment (each channel's when ``channel`` is given)."""
    tail = f"?channel={channel}" if channel else ""
    pages = [html(browser, room_url(exercise_id) + tail)]
    pages += [html(browser, room_url(exercise_id, part) + tail) for part in PARTS]
    return "\n".join(pages)


def attribute_values(text: str, name: str) -> list[str]:
    return re.findall(rf'{name}="([^"]*)"', text)


def to_deliberation(cast: WebCast) -> None:
    assert cast.game.command("start").status_code == 200
    assert cast.game.command("advance").status_code == 200


def put_draft(game: Game, team: str, turn: int, rationale: str, actions: list[Any]) -> Any:
    response = game.players[team].put(
        game.url(f"turns/{turn}/decision/"),
        {"actions": actions, "rationale": rationale, "client_key": client_key()},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def channel_id(game: Game, team: str, name: str) -> int:
    listed = game.players[team].get(game.url("channels/")).json()["results"]
    return int(next(c["id"] for c in listed if c["name"] == name))


def post_message(game: Game, team: str, name: str, body: str) -> int:
    cid = channel_id(game, team, name)
    response = game.players[team].post(
        game.url(f"channels/{cid}/messages/"),
        {"body": body, "client_key": client_key()},
        format="json",
    )
    assert response.status_code == 201, response.content
    return cid


def publish_turn(game: Game, turn: int) -> None:
    """Deliberation -> adjudication -> published outcome (the proposal is made in-process)."""
    assert (
        game.command("advance", expected_turn=turn, expected_phase="deliberation").status_code
        == 200
    )
    review = game.control.get(game.url(f"turns/{turn}/adjudication/"))
    assert review.status_code == 200, review.content
    published = game.control.post(
        game.url(f"turns/{turn}/adjudication/publish/"), {"approve_nuclear": True}, format="json"
    )
    assert published.status_code == 200, published.content
