"""Schemathesis on the embedded default of `make demo`: SQLite in a fresh WARGAME_VAR_DIR and the
in-memory channel layer, the settings a user gets with no environment at all.

Run as a program in a process of its own, because the test suite's Django is set up on
PostgreSQL: it migrates the empty SQLite file, then either fuzzes each role as
``schema_fuzz.fuzz_role`` does (``python -m tests.security.embedded_fuzz EXAMPLES ROLE...``,
one JSON line per role) or sends ``hostile_requests``' big ids and deep bodies
(``... embedded_fuzz probe``, one JSON line).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path


def embedded_environment(var_dir: Path) -> dict[str, str]:
    """`make demo`'s environment: nothing set but where its files go (and a queue that keeps the
    fuzzer's tasks in memory instead of a broker file)."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    return {
        **keep,
        "WARGAME_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "wargame.settings",
        "CELERY_BROKER_URL": "memory://",
        "CELERY_RESULT_BACKEND": "cache+memory://",
    }


def embedded_run(arguments: list[str], var_dir: Path, timeout: float) -> list[dict[str, Any]]:
    """This module as a program with ``arguments``, in a process of its own on a fresh embedded
    default in ``var_dir``; its JSON lines."""
    ran = subprocess.run(
        [sys.executable, "-m", "tests.security.embedded_fuzz", *arguments],
        env=embedded_environment(var_dir),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr[-4000:]
    return [json.loads(line) for line in ran.stdout.splitlines() if line.startswith("{")]


def main(arguments: list[str]) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert not settings.REDIS_URL
    setup_test_environment()  # the test client's host name, as in the suite
    call_command("migrate", verbosity=0, interactive=False)

    if arguments == ["probe"]:
        from tests.security.hostile_requests import probe_everything

        probe = probe_everything()
        print(json.dumps({"requests": probe.requests, "failures": probe.failures}), flush=True)
        return

    from tests.security.schema_fuzz import fuzz_role

    for role in arguments[1:]:
        tally = fuzz_role(role, int(arguments[0]))
        print(
            json.dumps(
                {
                    "role": role,
                    "operations": tally.operations,
                    "cases": tally.cases,
                    "statuses": {str(k): v for k, v in tally.statuses.items()},
                    "failures": list(dict.fromkeys(tally.failures)),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
