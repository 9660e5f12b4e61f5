"""The write path's cost: CPU time and database queries per message post and per decision save.

`python -m bench writepath` starts a private PostgreSQL and Redis, then runs a Django process on
them (the production backends: PostgreSQL, the Redis channel layer, Redis as the Celery broker)
that makes N writes of each kind through the whole request stack (middleware, authentication,
the DRF view, the service, the commit hooks that ring the doorbell and queue tasks) with Django's
test client, as a player of a running exercise. It prints, per kind: milliseconds of process CPU
per write (all threads, ``time.process_time``, the median of 5 rounds), the PostgreSQL cluster's
CPU per write (``/proc``), database queries per write (each statement listed), Python function
calls per write (a figure the box's other work does not move), and the functions that took most
CPU (``cProfile``, cumulative and own). `WRITEPATH_WRITES` sets N (200).

Not in these figures: the server's fan-out to its sockets (after the commit, in the server's
loop: the fan-out rows measure it). This process has no hub, so its doorbell is sent as a worker
sends it, waiting for Redis; a server with sockets sends it on its loop without waiting."""

from __future__ import annotations

import cProfile
import io
import itertools
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.results import Row

if TYPE_CHECKING:
    from collections.abc import Callable

WRITES = int(os.environ.get("WRITEPATH_WRITES", "200"))
# Not goals but tripwires: a write path that grows past these is a regression to look at.
MAX_QUERIES = {"message": 12, "decision": 16}
# The median of rounds: the box is shared, and a round that met someone else's burst says little.
ROUNDS = 5
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
TOP_FUNCTIONS = int(os.environ.get("WRITEPATH_TOP", "25"))


def run() -> list[Row]:
    from bench.child import run_module
    from bench.stack import services

    with services() as found:
        env = {
            **os.environ,
            **found.env(redis=True),
            "CELERY_BROKER_URL": found.redis.url,
            "CELERY_RESULT_BACKEND": found.redis.url,
            "LOG_LEVEL": "INFO",
            "ALLOWED_HOSTS": "testserver",
            "WRITEPATH_PGDATA": str(found.postgres.directory / "data"),
        }
        done = run_module("bench.writepath", "probe", env=env)
    if done.returncode != 0:
        raise RuntimeError(f"write path probe failed:\n{done.stdout}\n{done.stderr[-4000:]}")
    report, _, figures = done.stdout.rpartition("\nFIGURES ")
    print(report)
    rows: list[Row] = []
    for kind, measured in json.loads(figures).items():
        rows.append(
            Row(
                f"write path: {kind}, process CPU per write (N={WRITES})",
                measured["cpu_ms"],
                "ms",
                "(reported)",
                True,
            )
        )
        rows.append(
            Row(
                f"write path: {kind}, PostgreSQL CPU per write",
                measured["database_ms"],
                "ms",
                "(reported)",
                True,
            )
        )
        rows.append(
            Row(
                f"write path: {kind}, Python function calls per write",
                measured["calls"],
                "calls",
                "(reported)",
                True,
            )
        )
        rows.append(
            Row(
                f"write path: {kind}, database queries per write",
                measured["queries"],
                "queries",
                f"<= {MAX_QUERIES[kind]}",
                measured["queries"] <= MAX_QUERIES[kind],
            )
        )
    return rows


