"""A bench module run in a child process of its own: its own interpreter, environment and CPU
clock, so what it measures is its own work and not this process's."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

from tests.services import PROJECT_DIR

if TYPE_CHECKING:
    from collections.abc import Mapping

TIMEOUT_S = 900


def run_module(module: str, *args: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """``python -m module args`` from the project directory; its output captured as text, its exit
    status left to the caller to judge."""
    return subprocess.run(  # noqa: S603 - our own interpreter, a bench module the caller names
        [sys.executable, "-m", module, *args],
        cwd=PROJECT_DIR,
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
        timeout=TIMEOUT_S,
    )
