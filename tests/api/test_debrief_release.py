"""`release_debrief`: control opens the end-of-game truth to the views it names, each with only
what it may now read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pytest_django.fixtures import Settings

    from tests.cast import Game


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _released(client: Any, game: Game) -> list[dict[str, Any]]:
    return [e["payload"] for e in game.events(client) if e["type"] == "debrief.released"]


def test_each_view_named_gets_its_own_truth_and_no_one_else(game: Game) -> None:
    assert game.command("start").status_code == 200
    assert game.command("advance").status_code == 200
    for code, answers in {
        "US": {"dprk_launchers": "stored"},
        "DPRK": {"strike_on_detection": True},
    }.items():
        saved = game.players[code].put(
            game.url("turns/1/beliefs/"), {"answers": answers}, format="json"
        )
        assert saved.status_code == 200, saved.content
    early = game.command("release_debrief", args={"views": ["teams"]})
    assert early.status_code == 409
    assert game.command("advance").status_code == 200  # the lock
    assert game.command("end").status_code == 200
    bad = game.command("release_debrief", args={"views": ["NOPE"]})
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["args.views"]
    assert game.command("release_debrief", args={"views": ["US", "observers"]}).status_code == 200

    (control,) = _released(game.control, game)
    assert control["views"] == ["observers", "team:US"]
    assert {(r["team"], r["question"]) for r in control["beliefs"]} == {
        ("US", "dprk_launchers"),
        ("DPRK", "strike_on_detection"),
    }
    (us,) = _released(game.players["US"], game)
    assert [(r["team"], r["question"], r["answer"]) for r in us["beliefs"]] == [
        ("US", "dprk_launchers", "stored")
    ]
    truth = control["state"]["dprk"]["posture"]
    assert us["beliefs"][0]["truth"] == truth
    assert "views" not in us
    (observers,) = _released(game.observer, game)
    assert observers["beliefs"] == []  # the public observer view reads no team's answers
    assert "seed" not in str(observers)
    assert _released(game.players["DPRK"], game) == []
