"""The write path's database work, counted (docs/reliability.md#the-write-path): a message post
and a draft save through the API, each a fixed list of statements. Counts, not timings:
`python -m bench writepath` measures the CPU."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cast import Game, client_key, facilitator_client, game_create

if TYPE_CHECKING:
    from pytest_django.fixtures import Settings

pytestmark = pytest.mark.django_db

# Authenticate the seat, lock the exercise, find the channel, look for an earlier post with the
# key, take the channel's next message number; insert the message; the log: the exercise's
# counters, the event, its per-view positions.
MESSAGE_STATEMENTS = 9
# Authenticate, lock, the decision and the earlier write with the key; update the decision; the
# log's three statements; record the key (a team's first save also inserts the decision).
DRAFT_STATEMENTS = 9


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def game() -> Game:
    return game_create(facilitator_client("control"), stage="deliberation")


def _statements(queries: CaptureQueriesContext) -> list[str]:
    """What the request asked of the database, without the test's savepoints."""
    return [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]


def _own_channel(game: Game, team: str) -> int:
    listed = game.players[team].get(game.url("channels/")).json()["results"]
    return int(next(c["id"] for c in listed if c["name"] == team))


def test_a_message_on_a_team_channel_costs_nine_statements(game: Game) -> None:
    url = game.url(f"channels/{_own_channel(game, 'US')}/messages/")
    with CaptureQueriesContext(connection) as queries:
        answer = game.players["US"].post(
            url, {"body": "hold the line", "client_key": client_key()}, format="json"
        )
    assert answer.status_code == 201, answer.content
    statements = _statements(queries)
    assert len(statements) == MESSAGE_STATEMENTS, "\n".join(statements)
    # A team's own channel has no bot on it to answer: no question about bot teams.
    assert not any('FROM "exercises_team"' in sql for sql in statements), statements


def test_a_draft_save_costs_nine_statements_and_reads_the_team_with_the_seat(game: Game) -> None:
    url = game.url("turns/1/decision/")
    for rationale in ("wait", "wait and see"):  # the first save also creates the decision
        with CaptureQueriesContext(connection) as queries:
            answer = game.players["ROK"].put(
                url,
                {"actions": [], "rationale": rationale, "client_key": client_key()},
                format="json",
            )
        assert answer.status_code == 200, answer.content
    statements = _statements(queries)
    assert len(statements) == DRAFT_STATEMENTS, "\n".join(statements)
    assert not any('FROM "exercises_team"' in sql for sql in statements), statements


def test_authenticating_a_seat_leaves_the_exercises_large_columns_in_the_database(
    game: Game,
) -> None:
    with CaptureQueriesContext(connection) as queries:
        answer = game.players["JPN"].get(game.url("channels/"))
    assert answer.status_code == 200
    seat = next(q["sql"] for q in queries.captured_queries if "token_hash" in q["sql"])
    for column in ("scenario_text", '"state"', "branch_log"):
        assert column not in seat, seat


def test_a_message_on_an_allied_line_with_a_bot_team_still_asks_about_bots(game: Game) -> None:
    """The cheaper check comes first; a line a bot team is on still asks about it."""
    assert game.command("set_ai", args={"team": "ROK", "ai": True}).status_code == 200
    listed = game.players["US"].get(game.url("channels/")).json()["results"]
    allied = next(c["id"] for c in listed if c["name"] == "US-ROK")
    with CaptureQueriesContext(connection) as queries:
        answer = game.players["US"].post(
            game.url(f"channels/{allied}/messages/"),
            {"body": "talk", "client_key": client_key()},
            format="json",
        )
    assert answer.status_code == 201, answer.content
    assert any('FROM "exercises_team"' in sql for sql in _statements(queries))


def test_another_server_reads_only_the_views_a_message_reached(game: Game) -> None:
    """A hub's pump after a doorbell: the exercise's positions, then only the views with news
    (the team's and control's for a team message), each frame exactly once."""
    from wargame.exercises.models import Exercise
    from wargame.realtime.hub import _news_sync

    before = dict(Exercise.objects.get(pk=game.exercise_id).view_positions)
    answer = game.players["US"].post(
        game.url(f"channels/{_own_channel(game, 'US')}/messages/"),
        {"body": "news", "client_key": client_key()},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    with CaptureQueriesContext(connection) as queries:
        news = _news_sync(game.exercise_id, before, 500)
    assert len(queries.captured_queries) == 3, [q["sql"] for q in queries.captured_queries]
    got = {view: [frame.type for frame in frames] for view, frames in news.items() if frames}
    assert got == {"control": ["message.posted"], "team:US": ["message.posted"]}
    assert [f.position for f in news["control"]] == [before["control"] + 1]
