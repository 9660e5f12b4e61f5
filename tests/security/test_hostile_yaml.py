"""Hostile scenario YAML sent over the API is refused quickly (docs/reliability.md#s10).

Billion laughs, python tags, the broken fixture files and a declared body over the cap are
covered in tests/api/test_scenarios_api.py and tests/scenarios/test_yaml_safety.py; these add
the cases that reach past them: nesting far deeper than the fixture, just under the body cap,
and a 10 MB body that declares no length (chunked), against the real ASGI server."""

from __future__ import annotations

import http.client
import json
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from tests.cast import facilitator_client, facilitator_token
from tests.realtime.harness import asgi_server

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.services import PostgresServer

VALIDATE = "/api/v1/scenarios/validate/"
BODY_CAP = 256 * 1024
QUICK_SECONDS = 2.0


@pytest.mark.django_db
def test_nesting_a_hundred_thousand_deep_under_the_cap_is_a_quick_400() -> None:
    depth = (BODY_CAP - 100) // 2
    text = "slug: deep\nsummary: " + "[" * depth + "]" * depth + "\n"
    assert len(text.encode()) <= BODY_CAP
    control = facilitator_client("control")
    # The first request imports the views; only the hostile one is timed.
    assert (
        control.generic("POST", VALIDATE, "[", content_type="application/yaml").status_code == 400
    )
    started = time.monotonic()
    response = control.generic("POST", VALIDATE, text, content_type="application/yaml")
    took = time.monotonic() - started
    print(f"\n{depth} levels refused in {took:.2f} s")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid_scenario"
    assert took < QUICK_SECONDS


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    yield b"slug: huge\nsummary: '"
    for _ in range(total // size):
        yield b"x" * size
    yield b"'\n"


def _post(base: str, key: str, body: Any, headers: dict[str, str]) -> tuple[int, Any, float]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    started = time.monotonic()
    try:
        connection.request(
            "POST",
            VALIDATE,
            body=body,
            headers={
                "Authorization": f"Token {key}",
                "Content-Type": "application/yaml",
                **headers,
            },
            encode_chunked="Content-Length" not in headers,
        )
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read() or b"null"), time.monotonic() - started
    except (BrokenPipeError, ConnectionResetError):
        # The server may answer and close before the client has sent everything.
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read() or b"null"), time.monotonic() - started
    finally:
        connection.close()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("length", ["declared", "chunked"])
def test_a_10_mb_body_is_a_quick_413(postgres_server: PostgresServer, length: str) -> None:
    """A chunked body declares no length, so only counting what arrives can refuse it."""
    key = facilitator_token("control")
    total = 10 * 1024 * 1024
    with asgi_server(postgres_server, None) as server:
        if length == "declared":
            body = b"".join(_chunks(total))
            status, answer, took = _post(server.base, key, body, {"Content-Length": str(len(body))})
        else:
            status, answer, took = _post(server.base, key, _chunks(total), {})
    print(f"\n{length} 10 MB body: {status} {answer['error']['code']} in {took:.2f} s")
    assert (status, answer["error"]["code"]) == (413, "payload_too_large")
    assert took < QUICK_SECONDS


VALUES_PYTHON_REFUSES = {
    "an impossible date": ("starts: 2024-13-45\n", "2024-13-45", 1),
    "February 30th in a list": ("slug: x\ndates: [2024-01-01, 2024-02-30]\n", "2024-02-30", 2),
    "an integer of 5000 digits": ("slug: x\nturns: " + "9" * 5000 + "\n", "9999", 2),
    "a NUL byte": ("slug: x\nsummary: a\x00b\n", "#x0000", 2),
}


@pytest.mark.django_db
@pytest.mark.parametrize("path", [VALIDATE, "/api/v1/scenarios/"])
@pytest.mark.parametrize("case", list(VALUES_PYTHON_REFUSES))
def test_a_value_the_yaml_loader_cannot_build_is_a_400_with_its_line(path: str, case: str) -> None:
    text, shown, line = VALUES_PYTHON_REFUSES[case]
    control = facilitator_client("control")
    response = control.generic("POST", path, text, content_type="application/yaml")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_scenario"
    (found,) = [d for d in error["details"] if shown in d["message"]]
    assert found["line"] == line
    assert len(found["message"]) < 200
