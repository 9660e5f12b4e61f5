"""``set_hotline``: a hotline's state and the channel it opens or closes between its two members."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.answers import ok, refused
from tests.exercises.services.commands.steps import (
    ALL,
    CONTROL,
    appended,
    audiences,
    bring_to,
    channel,
    conflicts,
    each_refused,
    event_types,
    last_seq,
    say,
)

if TYPE_CHECKING:
    from tests.cast import Game

pytestmark = pytest.mark.django_db


def test_it_brings_a_hotline_up_and_opens_its_channel_to_its_two_members(game: Game) -> None:
    bring_to(game, "deliberation")
    line = channel(game, game.control, "ROK-DPRK")
    assert (line["open"], line["state"]) == (False, "down")
    refused(say(game, "ROK", line["id"]), 423, "locked")
    mark = last_seq(game)

    body = ok(game.command("set_hotline", args={"hotline": "ik", "state": "up"}))

    assert (body["status"], body["phase"]) == ("running", "deliberation")
    members = frozenset({CONTROL, "team:ROK", "team:DPRK"})
    assert audiences(game, mark) == [("hotline.changed", ALL), ("channel.opened", members)]
    events = appended(game, mark)
    # control's payload adds the crisis instability the line moves; no other view gets it
    assert events[0].payload == {"hotline": "ik", "state": "up", "ci": events[0].payload["ci"]}
    assert events[0].view_payloads["team:ROK"] == {"hotline": "ik", "state": "up"}
    assert events[1].payload["id"] == line["id"]
    assert ok(game.control.get(game.url("state/")))["hotline"]["ik"] == "up"
    assert channel(game, game.players["DPRK"], "ROK-DPRK")["open"] is True
    assert say(game, "DPRK", line["id"]).status_code == 201
    assert "channel.opened" in event_types(game, game.players["ROK"])
    assert "channel.opened" not in event_types(game, game.players["US"])
    assert "channel.opened" not in event_types(game, game.observer)


def test_it_takes_a_hotline_down_closing_its_channel_so_messages_are_locked(game: Game) -> None:
    bring_to(game, "deliberation")
    ok(game.command("set_hotline", args={"hotline": "us", "state": "up"}))
    line = channel(game, game.control, "US-DPRK")
    assert say(game, "US", line["id"]).status_code == 201
    mark = last_seq(game)

    ok(game.command("set_hotline", args={"hotline": "us", "state": "down"}))

    members = frozenset({CONTROL, "team:US", "team:DPRK"})
    assert audiences(game, mark) == [("hotline.changed", ALL), ("channel.closed", members)]
    refused(say(game, "DPRK", line["id"]), 423, "locked")
    assert channel(game, game.players["US"], "US-DPRK") == {**line, "open": False, "state": "down"}


def test_it_keeps_a_degraded_hotline_open_and_announces_only_the_state(game: Game) -> None:
    bring_to(game, "briefing")
    ok(game.command("set_hotline", args={"hotline": "ik", "state": "up"}))
    mark = last_seq(game)

    ok(game.command("set_hotline", args={"hotline": "ik", "state": "degraded"}))

    assert audiences(game, mark) == [("hotline.changed", ALL)]
    line = channel(game, game.players["ROK"], "ROK-DPRK")
    assert (line["open"], line["state"]) == (True, "degraded")
    assert say(game, "ROK", line["id"]).status_code == 201


def test_it_refuses_set_hotline_with_bad_args_naming_the_field(game: Game) -> None:
    bring_to(game, "briefing")

    each_refused(
        game,
        "set_hotline",
        [
            ({"state": "up"}, "args.hotline"),
            ({"hotline": "jp", "state": "up"}, "args.hotline"),
            ({"hotline": "ik"}, "args.state"),
            ({"hotline": "ik", "state": "broken"}, "args.state"),
            ({"hotline": "ik", "state": "UP"}, "args.state"),
        ],
    )

    assert ok(game.control.get(game.url("state/")))["hotline"]["ik"] == "down"


def test_it_refuses_set_hotline_unless_running(game: Game) -> None:
    args = {"hotline": "ik", "state": "up"}
    conflicts(game, "set_hotline", args=args)
    bring_to(game, "briefing")
    ok(game.command("pause"))
    conflicts(game, "set_hotline", args=args)
    ok(game.command("end"))
    conflicts(game, "set_hotline", args=args)


def test_it_keeps_a_hotline_set_during_adjudication_after_the_outcome_is_published(
    game: Game,
) -> None:
    bring_to(game, "adjudication")
    ok(game.command("set_hotline", args={"hotline": "ik", "state": "up"}))

    ok(game.command("advance"))

    assert ok(game.control.get(game.url("state/")))["hotline"]["ik"] == "up"
    assert channel(game, game.control, "ROK-DPRK")["open"] is True
