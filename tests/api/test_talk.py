"""Talk: channels as each role may see them, messages, control lines, statements, and who hears
of them (docs/interface.md#shapes: channel, message, statement; message.posted)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.answers import error_of
from tests.cast import Game, client_key, game_create

if TYPE_CHECKING:
    from pytest_django.fixtures import Settings
    from rest_framework.test import APIClient

# docs/interface.md#shapes, channel: a team's own channel, the allied lines it belongs to, both
# hotlines it is a member of, and its private line to control.
SEES = {
    "US": {"US", "US-ROK", "US-JPN", "US-ROK-JPN", "US-DPRK", "control-US"},
    "ROK": {"ROK", "US-ROK", "ROK-JPN", "US-ROK-JPN", "ROK-DPRK", "control-ROK"},
    "JPN": {"JPN", "US-JPN", "ROK-JPN", "US-ROK-JPN", "control-JPN"},
    "DPRK": {"DPRK", "ROK-DPRK", "US-DPRK", "control-DPRK"},
}


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _channels(client: APIClient, game: Game) -> dict[str, dict[str, Any]]:
    response = client.get(game.url("channels/"))
    assert response.status_code == 200, response.content
    assert response.json()["next"] is None
    return {c["name"]: c for c in response.json()["results"]}


def _channel_id(game: Game, name: str) -> int:
    return int(_channels(game.control, game)[name]["id"])


def _messages_url(game: Game, name: str) -> str:
    return game.url(f"channels/{_channel_id(game, name)}/messages/")


def _post(client: APIClient, url: str, body: str, key: str | None = None) -> Any:
    return client.post(url, {"body": body, "client_key": key or client_key()}, format="json")


def _event_types(client: APIClient, game: Game) -> list[dict[str, Any]]:
    page = client.get(game.url("events/?limit=500"))
    assert page.status_code == 200
    return list(page.json()["results"])


# --- channels ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(SEES))
def test_a_team_lists_exactly_its_own_allied_hotline_and_control_channels(
    game: Game, code: str
) -> None:
    channels = _channels(game.players[code], game)
    assert set(channels) == SEES[code]
    assert all(code in c["members"] for c in channels.values())
    assert channels[code]["kind"] == "team"
    assert channels[f"control-{code}"]["kind"] == "control"
    others = {"US", "ROK", "JPN", "DPRK"} - {code}
    assert not others & set(channels), "another team's team channel"


def test_every_channel_has_the_contract_shape(game: Game) -> None:
    for channel in _channels(game.players["ROK"], game).values():
        assert {"id", "kind", "name", "members", "open"} <= set(channel)
        assert ("state" in channel) == (channel["kind"] == "hotline"), channel
        assert channel["name"] == (
            f"control-{channel['members'][0]}"
            if channel["kind"] == "control"
            else "-".join(channel["members"])
        )


def test_hotlines_are_listed_to_their_members_while_down(game: Game) -> None:
    for code, line in (("ROK", "ROK-DPRK"), ("DPRK", "ROK-DPRK"), ("US", "US-DPRK")):
        hotline = _channels(game.players[code], game)[line]
        assert hotline["kind"] == "hotline"
        assert (hotline["open"], hotline["state"]) == (False, "down")


def test_a_hotline_brought_up_is_open_with_its_state(game: Game) -> None:
    assert game.command("start").status_code == 200
    changed = game.command("set_hotline", args={"hotline": "ik", "state": "degraded"})
    assert changed.status_code == 200, changed.content
    for code in ("ROK", "DPRK"):
        hotline = _channels(game.players[code], game)["ROK-DPRK"]
        assert (hotline["open"], hotline["state"]) == (True, "degraded")
    assert _channels(game.players["US"], game)["US-DPRK"]["state"] == "down"


def test_control_lists_every_channel_and_observers_none_by_default(game: Game) -> None:
    every = set().union(*SEES.values())
    assert set(_channels(game.control, game)) == every
    assert _channels(game.observer, game) == {}


# --- messages ------------------------------------------------------------------------------


def test_a_member_posts_and_reads_a_message(game: Game) -> None:
    url = _messages_url(game, "US-ROK")
    posted = _post(game.players["US"], url, "  Consult before we answer.  ")
    assert posted.status_code == 201, posted.content
    message = posted.json()
    assert set(message) == {"id", "channel", "author", "body", "at"}
    assert message["author"] == {
        "participant_id": game.participant_ids["US"],
        "display_name": "US lead",
        "team": "US",
        "bot": False,
    }
    assert message["body"] == "Consult before we answer."
    for client in (game.players["ROK"], game.control):
        listed = client.get(url).json()["results"]
        assert [m["id"] for m in listed] == [message["id"]]


def test_posting_in_a_channel_you_are_not_in_is_not_found(game: Game) -> None:
    for client, name in (
        (game.players["JPN"], "US-ROK"),
        (game.players["US"], "ROK"),
        (game.players["DPRK"], "control-US"),
        (game.observer, "US-ROK-JPN"),
    ):
        url = _messages_url(game, name)
        response = _post(client, url, "let me in")
        assert response.status_code == 404, (name, response.content)
        assert error_of(response)["code"] == "not_found"
        assert client.get(url).status_code == 404
    assert game.control.get(_messages_url(game, "US-ROK")).json()["results"] == []


def test_channel_ids_count_within_the_exercise(game: Game, control: APIClient) -> None:
    """The other exercise's channel has the same id as this one's (nothing counts across
    exercises), and a number no channel of this exercise has is not found."""
    other = game_create(control)
    assert _channel_id(other, "US-ROK") == _channel_id(game, "US-ROK")
    listed = _channels(game.control, game).values()
    assert sorted(c["id"] for c in listed) == list(range(1, len(listed) + 1))
    missing = len(listed) + 1
    response = _post(game.players["US"], game.url(f"channels/{missing}/messages/"), "hello")
    assert response.status_code == 404


def test_control_posts_as_control_in_control_lines(game: Game) -> None:
    url = _messages_url(game, "control-DPRK")
    posted = _post(game.control, url, "White cell: the liaison line is monitored.")
    assert posted.status_code == 201, posted.content
    assert posted.json()["author"] == {
        "participant_id": None,
        "display_name": "Control",
        "team": None,
        "bot": False,
    }
    listed = game.players["DPRK"].get(url).json()["results"]
    assert [m["author"]["display_name"] for m in listed] == ["Control"]
    reply = _post(game.players["DPRK"], url, "Understood.")
    assert reply.status_code == 201


@pytest.mark.parametrize("name", ["US", "US-ROK", "US-ROK-JPN"])
def test_control_may_not_post_outside_control_lines(game: Game, name: str) -> None:
    url = _messages_url(game, name)
    response = _post(game.control, url, "control speaking")
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"
    assert game.control.get(url).json()["results"] == []


def test_a_retry_with_the_same_key_and_body_answers_the_same_message(game: Game) -> None:
    url = _messages_url(game, "US-JPN")
    key = client_key()
    first = _post(game.players["JPN"], url, "Share the radar tracks?", key)
    again = _post(game.players["JPN"], url, "Share the radar tracks?", key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert len(game.players["JPN"].get(url).json()["results"]) == 1
    posted = [e for e in _event_types(game.control, game) if e["type"] == "message.posted"]
    assert len(posted) == 1


def test_a_reused_key_with_another_body_is_an_idempotency_conflict(game: Game) -> None:
    url = _messages_url(game, "US-JPN")
    key = client_key()
    assert _post(game.players["JPN"], url, "first text", key).status_code == 201
    response = _post(game.players["JPN"], url, "second text", key)
    assert response.status_code == 409
    assert error_of(response)["code"] == "idempotency_conflict"
    assert [m["body"] for m in game.players["US"].get(url).json()["results"]] == ["first text"]


def test_a_client_key_is_scoped_to_the_channel_and_the_author(game: Game) -> None:
    key = client_key()
    allied = _messages_url(game, "US-ROK")
    assert _post(game.players["US"], allied, "from US", key).status_code == 201
    assert _post(game.players["ROK"], allied, "from ROK", key).status_code == 201
    assert (
        _post(game.players["US"], _messages_url(game, "US"), "own channel", key).status_code == 201
    )
    assert len(game.control.get(allied).json()["results"]) == 2


def test_a_body_over_4000_characters_is_invalid(game: Game) -> None:
    url = _messages_url(game, "ROK")
    assert _post(game.players["ROK"], url, "x" * 4000).status_code == 201
    too_long = _post(game.players["ROK"], url, "x" * 4001)
    assert too_long.status_code == 400
    assert error_of(too_long)["code"] == "invalid"
    assert "body" in error_of(too_long)["fields"]
    blank = _post(game.players["ROK"], url, "   ")
    assert blank.status_code == 400
    assert "body" in error_of(blank)["fields"]


def test_a_hotline_that_is_down_is_locked(game: Game) -> None:
    response = _post(game.players["ROK"], _messages_url(game, "ROK-DPRK"), "Hello?")
    assert response.status_code == 423
    assert error_of(response)["code"] == "locked"


def test_a_hotline_that_is_up_carries_messages_between_its_members(game: Game) -> None:
    assert game.command("start").status_code == 200
    assert game.command("set_hotline", args={"hotline": "us", "state": "up"}).status_code == 200
    url = _messages_url(game, "US-DPRK")
    assert _post(game.players["DPRK"], url, "We are listening.").status_code == 201
    assert [m["body"] for m in game.players["US"].get(url).json()["results"]] == [
        "We are listening."
    ]


def test_posting_after_the_end_is_locked(game: Game) -> None:
    assert game.command("end").status_code == 200
    for response in (
        _post(game.players["US"], _messages_url(game, "US-ROK"), "too late"),
        _post(game.control, _messages_url(game, "control-US"), "too late"),
        _post(game.players["US"], game.url("statements/"), "too late"),
    ):
        assert response.status_code == 423, response.content
        assert error_of(response)["code"] == "locked"


def test_talk_is_open_while_paused(game: Game) -> None:
    assert game.command("start").status_code == 200
    assert game.command("pause").status_code == 200
    assert _post(game.players["US"], _messages_url(game, "US-ROK"), "paused").status_code == 201
    assert _post(game.players["US"], game.url("statements/"), "paused").status_code == 201


def test_a_message_is_announced_to_the_channels_members_and_control_only(game: Game) -> None:
    body = "allied-only canary 51c2"
    assert _post(game.players["ROK"], _messages_url(game, "US-ROK"), body).status_code == 201
    for client in (game.control, game.players["US"], game.players["ROK"]):
        posted = [e for e in _event_types(client, game) if e["type"] == "message.posted"]
        assert [e["payload"]["body"] for e in posted] == [body]
    for client in (game.players["JPN"], game.players["DPRK"], game.observer):
        events = _event_types(client, game)
        assert all(e["type"] != "message.posted" for e in events)
        assert body not in str(events)


# --- statements ----------------------------------------------------------------------------


def test_a_player_makes_a_public_statement_everyone_reads(game: Game) -> None:
    posted = _post(game.players["JPN"], game.url("statements/"), "Japan calls for restraint.")
    assert posted.status_code == 201, posted.content
    statement = posted.json()
    assert set(statement) == {"id", "team", "author", "body", "at"}
    assert statement["team"] == "JPN"
    assert statement["author"]["participant_id"] == game.participant_ids["JPN"]
    readers = (game.control, game.observer, *game.players.values())
    for client in readers:
        listed = client.get(game.url("statements/"))
        assert listed.status_code == 200
        assert [s["id"] for s in listed.json()["results"]] == [statement["id"]]
    for client in readers:
        published = [e for e in _event_types(client, game) if e["type"] == "statement.published"]
        assert [e["payload"]["body"] for e in published] == ["Japan calls for restraint."]


def test_observers_and_control_may_not_make_statements(game: Game) -> None:
    for client in (game.observer, game.control):
        response = _post(client, game.url("statements/"), "We observe.")
        assert response.status_code == 403, response.content
        assert error_of(response)["code"] == "permission_denied"
    assert game.control.get(game.url("statements/")).json()["results"] == []


def test_a_statement_retry_answers_the_same_statement(game: Game) -> None:
    key = client_key()
    first = _post(game.players["US"], game.url("statements/"), "Ironclad.", key)
    again = _post(game.players["US"], game.url("statements/"), "Ironclad.", key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    other = _post(game.players["US"], game.url("statements/"), "Steadfast.", key)
    assert other.status_code == 409
    assert error_of(other)["code"] == "idempotency_conflict"
