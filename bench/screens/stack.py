"""The two topologies the screens are measured on, each with the render counter switched on:

- ``embedded``: what `make demo` runs: SQLite, the in-memory channel layer, one Uvicorn process
  (the Celery broker on its SQLite file; no worker runs, so no timer fires during a run).
- ``production``: PostgreSQL, Redis (channel layer and broker), two Uvicorn processes; each
  browser keeps to one of them, as behind a load balancer with keep-alive.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bench.httpget import Browser as Http
from bench.stack import Helper, Server, services
from tests.services import PROJECT_DIR, free_port, running, uvicorn_argv

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

# Region templates: what a region's fragment URL serves (and the page includes).
REGION_TEMPLATE = re.compile(
    r"^web/(room|console)/parts/[^/]+\.html$"
    r"|^web/screen/_(status|chart|feed)\.html$"
    r"|^web/review/_(adjudication|dashboard)\.html$"
)
COUNTER_PATH = "/_bench/renders"


@dataclass
class Topology:
    name: str
    servers: list[Server]
    helper: Helper
    control_token: str = ""
    session: tuple[str, str] = ("", "")

    async def region_renders(self) -> tuple[int, int]:
        """Region renders and render passes so far, over every server process."""
        import json

        total = passes = 0
        for server in self.servers:
            client = Http(server.base, [])
            try:
                answer = await client.get(COUNTER_PATH)
            finally:
                client.close()
            if answer.status != 200:
                raise RuntimeError(f"render counter: {answer.status} (RENDER_COUNTER unset?)")
            counts = json.loads(answer.body)
            renders = counts["renders"]
            total += sum(n for name, n in renders.items() if REGION_TEMPLATE.match(name))
            passes += int(counts.get("passes", 0))
        return total, passes


LOG_DIR = PROJECT_DIR / "var" / "bench"


@contextlib.contextmanager
def _uvicorn(name: str, env: Mapping[str, str]) -> Iterator[Server]:
    port = free_port()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = LOG_DIR / f"screens-{name}-{port}.log"
    with running(uvicorn_argv(port), env=env, port=port, log_path=log) as process:
        yield Server(f"http://127.0.0.1:{port}", process.pid)


@contextlib.contextmanager
def _topology(name: str, env: dict[str, str], processes: int) -> Iterator[Topology]:
    env = {**env, "RENDER_COUNTER": "1", "DEBUG": "0", "WARGAME_ENV": "dev"}
    helper = Helper(env)
    try:
        with contextlib.ExitStack() as stack:
            servers = [stack.enter_context(_uvicorn(name, env)) for _ in range(processes)]
            topology = Topology(name, servers, helper)
            topology.control_token = helper.ask(op="user")["token"]
            session = helper.ask(op="session")
            topology.session = (session["name"], session["value"])
            yield topology
    finally:
        helper.close()


@contextlib.contextmanager
def embedded() -> Iterator[Topology]:
    with tempfile.TemporaryDirectory(prefix="wargame-bench-embedded-") as var_dir:
        env = {
            "WARGAME_VAR_DIR": var_dir,
            "DATABASE_URL": "",
            "REDIS_URL": "",
            "CELERY_BROKER_URL": "",
            "CELERY_RESULT_BACKEND": "",
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=PROJECT_DIR,
            env={**os.environ, **env},
            check=True,
            timeout=300,
        )
        with _topology("embedded", env, processes=1) as topology:
            yield topology


@contextlib.contextmanager
def production() -> Iterator[Topology]:
    with services() as found:
        env = {
            **found.env(redis=True),
            "CELERY_BROKER_URL": found.redis.url,
            "CELERY_RESULT_BACKEND": found.redis.url,
        }
        with _topology("production", env, processes=2) as topology:
            yield topology


TOPOLOGIES = {"embedded": embedded, "production": production}