def probe() -> int:
    """In the Django process: seat the players, then time each kind of write."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")
    django.setup()
    from django.db import connection

    from tests.cast import facilitator_client, game_create

    game = game_create(facilitator_client("bench"), stage="deliberation")
    keys = itertools.count(1)
    teams = itertools.cycle(("US", "ROK", "JPN"))  # DPRK's lines may reach a bot
    clients = {}
    channels: dict[str, int] = {}
    base = f"/api/v1/exercises/{game.exercise_id}"
    for team in ("US", "ROK", "JPN"):
        client = game.players[team]
        clients[team] = client
        listed = client.get(f"{base}/channels/").json()["results"]
        channels[team] = next(c["id"] for c in listed if c["name"] == team)

    def message() -> int:
        team = next(teams)
        key = next(keys)
        answer = clients[team].post(
            f"{base}/channels/{channels[team]}/messages/",
            {"body": f"{team} line {key}", "client_key": f"m{key}"},
            format="json",
        )
        return int(answer.status_code)

    def decision() -> int:
        team = next(teams)
        key = next(keys)
        answer = clients[team].put(
            f"{base}/turns/1/decision/",
            {"actions": [], "rationale": f"{team} draft {key}", "client_key": f"d{key}"},
            format="json",
        )
        return int(answer.status_code)

    figures: dict[str, dict[str, float]] = {}
    for kind, write in (("message", message), ("decision", decision)):
        for _ in range(10):  # warm: imports, caches, the first connection
            _check(kind, write())
        queries: list[str] = []
        with connection.execute_wrapper(_recording(queries)):
            _check(kind, write())
        rounds: list[float] = []
        database: list[float] = []
        for _ in range(ROUNDS):
            began, began_database = time.process_time(), _postgres_cpu()
            for _ in range(WRITES // ROUNDS):
                _check(kind, write())
            rounds.append((time.process_time() - began) * 1000 / (WRITES // ROUNDS))
            database.append((_postgres_cpu() - began_database) * 1000 / (WRITES // ROUNDS))
        cpu_ms = statistics.median(rounds)
        database_ms = statistics.median(database)
        figures[kind] = {
            "cpu_ms": round(cpu_ms, 2),
            "database_ms": round(database_ms, 2),
            "queries": len(queries),
        }
        print(
            f"\n== {kind}: {cpu_ms:.2f} ms CPU per write (median of {ROUNDS} rounds: "
            f"{', '.join(f'{r:.1f}' for r in rounds)}), PostgreSQL {database_ms:.2f} ms, "
            f"{len(queries)} queries per write"
        )
        for sql in queries:
            print(f"   {sql[:200]}")
        profile, calls = _profile(kind, write)
        figures[kind]["calls"] = round(calls)
        print(f"   {calls:.0f} Python function calls per write")
        print(profile)
    print("FIGURES " + json.dumps(figures))
    return 0


def _postgres_cpu() -> float:
    """CPU seconds of the PostgreSQL cluster so far: the postmaster, the backends it has reaped
    (a connection per request ends its backend) and those alive."""
    data = os.environ.get("WRITEPATH_PGDATA")
    if not data:
        return 0.0
    postmaster = int(Path(data, "postmaster.pid").read_text(encoding="ascii").split()[0])
    total = _stat_seconds(postmaster, reaped=True)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int(_stat_fields(int(entry.name))[1])
                if parent == postmaster:
                    total += _stat_seconds(int(entry.name), reaped=False)
            except (OSError, ValueError):
                continue  # gone meanwhile
    return total


def _stat_fields(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name."""
    return Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()


def _stat_seconds(pid: int, *, reaped: bool) -> float:
    fields = _stat_fields(pid)
    ticks = int(fields[11]) + int(fields[12])
    if reaped:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLOCK_TICKS


def _recording(queries: list[str]) -> Callable[..., Any]:
    """Every statement the request runs, the commit hooks' included (Django's own query log is
    reset when a request starts)."""

    def record(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        queries.append(sql)
        return execute(sql, *args)

    return record


def _check(kind: str, status: int) -> None:
    if status >= 300:
        raise RuntimeError(f"{kind}: {status}")


def _profile(kind: str, write: Callable[[], int]) -> tuple[str, float]:
    """The top functions, and Python function calls per write: a measure of the work done
    that, unlike CPU time, the other tenants of a shared box do not move."""
    profiler = cProfile.Profile(time.process_time)  # CPU, not waiting on the database
    profiler.enable()
    for _ in range(WRITES // 2):
        _check(kind, write())
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(TOP_FUNCTIONS)
    stats.sort_stats("tottime").print_stats(TOP_FUNCTIONS)
    calls: int = getattr(stats, "total_calls", 0)
    return out.getvalue(), calls / (WRITES // 2)


def main(argv: list[str]) -> int:
    if argv[:1] == ["probe"]:
        return probe()
    for row in run():
        print(f"{row.name}: {row.value} {row.unit} ({row.goal})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
