"""`python -m wargame.engine.scenario` and `manage.py validate_scenario`."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.scenarios.helpers import MINIMAL, PROJECT

BROKEN = PROJECT / "tests" / "scenarios" / "broken" / "misspelt_audience_team.yaml"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wargame.engine.scenario", *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_it_exits_zero_and_says_ok_for_a_valid_file() -> None:
    done = _run(str(MINIMAL))
    assert done.returncode == 0, done.stderr
    assert "OK: minimal" in done.stdout


def test_it_exits_one_and_prints_file_line_column_and_field() -> None:
    done = _run(str(BROKEN))
    assert done.returncode == 1
    assert f"{BROKEN}:" in done.stdout
    assert ": injects[1].audience[0]: unknown team 'JP'" in done.stdout


def test_it_prints_json_on_request() -> None:
    done = _run("--json", str(BROKEN))
    report = json.loads(done.stdout)
    assert report["valid"] is False
    assert report["errors"][0]["path"] == "injects[1].audience[0]"


def test_the_django_command_prints_the_errors_and_fails() -> None:
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("validate_scenario", str(BROKEN), stdout=out)
    assert "injects[1].audience[0]" in out.getvalue()


def test_the_django_command_accepts_a_valid_file() -> None:
    out = StringIO()
    call_command("validate_scenario", str(MINIMAL), stdout=out)
    assert "OK: minimal" in out.getvalue()
