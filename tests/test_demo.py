"""`manage.py demo --serve` on the embedded defaults: what `make demo` gives a new user."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from typing import TYPE_CHECKING

import pytest

from tests.services import PROJECT_DIR, free_port

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.services


def _fetch(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - loopback
        return answer.status, answer.read()


def test_the_demo_serves_its_pages_and_join_links_then_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "WARGAME_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "CELERY_RESULT_BACKEND": "",
    }
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr
    log_path = tmp_path / "demo.log"
    with log_path.open("wb") as log:
        demo = subprocess.Popen(
            [sys.executable, "manage.py", "demo", "--serve", "--port", str(port)],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 90
        while b"Press Ctrl-C" not in log_path.read_bytes():
            assert demo.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
        output = log_path.read_text()
        password = re.search(r"password\s*:\s*(\S+)", output)
        assert password, output
        assert f"http://127.0.0.1:{port}/accounts/login/" in output

        base = f"http://127.0.0.1:{port}"
        assert _fetch(f"{base}/healthz") == (200, b'{"status": "ok"}')
        status, schema = _fetch(f"{base}/api/schema/?format=json")
        assert status == 200
        assert json.loads(schema)["openapi"].startswith("3.")
        assert _fetch(f"{base}/accounts/login/")[0] == 200
        join_links = re.findall(rf"{base}/join/#code=[A-Z0-9-]+", output)
        assert len(join_links) == 5, output  # four teams and the observers
        status, page = _fetch(join_links[0])  # the code is in the fragment: never sent
        assert status == 200
        assert b'id="id_code"' in page
        assert f"{base}/console/" in output
        assert _fetch(f"{base}/static/js/wargame/live.js")[0] == 200
    finally:
        demo.send_signal(signal.SIGINT)
        returncode = demo.wait(timeout=30)
    assert returncode == 0, log_path.read_text()
    assert "Stopped." in log_path.read_text()
