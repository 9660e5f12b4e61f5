"""/healthz answers for the real backends, and says 503 when one of them is gone."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.services import PostgresServer, RedisServer, free_port, running, uvicorn_argv

pytestmark = pytest.mark.services


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - loopback
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _server(port: int, env: dict[str, str]):  # type: ignore[no-untyped-def]
    return running(
        uvicorn_argv(port),
        env=env,
        port=port,
    )


def test_it_is_healthy_on_postgresql_and_redis_and_not_when_either_is_down(
    postgres_server: PostgresServer, tmp_path: object
) -> None:
    redis = RedisServer.start()
    port = free_port()
    env = {
        "DATABASE_URL": postgres_server.url,
        "REDIS_URL": redis.url,
        "WARGAME_VAR_DIR": str(tmp_path),
    }
    try:
        with _server(port, env):
            assert _get(f"http://127.0.0.1:{port}/healthz") == (200, {"status": "ok"})

            redis.kill()
            status, body = _get(f"http://127.0.0.1:{port}/healthz")
            assert status == 503
            assert body["failing"] == ["channel_layer"]

            redis = RedisServer.start(port=redis.port)
            assert _get(f"http://127.0.0.1:{port}/healthz")[0] == 200

            postgres_server.crash()
            try:
                status, body = _get(f"http://127.0.0.1:{port}/healthz")
                assert status == 503
                assert body["failing"] == ["database"]
            finally:
                postgres_server.resume()
            assert _get(f"http://127.0.0.1:{port}/healthz")[0] == 200
    finally:
        redis.stop()


def test_it_is_healthy_on_the_embedded_defaults(tmp_path: object) -> None:
    port = free_port()
    with _server(port, {"WARGAME_VAR_DIR": str(tmp_path), "DATABASE_URL": "", "REDIS_URL": ""}):
        assert _get(f"http://127.0.0.1:{port}/healthz") == (200, {"status": "ok"})
