"""Join codes stay out of access logs: links carry the code in the fragment (never sent), and
an old-style `?code=` link is logged with the code blanked, by a real Uvicorn with its access
log on."""

from __future__ import annotations

import sys
import urllib.request
from typing import TYPE_CHECKING

import pytest
from django.test import RequestFactory

from tests.realtime.harness import database_url
from tests.services import free_port, running
from wargame.realtime.serving import UVICORN_WEBSOCKET_OPTIONS
from wargame.web.console_regions import join_link

if TYPE_CHECKING:
    from pathlib import Path

    from tests.services import PostgresServer

CODE = "ABCDE-FGHJK"


def test_a_join_link_carries_its_code_in_the_fragment() -> None:
    link = join_link(RequestFactory().get("/console/1/"), CODE)
    assert link == f"http://testserver/join/#code={CODE}"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_access_log_of_an_old_style_link_has_no_code(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    argv = [
        sys.executable, "-m", "uvicorn", "wargame.asgi:application", "--port", str(port),
        *UVICORN_WEBSOCKET_OPTIONS,
    ]  # fmt: skip
    env = {"DATABASE_URL": database_url(postgres_server), "REDIS_URL": ""}
    with running(argv, env=env, port=port, log_path=log):
        url = f"http://127.0.0.1:{port}/join/?code={CODE}&lang=en"
        with urllib.request.urlopen(url, timeout=30) as answer:
            assert answer.status == 200
    text = log.read_text(errors="replace")
    assert "GET /join/?code=[redacted]&lang=en" in text, text[-2000:]
    assert CODE not in text
