"""The after-action report as a background job: a 10-turn game's PDF in each language, charts
included, rendered as the worker renders it, in a child process with its own var directory."""

from __future__ import annotations

import json
import os
import tempfile

from bench.child import run_module
from bench.results import Row

GOAL_S = 30.0


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="wargame-bench-report-") as var_dir:
        env = {**os.environ, "WARGAME_VAR_DIR": var_dir, "WARGAME_ENV": "dev"}
        for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
            env.pop(name, None)
        done = run_module("bench.report_job", env=env)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        print(done.stderr[-2000:])
        return [Row("report job: 10-turn game, PDF", float("nan"), "s", f"< {GOAL_S:.0f} s", False)]
    rows = []
    for line in lines:
        rows.append(
            Row(
                f"report job: {line['turns']}-turn game, PDF ({line['language']})",
                line["seconds"],
                "s",
                f"< {GOAL_S:.0f} s, done, progress 100",
                line["status"] == "done" and line["progress"] == 100 and line["seconds"] < GOAL_S,
            )
        )
        rows.append(
            Row(
                f"report job: {line['turns']}-turn game, PDF ({line['language']}), CPU",
                line["cpu_seconds"],
                "s",
                "(reported)",
                True,
            )
        )
    return rows
