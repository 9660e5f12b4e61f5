"""The backup and restore procedure of docs/operations.md, run for real: an online ``pg_dump`` of a
database an exercise is being played on, restored into a new database under a new server. Every
principal's stream must come back whole, and the log must go on from where it stopped."""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.db import connection

from tests.realtime.harness import asgi_server, stream
from tests.realtime.test_live_streams import TEAMS, live_game, play_some, start_and_decide
from tests.reliability.live import comparable

if TYPE_CHECKING:
    from tests.reliability.conftest import Row
    from tests.services import PostgresServer, RedisServer

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]
PRINCIPALS = ("control", *TEAMS, "observers")


def _run(postgres: PostgresServer, tool: str, *args: str) -> None:
    subprocess.run(
        [
            str(postgres.bindir / tool),
            *("-h", "127.0.0.1", "-p", str(postgres.port), "-U", "postgres"),
            *args,
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def test_a_database_dumped_while_playing_restores_every_stream_and_the_log_goes_on(
    postgres_server: PostgresServer, redis_server: RedisServer, table_row: Row
) -> None:
    table_row.fault = "Backup: pg_dump while playing, pg_restore to a new database"
    table_row.checked = "new server on the copy: every principal's stream equal; next write seq+1"
    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored"
    with tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / "wargame.dump"
        with asgi_server(postgres_server, redis_server) as server:
            game = live_game(server.base)
            start_and_decide(game)
            play_some(game, rounds=2)
            began = time.monotonic()
            _run(postgres_server, "pg_dump", "--format=custom", f"--file={dump}", source)
            before = {p: stream(server.base, game.exercise_id, game.header(p)) for p in PRINCIPALS}
        _run(postgres_server, "createdb", restored)
        try:
            _run(postgres_server, "pg_restore", "--no-owner", f"--dbname={restored}", str(dump))
            table_row.recovery_seconds = time.monotonic() - began  # dump + restore
            copy_url = f"postgres://postgres@127.0.0.1:{postgres_server.port}/{restored}"
            with asgi_server(
                postgres_server, redis_server, extra_env={"DATABASE_URL": copy_url}
            ) as copy:
                game.base = copy.base
                after = {p: stream(copy.base, game.exercise_id, game.header(p)) for p in PRINCIPALS}
                play_some(game)
                control = stream(copy.base, game.exercise_id, game.header("control"))
        finally:
            _run(postgres_server, "dropdb", "--force", restored)

    table_row.lost = sum(
        len(set(comparable(before[p])) - set(comparable(after[p]))) for p in PRINCIPALS
    )
    table_row.duplicates = sum(
        len(after[p]) - len({e["seq"] for e in after[p]}) for p in PRINCIPALS
    )
    seqs = [e["seq"] for e in control]
    table_row.gaps = sum(1 for i, seq in enumerate(seqs, start=1) if seq != i)
    table_row.server_errors = 0
    assert all(comparable(after[p]) == comparable(before[p]) for p in PRINCIPALS)
    assert len(control) > len(before["control"]), "the restored log takes new writes"
    assert table_row.lost == table_row.duplicates == table_row.gaps == 0
