"""A scenario's cut is chosen when the exercise is created ("cut"), and the server plays it: its
moves are the turns, its minutes the clock unless the facilitator set their own, and its injects
arrive with their branches and their effects on the game (docs/interface.md, scenario guide)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.cast import facilitator_client
from wargame.exercises.models import Exercise, InjectRelease
from wargame.exercises.services.timers import timers_run

if TYPE_CHECKING:
    from pytest_django.fixtures import Settings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _create(control: APIClient, **body: Any) -> Any:
    return control.post(
        "/api/v1/exercises/",
        {"scenario": "exercise_season", "title": "Seminar 3", "seed": 7, **body},
        format="json",
    )


def _command(control: APIClient, exercise_id: int, command: str, **args: Any) -> Any:
    response = control.post(
        f"/api/v1/exercises/{exercise_id}/commands/",
        {"command": command, "args": args},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def _running(control: APIClient, **body: Any) -> dict[str, Any]:
    created = _create(control, **body)
    assert created.status_code == 201, created.content
    exercise: dict[str, Any] = created.json()
    _command(control, exercise["id"], "open_lobby")
    _command(control, exercise["id"], "start")
    return exercise


def _released(exercise_id: int) -> list[str]:
    return list(
        InjectRelease.objects.filter(exercise_id=exercise_id)
        .order_by("id")
        .values_list("key", flat=True)
    )


def test_the_scenario_list_offers_each_scenario_s_cuts() -> None:
    body = APIClient().get("/api/v1/scenarios/").json()
    season = next(s for s in body["results"] if s["slug"] == "exercise_season")
    assert [(c["id"], c["turns"], c["session_minutes"], c["default"]) for c in season["cuts"]] == [
        ("short", 3, 90, False),
        ("half_day", 5, 180, False),
        ("full_day", 10, 420, True),
    ]
    assert season["cuts"][0]["deliberation_minutes"] == 15
    assert season["turns"] == 10


def test_a_cut_chosen_at_creation_sets_the_turns_and_is_kept() -> None:
    control = facilitator_client("ana")
    created = _create(control, cut="short")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["cut"], body["turns"]) == ("short", 3)
    assert body["deliberation_minutes"] == 15
    default = _create(control).json()
    assert (default["cut"], default["turns"]) == ("full_day", 10)


def test_a_cut_the_scenario_does_not_offer_is_refused_naming_the_field() -> None:
    control = facilitator_client("ana")
    refused = _create(control, cut="all_night")
    assert refused.status_code == 400, refused.content
    error = refused.json()["error"]
    assert "cut" in error["fields"]
    assert "short" in str(error["fields"]["cut"])
    assert not Exercise.objects.exists()


def test_the_facilitator_s_minutes_hold_for_every_turn_and_the_cut_s_otherwise() -> None:
    control = facilitator_client("ana")
    own = _running(control, deliberation_minutes=30)
    _command(control, own["id"], "advance")
    row = Exercise.objects.get(pk=own["id"])
    assert row.deadline is not None
    assert row.phase_started_at is not None
    assert row.deadline - row.phase_started_at == timedelta(minutes=30)
    # Left at the cut's usual 20, move 1 of the full day keeps its own 25.
    usual = _running(control, scenario="border_clash")
    _command(control, usual["id"], "advance")
    row = Exercise.objects.get(pk=usual["id"])
    assert row.deadline - row.phase_started_at == timedelta(minutes=25)  # type: ignore[operator]


def test_an_inject_s_effects_change_the_game_when_it_is_released() -> None:
    """Freedom Shield's announcement raises Pyongyang's fear of the allies at once; crab season,
    timed into the deliberation, makes an incident likelier for the weeks it lasts."""
    control = facilitator_client("ana")
    season = _running(control, cut="short")
    state = Exercise.objects.get(pk=season["id"]).state
    assert "fs_announced" in _released(season["id"])
    assert state["threat"]["DPRK"]["US"] == 64  # 60 in the scenario, +4 on the announcement
    clash = _running(control, scenario="border_clash", cut="short")
    _command(control, clash["id"], "advance")
    assert "effects" not in Exercise.objects.get(pk=clash["id"]).state
    timers_run(exercise_id=clash["id"], now=timezone.now() + timedelta(minutes=9))
    assert "crab_season_nll" in _released(clash["id"])
    (effect,) = Exercise.objects.get(pk=clash["id"]).state["effects"]
    assert (effect["kind"], effect["name"], effect["factor"]) == ("hazard", "incident", 2.0)


def test_an_inject_on_a_branch_the_game_did_not_take_is_never_released() -> None:
    """ "No answer on the military line" comes only while the line is not up."""
    control = facilitator_client("ana")
    quiet = _running(control, cut="short")
    restored = _running(control, cut="short")
    _command(control, restored["id"], "set_hotline", hotline="ik", state="up")
    later = timezone.now() + timedelta(minutes=6)
    for exercise in (quiet, restored):
        _command(control, exercise["id"], "advance")
        timers_run(exercise_id=exercise["id"], now=later)
    assert "hotline_silent" in _released(quiet["id"])
    assert "hotline_silent" not in _released(restored["id"])
