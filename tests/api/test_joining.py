"""Joining with a code, the join limiter, participant tokens, CSRF on join, facilitator tokens
(docs/interface.md#authentication, #join-limiter, #endpoints: POST /join/, POST /auth/token/)."""

from __future__ import annotations

import hashlib
import math
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest
from django.middleware.csrf import _get_new_csrf_string
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.answers import error_of
from tests.cast import PASSWORD, Game, client_key, game_create, participant_client
from wargame.exercises.models import Event, Participant
from wargame.exercises.services import joining
from wargame.exercises.services.exercises import CODE_ALPHABET, CODE_LENGTH, join_code_new

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_django.fixtures import Settings

JOIN = "/api/v1/join/"
WRONG = "ZZZZZ-ZZZZZ"


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings: Settings) -> None:
    """The cast's accounts and sign-ins hash with a fast hasher: this module signs in often."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _join(code: str, *, address: str = "198.51.100.7", name: str = "Player") -> Any:
    return APIClient().post(
        JOIN, {"code": code, "display_name": name}, format="json", REMOTE_ADDR=address
    )


def _wrong_code(game: Game) -> str:
    """A well-formed code that opens nothing (one in a billion: checked, not assumed)."""
    assert WRONG not in game.join_codes.values()
    return WRONG


# --- seats ---------------------------------------------------------------------------------


def test_a_team_code_seats_a_player_of_that_team(game: Game) -> None:
    response = _join(game.join_codes["ROK"], name="Seoul desk")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"participant_id", "token", "exercise", "team", "role"}
    assert body["exercise"] == game.exercise_id
    assert body["team"] == "ROK"
    assert body["role"] == "player"
    seat = Participant.objects.get(exercise_id=game.exercise_id, number=body["participant_id"])
    assert (seat.exercise_id, seat.team.code if seat.team else None, seat.display_name) == (
        game.exercise_id,
        "ROK",
        "Seoul desk",
    )
    # the token it answers works at once, as a player of that team
    own = participant_client(body["token"]).get(f"/api/v1/exercises/{body['exercise']}/")
    assert own.status_code == 200


def test_the_observer_code_seats_an_observer_without_a_team(game: Game) -> None:
    response = _join(game.join_codes["observers"], name="Auditor")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["team"] is None
    assert body["role"] == "observer"
    assert body["exercise"] == game.exercise_id


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param(str.lower, id="lower-case"),
        pytest.param(lambda c: " ".join(c.replace("-", "")), id="spaces-between"),
        pytest.param(lambda c: c.replace("-", "")[:2] + "-" + c.replace("-", "")[2:], id="dash"),
        pytest.param(lambda c: c.replace("-", ""), id="no-dash"),
        pytest.param(lambda c: f"  {c.lower()}  ", id="padded"),
        pytest.param(
            lambda c: c.replace("-", "")[:7] + " - " + c.replace("-", "")[7:],
            id="dash-late-with-spaces",
        ),
    ],
)
def test_a_code_is_accepted_however_a_person_types_it(
    game: Game, typed: Callable[[str], str]
) -> None:
    code = game.join_codes["JPN"]
    assert typed(code) != code
    response = _join(typed(code))
    assert response.status_code == 201, response.content
    assert response.json()["team"] == "JPN"


def test_a_wrong_code_is_invalid_on_the_field_code(game: Game) -> None:
    response = _join(_wrong_code(game))
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert "code" in error["fields"]


def test_joining_a_draft_exercise_is_locked(control: APIClient) -> None:
    created = control.post(
        "/api/v1/exercises/",
        {"scenario": "exercise_season", "title": "Not yet open"},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "draft"
    response = _join(created.json()["join_codes"]["US"])
    assert response.status_code == 423
    assert error_of(response)["code"] == "locked"
    assert not Participant.objects.filter(exercise_id=created.json()["id"]).exists()


def test_joining_an_ended_exercise_is_locked(game: Game) -> None:
    assert game.command("end").status_code == 200
    for code in (game.join_codes["DPRK"], game.join_codes["observers"]):
        response = _join(code)
        assert response.status_code == 423
        assert error_of(response)["code"] == "locked"


def test_late_joiners_are_welcome_while_running_and_paused(game: Game) -> None:
    assert game.command("start").status_code == 200
    assert _join(game.join_codes["US"]).status_code == 201
    assert game.command("pause").status_code == 200
    assert _join(game.join_codes["DPRK"]).status_code == 201


# --- codes and tokens ----------------------------------------------------------------------


def test_join_codes_carry_at_least_40_bits_from_the_code_alphabet(game: Game) -> None:
    alphabet = set(CODE_ALPHABET)
    assert len(alphabet) == len(CODE_ALPHABET), "no symbol twice"
    assert CODE_LENGTH * math.log2(len(alphabet)) >= 40
    codes = list(game.join_codes.values())
    assert len(set(codes)) == len(codes) == 5
    for code in codes:
        symbols = code.replace("-", "")
        assert len(symbols) == CODE_LENGTH, code
        assert set(symbols) <= alphabet, code


def test_join_codes_are_drawn_at_random() -> None:
    drawn = [join_code_new().replace("-", "") for _ in range(300)]
    assert len(set(drawn)) == len(drawn)
    # every symbol position varies and the draws cover most of the alphabet
    assert all(len({code[i] for code in drawn}) > 10 for i in range(CODE_LENGTH))
    assert len(set("".join(drawn))) >= len(CODE_ALPHABET) - 2


def test_a_token_is_stored_only_as_its_sha256(game: Game) -> None:
    response = _join(game.join_codes["DPRK"])
    token = response.json()["token"]
    assert len(token) >= 43  # token_urlsafe(32)
    number = response.json()["participant_id"]
    seat = Participant.objects.get(exercise_id=game.exercise_id, number=number)
    assert seat.token_hash == hashlib.sha256(token.encode()).hexdigest()
    for field in Participant._meta.concrete_fields:
        assert token not in str(getattr(seat, field.attname)), field.name
    logged = [e.payload for e in Event.objects.filter(exercise_id=game.exercise_id)]
    assert token not in repr(logged)


def test_a_token_for_one_exercise_is_not_found_in_another(game: Game, control: APIClient) -> None:
    other = game_create(control)
    us_of_first = game.players["US"]
    assert us_of_first.get(game.url()).status_code == 200
    for response in (
        us_of_first.get(other.url()),
        us_of_first.get(other.url("state/")),
        us_of_first.get(other.url("events/")),
        us_of_first.get(other.url("turns/1/decision/")),
        us_of_first.put(
            other.url("turns/1/decision/"),
            {"actions": [], "rationale": "", "client_key": client_key()},
            format="json",
        ),
    ):
        assert response.status_code == 404, response.content
        assert error_of(response)["code"] == "not_found"


# --- the join limiter ----------------------------------------------------------------------


def _fail_from(address: str, times: int, code: str = WRONG) -> None:
    for n in range(times):
        response = _join(code, address=address)
        assert response.status_code == 400, (n, response.content)
        assert "code" in error_of(response)["fields"]


def test_after_ten_wrong_codes_every_join_from_that_address_is_rate_limited(game: Game) -> None:
    _fail_from("203.0.113.5", 10, _wrong_code(game))
    for code in (WRONG, game.join_codes["US"], game.join_codes["observers"]):
        response = _join(code, address="203.0.113.5")
        assert response.status_code == 429, response.content
        assert error_of(response)["code"] == "rate_limited"
        assert 1 <= int(response["Retry-After"]) <= 60
    assert not Participant.objects.filter(display_name="Player").exists()


def test_a_limited_address_leaves_other_addresses_unaffected(game: Game) -> None:
    _fail_from("203.0.113.5", 10, _wrong_code(game))
    assert _join(WRONG, address="203.0.113.5").status_code == 429
    assert _join(WRONG, address="203.0.113.6").status_code == 400
    assert _join(game.join_codes["ROK"], address="203.0.113.6").status_code == 201


def test_malformed_codes_count_as_wrong_codes(game: Game) -> None:
    for junk in ("x", "!!!", "12345", "ab-cd", "ZZZZZZZZZZZZZZ", "-", "  z  ", "0O1IL", "é", "?"):
        response = _join(junk, address="203.0.113.9")
        assert response.status_code == 400, (junk, response.content)
    assert _join(game.join_codes["JPN"], address="203.0.113.9").status_code == 429


def test_a_blocked_address_gets_in_once_its_wrong_codes_leave_the_minute(
    game: Game, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1_000_000.0]
    monkeypatch.setattr(joining, "time", SimpleNamespace(time=lambda: clock[0]))
    _fail_from("203.0.113.5", 10, _wrong_code(game))
    clock[0] += 59
    early = _join(game.join_codes["US"], address="203.0.113.5")
    assert early.status_code == 429
    assert int(early["Retry-After"]) == 1
    clock[0] += 2
    assert _join(game.join_codes["US"], address="203.0.113.5").status_code == 201


def test_refused_joins_do_not_count_toward_the_limit(
    game: Game, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [2_000_000.0]
    monkeypatch.setattr(joining, "time", SimpleNamespace(time=lambda: clock[0]))
    _fail_from("203.0.113.5", 10, _wrong_code(game))
    clock[0] += 30
    for _attempt in range(15):
        refused = _join(WRONG, address="203.0.113.5")
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) == 30
    clock[0] += 31  # 61 s after the wrong codes, 31 s after the refusals
    assert _join(game.join_codes["DPRK"], address="203.0.113.5").status_code == 201


def test_the_server_wide_cap_limits_every_address(game: Game, settings: Settings) -> None:
    settings.JOIN_FAILURES_IN_TOTAL = 5
    for n in range(5):
        _fail_from(f"192.0.2.{n + 1}", 1, _wrong_code(game))
    for address in ("192.0.2.1", "192.0.2.99"):
        for code in (WRONG, game.join_codes["US"]):
            response = _join(code, address=address)
            assert response.status_code == 429, (address, response.content)
            assert error_of(response)["code"] == "rate_limited"
            assert int(response["Retry-After"]) >= 1


def test_refusals_under_the_cap_do_not_count_toward_it(
    game: Game, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [3_000_000.0]
    monkeypatch.setattr(joining, "time", SimpleNamespace(time=lambda: clock[0]))
    settings.JOIN_FAILURES_IN_TOTAL = 12
    _fail_from("192.0.2.1", 10, _wrong_code(game))
    for _attempt in range(20):  # refused by the address limit: not wrong codes
        assert _join(WRONG, address="192.0.2.1").status_code == 429
    _fail_from("192.0.2.2", 2)
    assert _join(WRONG, address="192.0.2.3").status_code == 429


# --- CSRF and facilitator tokens -----------------------------------------------------------


def _session_client() -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username="control", password=PASSWORD)
    return client


def test_a_join_carrying_a_session_cookie_needs_the_csrf_token(game: Game) -> None:
    client = _session_client()
    response = client.post(
        JOIN, {"code": game.join_codes["US"], "display_name": "Forged"}, format="json"
    )
    assert response.status_code == 403, response.content
    assert error_of(response)["code"] == "permission_denied"
    assert not Participant.objects.filter(display_name="Forged").exists()


def test_a_join_with_a_session_cookie_and_its_csrf_token_is_accepted(game: Game) -> None:
    client = _session_client()
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    response = client.post(
        JOIN,
        {"code": game.join_codes["US"], "display_name": "Browser"},
        format="json",
        HTTP_X_CSRFTOKEN=secret,
    )
    assert response.status_code == 201, response.content


def test_a_join_without_any_cookie_needs_no_csrf_token(game: Game) -> None:
    client = APIClient(enforce_csrf_checks=True)
    assert not client.cookies
    response = client.post(
        JOIN, {"code": game.join_codes["US"], "display_name": "Script"}, format="json"
    )
    assert response.status_code == 201, response.content


def _token(password: str, address: str = "198.51.100.20") -> Any:
    return APIClient().post(
        "/api/v1/auth/token/",
        {"username": "control", "password": password},
        format="json",
        REMOTE_ADDR=address,
    )


def test_right_credentials_get_the_facilitators_api_token(control: APIClient) -> None:
    response = _token(PASSWORD)
    assert response.status_code == 200, response.content
    key = response.json()["token"]
    assert key == Token.objects.get(user__username="control").key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/exercises/").status_code == 200


def test_wrong_credentials_are_invalid(control: APIClient) -> None:
    response = _token("not-the-password")
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid"
    assert "token" not in response.json()


def test_token_requests_are_rate_limited_after_ten_failures(control: APIClient) -> None:
    for _attempt in range(10):
        assert _token("guess", address="203.0.113.77").status_code == 400
    for password in ("guess", PASSWORD):
        response = _token(password, address="203.0.113.77")
        assert response.status_code == 429, response.content
        assert error_of(response)["code"] == "rate_limited"
        assert 1 <= int(response["Retry-After"]) <= 60
    assert _token(PASSWORD, address="203.0.113.78").status_code == 200
