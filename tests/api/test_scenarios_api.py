"""Scenarios over the API: the built-ins for anyone, validation with line and field, a
facilitator's private uploads, and hostile or oversized bodies (docs/interface.md#endpoints,
#shapes: scenario)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from rest_framework.test import APIClient

from tests.answers import error_of
from tests.cast import Game, facilitator_client, participant_client
from wargame.engine.scenario import builtin_slugs

if TYPE_CHECKING:
    from pytest_django.fixtures import Settings

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
MINIMAL = (SCENARIOS / "valid" / "minimal.yaml").read_text(encoding="utf-8")
# slug_mismatch breaks the file-name rule, which only files have: an upload has no file name.
BROKEN = sorted(p for p in (SCENARIOS / "broken").glob("*.yaml") if p.stem != "slug_mismatch")
SHAPE = {"slug", "title", "summary", "teams", "turns", "languages", "cuts"}
YAML = "application/yaml"


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _send(client: APIClient, path: str, text: str | bytes) -> Any:
    return client.post(path, data=text, content_type=YAML)


def _upload(client: APIClient, text: str = MINIMAL) -> Any:
    return _send(client, "/api/v1/scenarios/", text)


def _validate(client: APIClient, text: str | bytes) -> Any:
    return _send(client, "/api/v1/scenarios/validate/", text)


def _expectation(path: Path) -> tuple[int, str, str]:
    """The file's own header says what the error must name (tests/scenarios/broken)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = {
        key.strip(): value.strip()
        for key, _, value in (line.lstrip("# ").partition(":") for line in lines[:3])
    }
    (line,) = [n for n, text in enumerate(lines, start=1) if text.endswith("# <- mistake")]
    return line, header["expect-path"], header["expect-message"]


