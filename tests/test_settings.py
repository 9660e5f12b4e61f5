"""Production settings refuse to start without their secrets, and pass `check --deploy`."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.services import PROJECT_DIR

PRODUCTION = {
    "WARGAME_ENV": "production",
    "SECRET_KEY": "x" * 64 + "-not-a-real-key-but-long-and-random-enough-Zq9",
    "ALLOWED_HOSTS": "wargame.example.org",
    "DATABASE_URL": "postgres://wargame@db.invalid/wargame",
    "REDIS_URL": "redis://redis.invalid:6379/0",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_start_and_names_a_missing_setting(missing: str) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_refuses_a_wildcard_host() -> None:
    result = _manage("check", env={**PRODUCTION, "ALLOWED_HOSTS": "*"})
    assert result.returncode != 0
    assert "must not contain '*'" in result.stderr


def test_a_malformed_boolean_is_an_error_that_names_the_variable() -> None:
    result = _manage("check", env={"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_secrets_can_come_from_files(tmp_path: object) -> None:
    from pathlib import Path

    key_file = Path(str(tmp_path)) / "key"
    key_file.write_text(PRODUCTION["SECRET_KEY"])
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = _manage("check", "--deploy", env={**env, "SECRET_KEY_FILE": str(key_file)})
    assert result.returncode == 0, result.stderr


def test_production_refuses_the_render_counter() -> None:
    result = _manage("check", env={**PRODUCTION, "RENDER_COUNTER": "1"})
    assert result.returncode != 0
    assert "RENDER_COUNTER is for benchmarks and tests" in result.stderr
