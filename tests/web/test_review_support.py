"""Driving a game through the API for the review pages' tests (no tests here)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.cast import TEAMS, client_key

if TYPE_CHECKING:
    from django.test import Client

    from tests.cast import Game

PLANS: dict[str, list[dict[str, Any]]] = {
    "US": [{"action": "d.consult", "target": "ROK"}, {"action": "d.talks_offer", "target": "DPRK"}],
    "ROK": [{"action": "d.consult", "target": "US"}],
    "JPN": [{"action": "d.trilateral"}],
    "DPRK": [{"action": "d.russia_deepen"}, {"action": "i.loudspeakers", "target": "ROK"}],
}


def secret(code: str, turn: int) -> str:
    """A rationale no other team may ever read."""
    return f"{code}-SECRET-RATIONALE-{turn}-7f3d"


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.content
    return response.json()


def html(client: Client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return str(page.content.decode())


def start(game: Game) -> None:
    ok(game.command("start"))


def deliberate_and_lock(game: Game, turn: int) -> dict[str, Any]:
    """Briefing -> deliberation, every team saves a plan with a secret rationale, the lock; the
    engine proposes before the lock's answer (tests/api/test_full_exercise.py)."""
    ok(game.command("advance", expected_turn=turn, expected_phase="briefing"))
    for code in TEAMS:
        saved = game.players[code].put(
            game.url(f"turns/{turn}/decision/"),
            {"actions": PLANS[code], "rationale": secret(code, turn), "client_key": client_key()},
            format="json",
        )
        assert saved.status_code == 200, saved.content
    ok(game.command("advance", expected_turn=turn, expected_phase="deliberation"))
    return dict(ok(game.control.get(game.url(f"turns/{turn}/adjudication/"))))


def publish(game: Game, turn: int, **body: Any) -> dict[str, Any]:
    return dict(
        ok(game.control.post(game.url(f"turns/{turn}/adjudication/publish/"), body, format="json"))
    )


def play_turns(game: Game, count: int) -> None:
    """``count`` whole turns: locked, published, and on to the next briefing."""
    start(game)
    for turn in range(1, count + 1):
        deliberate_and_lock(game, turn)
        publish(game, turn)
        if turn < count:
            ok(game.command("advance", expected_turn=turn, expected_phase="outcome"))


def team_message(game: Game, code: str, body: str) -> None:
    """A message in the team's own channel: private to the team (and control)."""
    channels = ok(game.players[code].get(game.url("channels/")))["results"]
    own = next(c for c in channels if c["kind"] == "team" and c["name"] == code)
    posted = game.players[code].post(
        game.url(f"channels/{own['id']}/messages/"),
        {"body": body, "client_key": client_key()},
        format="json",
    )
    assert posted.status_code == 201, posted.content


def statement(game: Game, code: str, body: str) -> None:
    posted = game.players[code].post(
        game.url("statements/"), {"body": body, "client_key": client_key()}, format="json"
    )
    assert posted.status_code == 201, posted.content


def private_inject(game: Game, code: str, title: str) -> None:
    ok(
        game.command(
            "release_inject",
            args={"title": title, "body": title, "audience": [code]},
        )
    )
