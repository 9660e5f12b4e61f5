"""Password guessing meets a limit at every door: the sign-in page, the admin's sign-in page, the
token endpoint and the password-reset pages answer 429 with Retry-After past it, one count shared
per address, and concurrent guesses are counted atomically (at most the limit evaluated)."""

from __future__ import annotations

import threading
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from tests.cast import PASSWORD, facilitator_client, game_create

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Answer

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = django_settings.JOIN_FAILURES_PER_ADDRESS


@pytest.fixture(autouse=True)
def _fast_hashes(request: pytest.FixtureRequest, settings: Any) -> None:
    """Quick hashes, except where guesses race: there the real hasher's time is the window."""
    if "concurrent" not in request.node.name:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _account() -> None:
    get_user_model().objects.create_user("chief", password=PASSWORD, is_staff=True)


def _sign_in(client: Client, door: str, password: str) -> Answer:
    body = {"username": "chief", "password": password}
    if door == "token":
        return client.post("/api/v1/auth/token/", body, content_type="application/json")
    path = "/accounts/login/" if door == "login" else "/admin/login/"
    return client.post(path, body)


def _refused(response: Answer) -> bool:
    return response.status_code == 429 and int(response["Retry-After"]) >= 1


@pytest.mark.parametrize("door", ["login", "admin", "token"])
def test_each_sign_in_door_answers_429_with_retry_after_past_the_limit(door: str) -> None:
    _account()
    client = Client()
    answers = [_sign_in(client, door, "wrong").status_code for _ in range(LIMIT)]
    assert 429 not in answers, answers
    refused = _sign_in(client, door, PASSWORD)  # even the right password, from this address
    assert _refused(refused), refused.status_code
    assert not refused.wsgi_request.user.is_authenticated


def test_one_count_is_shared_by_the_doors_and_a_right_password_does_not_use_it_up() -> None:
    _account()
    client = Client()
    for _ in range(LIMIT + 5):  # right passwords are taken back from the count
        assert _sign_in(Client(), "token", PASSWORD).status_code == 200
    for door in ("token", "admin") * (LIMIT // 2):
        assert _sign_in(client, door, "wrong").status_code in {200, 400}
    for door in ("login", "admin", "token"):
        assert _refused(_sign_in(client, door, PASSWORD)), door


def test_the_password_reset_pages_are_limited_too() -> None:
    client = Client()
    for _ in range(LIMIT):
        answer = client.post("/accounts/password_reset/", {"email": "a@example.org"})
        assert answer.status_code == 302
    assert _refused(client.post("/accounts/password_reset/", {"email": "a@example.org"}))
    assert _refused(client.get("/accounts/reset/MQ/set-password/"))


def test_a_join_answers_429_with_retry_after_past_the_limit() -> None:
    game_create(facilitator_client("control"))
    client = Client()
    body = {"code": "WRONG-CODE", "display_name": "guesser"}
    for _ in range(LIMIT):
        answer = client.post("/api/v1/join/", body, content_type="application/json")
        assert answer.status_code == 400
    assert _refused(client.post("/api/v1/join/", body, content_type="application/json"))


def _at_once(count: int, call: Any) -> list[int]:
    barrier = threading.Barrier(count)
    results: list[int] = [0] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.parametrize("door", ["token", "login"])
def test_concurrent_wrong_passwords_are_evaluated_at_most_up_to_the_limit(door: str) -> None:
    """30 guesses from one address at once: each is counted before its password is checked, in
    one transaction with the check, so no more than the limit are evaluated."""
    _account()
    statuses = Counter(_at_once(30, lambda: _sign_in(Client(), door, "wrong").status_code))
    assert statuses[429] == 30 - LIMIT, statuses
    assert sum(statuses.values()) == 30
