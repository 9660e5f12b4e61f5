"""``set_observer_view``: what observers may read from the switch on."""

from __future__ import annotations

import pytest

from tests.answers import ok
from tests.cast import Game, client_key
from tests.exercises.services.commands.steps import (
    CONTROL,
    appended,
    audiences,
    bring_to,
    channel,
    each_refused,
    last_seq,
    say,
)

pytestmark = pytest.mark.django_db


def test_it_lets_observers_read_later_team_messages_and_decisions_once_set_to_teams(
    game: Game,
) -> None:
    """A row's audience is fixed when it is written: the teaching view opens the team channels
    to observers from the switch on, as it opens the events of those channels."""
    bring_to(game, "briefing")
    team_line = channel(game, game.control, "US")
    assert say(game, "US", team_line["id"], "Before the switch.").status_code == 201
    assert ok(game.observer.get(game.url("channels/")))["results"] == []
    early = game.players["US"].put(
        game.url("turns/1/decision/"),
        {"actions": [], "rationale": "early", "client_key": client_key()},
        format="json",
    )
    ok(early)
    mark = last_seq(game)

    ok(game.command("set_observer_view", args={"view": "teams"}))

    assert audiences(game, mark) == [("exercise.changed", frozenset({CONTROL}))]
    assert appended(game, mark)[0].payload == {"change": "observer_view", "view": "teams"}
    assert ok(game.control.get(game.url()))["observer_view"] == "teams"
    names = {c["name"] for c in ok(game.observer.get(game.url("channels/")))["results"]}
    assert {"US", "ROK", "JPN", "DPRK", "ROK-DPRK"} <= names
    assert not any(name.startswith("control-") for name in names)
    read = ok(game.observer.get(game.url(f"channels/{team_line['id']}/messages/")))
    assert read["results"] == []
    assert say(game, "US", team_line["id"], "After the switch.").status_code == 201
    read = ok(game.observer.get(game.url(f"channels/{team_line['id']}/messages/")))
    assert [m["body"] for m in read["results"]] == ["After the switch."]
    hidden = game.observer.get(game.url("turns/1/decision/?team=US"))
    assert hidden.status_code == 404, "the early draft was written for the team and control only"
    later = game.players["US"].put(
        game.url("turns/1/decision/"),
        {"actions": [], "rationale": "later", "client_key": client_key()},
        format="json",
    )
    ok(later)
    seen = [
        e["payload"].get("rationale")
        for e in game.events(game.observer)
        if e["type"] == "decision.saved"
    ]
    assert seen == ["later"]
    read_back = ok(game.observer.get(game.url("turns/1/decision/?team=US")))
    assert read_back["rationale"] == "later"


def test_it_hides_team_channels_from_observers_again_when_set_back_to_public(game: Game) -> None:
    ok(game.command("set_observer_view", args={"view": "teams"}))
    assert ok(game.observer.get(game.url("channels/")))["results"] != []
    mark = last_seq(game)

    ok(game.command("set_observer_view", args={"view": "public"}))

    assert audiences(game, mark) == [("exercise.changed", frozenset({CONTROL}))]
    assert ok(game.observer.get(game.url("channels/")))["results"] == []


def test_it_refuses_an_unknown_observer_view_naming_args_view(game: Game) -> None:
    each_refused(
        game,
        "set_observer_view",
        [
            (args, "args.view")
            for args in ({}, {"view": "all"}, {"view": None}, {"view": "TEAMS"}, {"view": 1})
        ],
    )

    assert ok(game.control.get(game.url()))["observer_view"] == "public"
