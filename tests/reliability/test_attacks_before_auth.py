"""Attacks before anyone has authenticated: oversized WebSocket messages and chunked bodies (the
server's resident memory read from /proc before and after) and concurrent password guessing,
against a real Uvicorn started from the harness's command line. One table row each."""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pytest
import websockets
from django.conf import settings
from django.contrib.auth import get_user_model

from tests.realtime.harness import asgi_server
from tests.reliability.attackers import MB, RSS_GROWTH_BOUND, healthz, post_raw, rss_bytes
from wargame.realtime.serving import MAX_FRAME_BYTES

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.reliability.conftest import Row
    from tests.services import PostgresServer

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]
SOCKETS, FRAME_BYTES = 10, 15 * MB
BODY_BYTES, BODY_CHUNK = 512 * MB, 64 * 1024
LIMIT = settings.JOIN_FAILURES_PER_ADDRESS


async def _send_big_frame(url: str) -> int | None:
    async with websockets.connect(url, max_size=None, close_timeout=2) as ws:
        with contextlib.suppress(websockets.ConnectionClosed):
            await ws.send(b"\x00" * FRAME_BYTES, text=True)
            async with asyncio.timeout(15):
                await ws.recv()
        return ws.close_code


async def _all_at_once(url: str) -> list[int | None]:
    return list(await asyncio.gather(*(_send_big_frame(url) for _ in range(SOCKETS))))


def test_unauthenticated_oversized_frames_are_refused_without_buffering_them(
    postgres_server: PostgresServer, table_row: Row
) -> None:
    table_row.fault = f"{SOCKETS} unauthenticated sockets x {FRAME_BYTES // MB} MB frame"
    with asgi_server(postgres_server, None) as server:
        url = server.base.replace("http", "ws", 1) + "/ws/exercises/1/?since=0"
        healthz(server.base)  # imports done before the baseline
        before = rss_bytes(server.pid)
        started = time.monotonic()
        codes = asyncio.run(_all_at_once(url))
        took = time.monotonic() - started
        growth = rss_bytes(server.pid) - before
        health = healthz(server.base)
    table_row.server_errors = 0
    table_row.checked = (
        f"closes {sorted(set(codes), key=str)} in {took:.1f} s (cap {MAX_FRAME_BYTES} B); "
        f"RSS +{growth / MB:.1f} MB; healthz {health}"
    )
    print(f"\n{table_row.checked}")
    # 1009 from Uvicorn; a client still sending when it drops the connection sees 1006.
    assert set(codes) <= {1009, 1006}, codes
    assert growth < RSS_GROWTH_BOUND
    assert health == 200


def _chunks() -> Iterator[bytes]:
    chunk = b"{" * BODY_CHUNK
    for _ in range(BODY_BYTES // BODY_CHUNK):
        yield chunk


def test_an_oversized_chunked_post_is_refused_while_it_arrives(
    postgres_server: PostgresServer, table_row: Row
) -> None:
    table_row.fault = f"{BODY_BYTES // MB} MB chunked POST to /api/v1/join/, unauthenticated"
    headers = {"Content-Type": "application/json"}
    with asgi_server(postgres_server, None) as server:
        healthz(server.base)
        before = rss_bytes(server.pid)
        status, answer, took = post_raw(server.base, "/api/v1/join/", headers, _chunks())
        growth = rss_bytes(server.pid) - before
        health = healthz(server.base)
    code = answer.get("error", {}).get("code") if isinstance(answer, dict) else answer
    table_row.server_errors = int(status >= 500)
    table_row.checked = (
        f"{status} {code} in {took:.2f} s; RSS +{growth / MB:.1f} MB; healthz {health}"
    )
    print(f"\n{table_row.checked}")
    assert (status, code) == (413, "payload_too_large")
    assert took < 5, "the body was read rather than refused"
    assert growth < RSS_GROWTH_BOUND
    assert health == 200


GUESSES = 30


def _token_guess(base: str) -> int:
    status, _answer, _took = post_raw(
        base,
        "/api/v1/auth/token/",
        {"Content-Type": "application/json"},
        json.dumps({"username": "chief", "password": "wrong"}).encode(),
    )
    return status


def _sign_in_page(base: str, password: str) -> tuple[int, str | None]:
    """The sign-in form as a browser sends it (its CSRF cookie and token): status, Retry-After."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/accounts/login/", timeout=30) as page:
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.read())
    assert token is not None
    form = urllib.parse.urlencode(
        {"username": "chief", "password": password, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{base}/accounts/login/", data=form, method="POST"
    )
    request.add_header("Referer", f"{base}/accounts/login/")
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.status, answer.headers.get("Retry-After")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Retry-After")


def test_concurrent_wrong_passwords_are_capped_across_the_sign_in_doors(
    postgres_server: PostgresServer, table_row: Row
) -> None:
    table_row.fault = f"{GUESSES} concurrent wrong passwords, then the right one on the page"
    get_user_model().objects.create_user("chief", password="a-long-pass-phrase-9")
    with asgi_server(postgres_server, None) as server:
        healthz(server.base)
        started = time.monotonic()
        with ThreadPoolExecutor(GUESSES) as pool:
            statuses = list(pool.map(lambda _i: _token_guess(server.base), range(GUESSES)))
        took = time.monotonic() - started
        page_status, retry_after = _sign_in_page(server.base, "a-long-pass-phrase-9")
    evaluated = statuses.count(400)
    table_row.server_errors = sum(1 for s in statuses if s >= 500)
    table_row.checked = (
        f"token endpoint: {evaluated} evaluated (limit {LIMIT}), {statuses.count(429)} x 429 in "
        f"{took:.1f} s; then the sign-in page with the right password: {page_status}, "
        f"Retry-After {retry_after}"
    )
    print(f"\n{table_row.checked}")
    assert evaluated == LIMIT, statuses
    assert statuses.count(429) == GUESSES - LIMIT
    assert page_status == 429
    assert retry_after is not None
    assert int(retry_after) >= 1