# --- listing -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anyone_lists_the_built_in_scenarios() -> None:
    response = APIClient().get("/api/v1/scenarios/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["next"] is None
    slugs = [s["slug"] for s in body["results"]]
    assert slugs == builtin_slugs()
    assert set(slugs) == {
        "after_first_use",
        "arms_control_opening",
        "border_clash",
        "exercise_season",
        "summits_2018",
    }
    for scenario in body["results"]:
        assert set(scenario) == SHAPE
        assert scenario["title"]
        assert scenario["summary"]
        assert isinstance(scenario["turns"], int)
        assert scenario["turns"] >= 1
        assert {"US", "ROK", "JPN", "DPRK"} <= {t["code"] for t in scenario["teams"]}
        assert all(set(t) == {"code", "name"} and t["name"] for t in scenario["teams"])
        assert "en" in scenario["languages"]


@pytest.mark.django_db
def test_anyone_reads_a_built_in_scenario_by_slug() -> None:
    response = APIClient().get("/api/v1/scenarios/exercise_season/")
    assert response.status_code == 200
    assert set(response.json()) == SHAPE
    assert response.json()["slug"] == "exercise_season"
    missing = APIClient().get("/api/v1/scenarios/no_such_scenario/")
    assert missing.status_code == 404
    assert error_of(missing)["code"] == "not_found"


# --- validating ----------------------------------------------------------------------------


def test_a_valid_scenario_validates_with_its_summary(control: APIClient) -> None:
    response = _validate(control, MINIMAL)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["valid"] is True
    summary = body["summary"]
    assert set(summary) == SHAPE
    assert (summary["slug"], summary["turns"], summary["title"]) == (
        "minimal",
        2,
        "Minimal test scenario",
    )
    assert summary["languages"] == ["en", "ja"]
    # validating stores nothing
    assert control.get("/api/v1/scenarios/minimal/").status_code == 404


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_a_broken_scenario_is_invalid_naming_line_column_path_and_reason(
    control: APIClient, path: Path
) -> None:
    line, field, message = _expectation(path)
    response = _validate(control, path.read_text(encoding="utf-8"))
    assert response.status_code == 400, response.content
    error = error_of(response)
    assert error["code"] == "invalid_scenario"
    details = error["details"]
    assert details
    for item in details:
        assert {"line", "column", "path", "message"} <= set(item), item
        assert isinstance(item["line"], int)
        assert isinstance(item["column"], int)
        assert "file" not in item
    matching = [d for d in details if d["line"] == line and d["path"] == field]
    assert matching, f"no detail at line {line} for {field!r}: {details}"
    assert any(message in d["message"] for d in matching), matching


def test_a_body_that_is_not_utf8_is_an_invalid_scenario(control: APIClient) -> None:
    response = _validate(control, MINIMAL.encode("utf-16"))
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_scenario"


def test_validating_needs_a_facilitator(game: Game) -> None:
    assert _validate(APIClient(), MINIMAL).status_code == 401
    assert _validate(game.players["US"], MINIMAL).status_code == 403


def test_an_alias_bomb_is_refused_quickly(control: APIClient) -> None:
    bomb = (SCENARIOS / "broken" / "alias_bomb.yaml").read_text(encoding="utf-8")
    started = time.monotonic()
    for response in (_validate(control, bomb), _upload(control, bomb)):
        assert response.status_code == 400
        assert error_of(response)["code"] == "invalid_scenario"
    assert time.monotonic() - started < 5


def test_a_python_tag_is_refused_without_running_anything(control: APIClient) -> None:
    hostile = MINIMAL.replace(
        "slug: minimal", 'slug: !!python/object/apply:os.system ["exit 3"]', 1
    )
    assert hostile != MINIMAL
    response = _validate(control, hostile)
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_scenario"


def test_a_body_over_256_kib_is_too_large(control: APIClient) -> None:
    padded = MINIMAL + "#" * (256 * 1024 - len(MINIMAL.encode()) + 1) + "\n"
    assert len(padded.encode()) > 256 * 1024
    for path in ("/api/v1/scenarios/", "/api/v1/scenarios/validate/"):
        response = _send(control, path, padded)
        assert response.status_code == 413, response.content
        assert error_of(response)["code"] == "payload_too_large"
    assert control.get("/api/v1/scenarios/minimal/").status_code == 404


def test_a_body_just_under_the_limit_is_read(control: APIClient) -> None:
    padded = MINIMAL + "#" * (256 * 1024 - len(MINIMAL.encode()) - 1)
    assert len(padded.encode()) <= 256 * 1024
    response = _validate(control, padded)
    assert response.status_code == 200, response.content


# --- uploads -------------------------------------------------------------------------------


def test_an_upload_is_created_and_visible_to_its_uploader(control: APIClient) -> None:
    response = _upload(control)
    assert response.status_code == 201, response.content
    assert set(response.json()) == SHAPE
    assert response.json()["slug"] == "minimal"
    detail = control.get("/api/v1/scenarios/minimal/")
    assert detail.status_code == 200
    assert detail.json() == response.json()
    listed = [s["slug"] for s in control.get("/api/v1/scenarios/").json()["results"]]
    assert listed == [*builtin_slugs(), "minimal"]
    created = control.post(
        "/api/v1/exercises/", {"scenario": "minimal", "title": "Uploaded"}, format="json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["scenario"] == "minimal"
    assert set(created.json()["join_codes"]) == {"US", "ROK", "JPN", "DPRK", "observers"}


def test_an_upload_is_hidden_from_everyone_else(control: APIClient) -> None:
    assert _upload(control).status_code == 201
    other = facilitator_client("another-facilitator")
    for client in (other, APIClient()):
        detail = client.get("/api/v1/scenarios/minimal/")
        assert detail.status_code == 404
        assert error_of(detail)["code"] == "not_found"
        listed = [s["slug"] for s in client.get("/api/v1/scenarios/").json()["results"]]
        assert listed == builtin_slugs()
    refused = other.post(
        "/api/v1/exercises/", {"scenario": "minimal", "title": "Borrowed"}, format="json"
    )
    assert refused.status_code == 400
    assert error_of(refused)["code"] == "invalid"
    assert "scenario" in error_of(refused)["fields"]


def test_a_participant_sees_only_the_built_ins(game: Game, control: APIClient) -> None:
    assert _upload(control).status_code == 201
    listed = game.players["US"].get("/api/v1/scenarios/").json()["results"]
    assert [s["slug"] for s in listed] == builtin_slugs()
    assert game.players["US"].get("/api/v1/scenarios/minimal/").status_code == 404


def test_two_facilitators_may_upload_the_same_slug_each_for_themselves(
    control: APIClient,
) -> None:
    other = facilitator_client("another-facilitator")
    assert _upload(control).status_code == 201
    renamed = MINIMAL.replace('"Minimal test scenario"', '"Somebody else\'s copy"', 1)
    assert _upload(other, renamed).status_code == 201
    assert control.get("/api/v1/scenarios/minimal/").json()["title"] == "Minimal test scenario"
    assert other.get("/api/v1/scenarios/minimal/").json()["title"] == "Somebody else's copy"


def test_uploading_again_replaces_the_uploaders_own_copy(control: APIClient) -> None:
    assert _upload(control).status_code == 201
    renamed = MINIMAL.replace('"Minimal test scenario"', '"Second draft"', 1)
    assert _upload(control, renamed).status_code == 201
    assert control.get("/api/v1/scenarios/minimal/").json()["title"] == "Second draft"
    listed = [s["slug"] for s in control.get("/api/v1/scenarios/").json()["results"]]
    assert listed.count("minimal") == 1


@pytest.mark.parametrize("slug", ["exercise_season", "border_clash", "arms_control_opening"])
def test_uploading_with_a_built_in_slug_is_an_invalid_scenario(
    control: APIClient, slug: str
) -> None:
    response = _upload(control, MINIMAL.replace("slug: minimal", f"slug: {slug}", 1))
    assert response.status_code == 400, response.content
    error = error_of(response)
    assert error["code"] == "invalid_scenario"
    assert any(d["path"] == "slug" and d["line"] == 2 for d in error["details"]), error
    summary = control.get(f"/api/v1/scenarios/{slug}/").json()
    assert summary["title"] != "Minimal test scenario"


def test_a_broken_upload_stores_nothing(control: APIClient) -> None:
    broken = (SCENARIOS / "broken" / "unknown_action.yaml").read_text(encoding="utf-8")
    response = _upload(control, broken)
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_scenario"
    listed = [s["slug"] for s in control.get("/api/v1/scenarios/").json()["results"]]
    assert listed == builtin_slugs()


def test_uploading_needs_a_facilitator(game: Game) -> None:
    assert _upload(game.players["US"]).status_code == 403
    assert game.control.get("/api/v1/scenarios/minimal/").status_code == 404


def test_uploading_anonymously_is_not_authenticated(db: None) -> None:
    response = _upload(APIClient())
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_an_upload_with_an_unknown_participant_token_is_not_authenticated(db: None) -> None:
    response = _upload(participant_client("not-a-real-token"))
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"
