"""A team's decision: the shared draft, its checks, versions and keys, the submit, and who hears
of it (docs/interface.md#shapes, #idempotency, #what-each-write-logs)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.answers import error_of
from tests.cast import TEAMS, Game, client_key, game_create
from wargame.exercises.models import Adjudication

if TYPE_CHECKING:
    from pytest_django.fixtures import Settings
    from rest_framework.test import APIClient

CONSULT = [{"action": "d.consult", "target": "ROK"}]
TALKS = [{"action": "d.talks_offer", "target": "DPRK"}]
SECRET = "rationale-canary-us-3b1f"


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def briefing(game: Game) -> Game:
    """Turn 1 has started: drafts are open."""
    assert game.command("start").status_code == 200
    return game


def _decision(game: Game, turn: int = 1) -> str:
    return game.url(f"turns/{turn}/decision/")


def _put(
    game: Game,
    actions: list[dict[str, Any]],
    *,
    code: str = "US",
    rationale: str = "",
    key: str | None = None,
    turn: int = 1,
    **extra: Any,
) -> Any:
    body = {"actions": actions, "rationale": rationale, "client_key": key or client_key(), **extra}
    return game.players[code].put(_decision(game, turn=turn), body, format="json")


def _submit(game: Game, code: str = "US", turn: int = 1) -> Any:
    return game.players[code].post(game.url(f"turns/{turn}/decision/submit/"), {}, format="json")


def _events(client: APIClient, game: Game, kind: str) -> list[dict[str, Any]]:
    page = client.get(game.url("events/?limit=500"))
    assert page.status_code == 200, page.content
    assert page.json()["next"] is None
    return [e for e in page.json()["results"] if e["type"] == kind]


# --- reading and saving --------------------------------------------------------------------


def test_a_decision_reads_as_none_before_anything_is_saved(briefing: Game) -> None:
    response = briefing.players["ROK"].get(_decision(briefing))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "none"
    assert (body["team"], body["turn"], body["actions"]) == ("ROK", 1, [])
    assert body["updated_by"] is None


def test_a_saved_draft_is_shared_by_the_team_and_names_who_saved_it(briefing: Game) -> None:
    saved = _put(briefing, CONSULT, rationale="Reassure Seoul.")
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert (body["status"], body["version"], body["team"]) == ("draft", 1, "US")
    assert body["actions"][0]["action"] == "d.consult"
    assert body["updated_by"]["participant_id"] == briefing.participant_ids["US"]
    read = briefing.players["US"].get(_decision(briefing)).json()
    assert (read["version"], read["rationale"]) == (1, "Reassure Seoul.")


@pytest.mark.parametrize(
    ("code", "actions", "field"),
    [
        pytest.param("US", [{"action": "x.unknown"}], "actions.0.action", id="unknown-action"),
        pytest.param("ROK", [{"action": "m.posture"}], "actions.0.action", id="not-this-team"),
        pytest.param(
            "US",
            [*TALKS, {"action": "d.consult", "target": "DPRK"}],
            "actions.1.target",
            id="wrong-target",
        ),
        pytest.param(
            "DPRK",
            [{"action": "s.missile_test", "target": "DPRK", "params": {"class": "SRBM"}}],
            "actions.0.target",
            id="self-target",
        ),
        pytest.param(
            "US",
            [{"action": "d.trilateral", "target": "ROK"}],
            "actions.0.target",
            id="target-on-untargeted",
        ),
        pytest.param(
            "US",
            [*CONSULT, *TALKS, {"action": "d.trilateral"}, {"action": "e.sanctions_up"}],
            "actions.3",
            id="over-budget",
        ),
        pytest.param(
            "DPRK",
            [{"action": "s.missile_test", "target": "ROK", "params": {"class": "XRBM"}}],
            "actions.0.params.class",
            id="bad-param-value",
        ),
        pytest.param(
            "US",
            [{"action": "c.propose", "params": {"measure": "c.hotline", "parties": ["US"]}}],
            "actions.0.params.parties",
            id="too-few-parties",
        ),
    ],
)
def test_a_draft_the_engine_refuses_is_invalid_naming_the_field(
    briefing: Game, code: str, actions: list[dict[str, Any]], field: str
) -> None:
    response = _put(briefing, actions, code=code)
    assert response.status_code == 400, response.content
    error = error_of(response)
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert all(isinstance(reason, str) and reason for reason in error["fields"][field])
    assert briefing.players[code].get(_decision(briefing)).json()["status"] == "none"


def test_an_incomplete_draft_saves_and_only_its_submit_is_refused(briefing: Game) -> None:
    """A team fills in its rows one field at a time: the draft saves with a target or a required
    parameter still missing, and what is missing is named when the team submits."""
    halfway: list[dict[str, Any]] = [
        *CONSULT,
        {"action": "d.talks_offer"},
        {"action": "m.killchain", "params": {}},
    ]
    saved = _put(briefing, halfway)
    assert saved.status_code == 200, saved.content
    assert saved.json()["actions"] == [
        *CONSULT,
        {"action": "d.talks_offer"},
        {"action": "m.killchain"},
    ]
    refused = _submit(briefing)
    assert refused.status_code == 400, refused.content
    assert list(error_of(refused)["fields"]) == ["actions.1.target"]
    assert briefing.players["US"].get(_decision(briefing)).json()["status"] == "draft"
    assert (
        _put(
            briefing, [*CONSULT, *TALKS, {"action": "m.killchain", "params": {"level": 1}}]
        ).status_code
        == 200
    )
    assert _submit(briefing).status_code == 200


def test_the_lock_takes_a_draft_less_its_incomplete_actions(briefing: Game) -> None:
    assert _put(briefing, [{"action": "d.talks_offer"}, *CONSULT]).status_code == 200
    assert (
        briefing.command("advance", expected_turn=1, expected_phase="briefing").status_code == 200
    )
    lock = briefing.command("advance", expected_turn=1, expected_phase="deliberation")
    assert lock.status_code == 200, lock.content
    taken = Adjudication.objects.get(exercise_id=briefing.exercise_id, turn=1).decisions
    assert taken["US"]["actions"] == CONSULT


def test_a_self_targeted_action_says_so(briefing: Game) -> None:
    response = _put(
        briefing,
        [{"action": "s.missile_test", "target": "DPRK", "params": {"class": "SRBM"}}],
        code="DPRK",
    )
    reasons = response.json()["error"]["fields"]["actions.0.target"]
    assert reasons == ["A team cannot aim an action at itself."]


ENGINE_WORDS = re.compile(r"\b[a-z]\.[a-z_]+\b|required property|/state/|\b(?:US|ROK|JPN|DPRK)\b")


@pytest.mark.parametrize(
    ("lang", "target", "level", "budget"),
    [
        (
            "en",
            "Choose a target for “Extended-deterrence consultation”.",
            "Choose “Level” for “Set Kill Chain readiness”.",
            "At most 3 actions a turn",
        ),
        (
            "ja",
            "「拡大抑止協議」の対象を選んでください。",
            "「キルチェーン態勢の変更」の「レベル」を選んでください。",
            "1ターンの行動は3つまでです",
        ),
        (
            "ko",
            "“확장억제 협의”의 대상을 선택하세요.",
            "“킬체인 대비태세 설정”의 “단계” 항목을 선택하세요.",
            "한 턴에 행동은 3개까지입니다",
        ),
    ],
)
def test_a_refusal_is_told_in_the_players_language_naming_the_field_in_words(
    briefing: Game, lang: str, target: str, level: str, budget: str
) -> None:
    """No engine id or schema message reaches a player: the action by its title, the parameter
    by its label, in the language the player reads."""
    us = briefing.players["US"]
    reasons: list[str] = []
    for actions, field, expected in (
        ([{"action": "d.consult"}], "actions.0.target", target),
        ([{"action": "m.killchain", "params": {}}], "actions.0.params", level),
    ):
        saved = _put(briefing, actions)
        assert saved.status_code == 200, saved.content
        refused = us.post(
            briefing.url("turns/1/decision/submit/"), {}, format="json", HTTP_ACCEPT_LANGUAGE=lang
        )
        assert refused.status_code == 400, refused.content
        assert error_of(refused)["fields"] == {field: [expected]}
        assert error_of(refused)["message"] == expected
        reasons.append(expected)
    over = [*CONSULT, *TALKS, {"action": "d.trilateral"}, {"action": "e.sanctions_up"}]
    body = {"actions": over, "rationale": "", "client_key": client_key()}
    refused = us.put(_decision(briefing), body, format="json", HTTP_ACCEPT_LANGUAGE=lang)
    (reason,) = error_of(refused)["fields"]["actions.3"]
    assert reason.startswith(budget)
    for text in (*reasons, reason):
        assert not ENGINE_WORDS.search(text), text


def test_three_budgeted_actions_and_free_ones_fit_the_budget(briefing: Game) -> None:
    response = _put(briefing, [*CONSULT, *TALKS, {"action": "d.trilateral"}])
    assert response.status_code == 200, response.content
    assert len(response.json()["actions"]) == 3


def test_a_rationale_over_4000_characters_is_invalid(briefing: Game) -> None:
    assert _put(briefing, CONSULT, rationale="r" * 4000).status_code == 200
    response = _put(briefing, CONSULT, rationale="r" * 4001)
    assert response.status_code == 400
    assert "rationale" in error_of(response)["fields"]


def test_a_client_key_is_required_and_at_most_64_characters(briefing: Game) -> None:
    url = _decision(briefing)
    missing = briefing.players["US"].put(url, {"actions": CONSULT}, format="json")
    assert missing.status_code == 400
    assert "client_key" in error_of(missing)["fields"]
    assert _put(briefing, CONSULT, key="k" * 64).status_code == 200
    too_long = _put(briefing, CONSULT, key="k" * 65)
    assert too_long.status_code == 400
    assert "client_key" in error_of(too_long)["fields"]


# --- versions and keys ---------------------------------------------------------------------


def test_a_stale_expected_version_is_a_conflict(briefing: Game) -> None:
    first = _put(briefing, CONSULT, expected_version=0)
    assert first.status_code == 200
    assert _put(briefing, TALKS, code="US", expected_version=1).status_code == 200
    stale = _put(briefing, CONSULT, expected_version=1)
    assert stale.status_code == 409
    assert error_of(stale)["code"] == "conflict"
    assert briefing.players["US"].get(_decision(briefing)).json()["actions"][0]["action"] == (
        "d.talks_offer"
    )


def test_without_expected_version_the_last_write_wins(briefing: Game) -> None:
    assert _put(briefing, CONSULT).status_code == 200
    assert _put(briefing, TALKS).status_code == 200
    body = briefing.players["US"].get(_decision(briefing)).json()
    assert (body["version"], body["actions"][0]["action"]) == (2, "d.talks_offer")


def test_a_retry_with_the_same_key_and_body_changes_nothing(briefing: Game) -> None:
    key = client_key()
    first = _put(briefing, CONSULT, rationale="once", key=key)
    before = len(_events(briefing.control, briefing, "decision.saved"))
    again = _put(briefing, CONSULT, rationale="once", key=key)
    assert again.status_code == 200
    assert again.json()["version"] == first.json()["version"] == 1
    assert len(_events(briefing.control, briefing, "decision.saved")) == before == 1


def test_the_client_key_is_checked_before_the_expected_version(briefing: Game) -> None:
    key = client_key()
    assert _put(briefing, CONSULT, key=key, expected_version=0).status_code == 200
    assert _put(briefing, TALKS, expected_version=1).status_code == 200  # version 2 now
    retried = _put(briefing, CONSULT, key=key, expected_version=0)
    assert retried.status_code == 200, retried.content
    assert retried.json()["version"] == 2
    reused = _put(briefing, [{"action": "d.trilateral"}], key=key, expected_version=0)
    assert reused.status_code == 409
    assert error_of(reused)["code"] == "idempotency_conflict"


# --- whose decision ------------------------------------------------------------------------


def test_a_player_never_gets_another_teams_decision(briefing: Game) -> None:
    assert _put(briefing, TALKS, code="US", rationale=SECRET).status_code == 200
    for code in ("ROK", "JPN", "DPRK"):
        response = briefing.players[code].get(_decision(briefing) + "?team=US")
        assert SECRET not in response.content.decode()
    observer = briefing.observer.get(_decision(briefing) + "?team=US")
    assert observer.status_code == 404
    assert SECRET not in observer.content.decode()


def test_a_player_asking_for_another_teams_decision_is_not_found(briefing: Game) -> None:
    assert _put(briefing, CONSULT, code="US").status_code == 200
    url = _decision(briefing) + "?team=DPRK"
    read = briefing.players["US"].get(url)
    written = briefing.players["US"].put(
        url, {"actions": [], "rationale": "", "client_key": client_key()}, format="json"
    )
    assert (read.status_code, written.status_code) == (404, 404)
    assert briefing.players["US"].get(_decision(briefing)).json()["actions"] == [
        {"action": "d.consult", "target": "ROK"}
    ]


def test_control_reads_any_teams_decision_by_team(briefing: Game) -> None:
    assert _put(briefing, TALKS, code="US", rationale=SECRET).status_code == 200
    us = briefing.control.get(_decision(briefing) + "?team=US")
    assert us.status_code == 200
    assert (us.json()["team"], us.json()["rationale"]) == ("US", SECRET)
    rok = briefing.control.get(_decision(briefing) + "?team=ROK")
    assert (rok.status_code, rok.json()["team"], rok.json()["status"]) == (200, "ROK", "none")
    assert briefing.control.get(_decision(briefing)).status_code == 404
    assert briefing.control.get(_decision(briefing) + "?team=PRC").status_code == 404


def test_control_cannot_write_a_human_teams_decision(briefing: Game) -> None:
    response = briefing.control.put(
        _decision(briefing) + "?team=US",
        {"actions": CONSULT, "rationale": "", "client_key": client_key()},
        format="json",
    )
    # the team is no secret to control: a refusal, not a hidden thing
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"
    submitted = briefing.control.post(
        briefing.url("turns/1/decision/submit/?team=US"), {}, format="json"
    )
    assert submitted.status_code == 403
    unknown = briefing.control.put(
        _decision(briefing) + "?team=PRC",
        {"actions": [], "rationale": "", "client_key": client_key()},
        format="json",
    )
    assert unknown.status_code == 404
    assert briefing.players["US"].get(_decision(briefing)).json()["status"] == "none"


# --- submitting ----------------------------------------------------------------------------


def test_submitting_with_nothing_saved_submits_no_action(briefing: Game) -> None:
    response = _submit(briefing, "JPN")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["team"], body["actions"]) == ("submitted", "JPN", [])
    teams = {t["code"]: t["submitted"] for t in briefing.exercise()["teams"]}
    assert teams == {code: code == "JPN" for code in TEAMS}


def test_submitting_locks_in_the_saved_draft(briefing: Game) -> None:
    assert _put(briefing, CONSULT, rationale="why").status_code == 200
    body = _submit(briefing).json()
    assert (body["status"], body["actions"][0]["action"], body["rationale"]) == (
        "submitted",
        "d.consult",
        "why",
    )


def test_submitting_again_answers_the_same_decision_and_logs_nothing_new(briefing: Game) -> None:
    first = _submit(briefing)
    again = _submit(briefing)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert len(_events(briefing.control, briefing, "decision.submitted")) == 1


def test_a_draft_after_the_submit_is_locked(briefing: Game) -> None:
    assert _put(briefing, CONSULT).status_code == 200
    assert _submit(briefing).status_code == 200
    response = _put(briefing, TALKS)
    assert response.status_code == 423
    assert error_of(response)["code"] == "locked"
    assert briefing.players["US"].get(_decision(briefing)).json()["actions"][0]["action"] == (
        "d.consult"
    )


# --- when drafts are open ------------------------------------------------------------------


def test_drafts_are_open_in_briefing_and_deliberation(briefing: Game) -> None:
    assert _put(briefing, CONSULT).status_code == 200
    assert briefing.command("advance").status_code == 200
    assert briefing.exercise()["phase"] == "deliberation"
    assert _put(briefing, TALKS).status_code == 200


def test_drafts_are_locked_in_adjudication_and_outcome(briefing: Game) -> None:
    assert briefing.command("advance").status_code == 200
    assert briefing.command("advance").status_code == 200
    assert briefing.exercise()["phase"] == "adjudication"
    for response in (_put(briefing, CONSULT), _submit(briefing, "ROK")):
        assert response.status_code == 423
        assert error_of(response)["code"] == "locked"
    assert briefing.command("advance").status_code == 200
    assert briefing.exercise()["phase"] == "outcome"
    for response in (_put(briefing, CONSULT), _submit(briefing, "ROK")):
        assert response.status_code == 423
        assert error_of(response)["code"] == "locked"


def test_a_draft_for_a_turn_that_has_not_started_is_a_conflict(briefing: Game) -> None:
    response = _put(briefing, CONSULT, turn=2)
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"


def test_a_draft_for_a_past_turn_is_locked(briefing: Game) -> None:
    for _phase in ("deliberation", "adjudication", "outcome", "briefing"):
        assert briefing.command("advance").status_code == 200
    assert briefing.exercise()["turn"] == 2
    response = _put(briefing, CONSULT, turn=1)
    assert response.status_code == 423
    assert _put(briefing, CONSULT, turn=2).status_code == 200


def test_drafts_and_submits_are_locked_while_paused(briefing: Game) -> None:
    assert briefing.command("advance").status_code == 200
    assert briefing.command("pause").status_code == 200
    for response in (_put(briefing, CONSULT), _submit(briefing)):
        assert response.status_code == 423
        assert error_of(response)["code"] == "locked"
    assert briefing.command("resume").status_code == 200
    assert _put(briefing, CONSULT).status_code == 200


def test_drafts_are_locked_before_the_start(game: Game) -> None:
    response = _put(game, CONSULT)
    assert response.status_code == 423
    assert error_of(response)["code"] == "locked"


# --- who hears of it -----------------------------------------------------------------------


def test_a_saved_draft_is_announced_to_its_team_and_control_only(briefing: Game) -> None:
    assert _put(briefing, TALKS, rationale=SECRET).status_code == 200
    for client in (briefing.control, briefing.players["US"]):
        saved = _events(client, briefing, "decision.saved")
        assert [e["payload"]["rationale"] for e in saved] == [SECRET]
    for client in (*(briefing.players[c] for c in ("ROK", "JPN", "DPRK")), briefing.observer):
        assert _events(client, briefing, "decision.saved") == []
        assert SECRET not in client.get(briefing.url("events/?limit=500")).content.decode()


def test_a_submit_shows_the_decision_to_its_team_and_control_and_only_the_fact_to_others(
    briefing: Game,
) -> None:
    assert _put(briefing, TALKS, rationale=SECRET).status_code == 200
    assert _submit(briefing).status_code == 200
    for client in (briefing.control, briefing.players["US"]):
        (event,) = _events(client, briefing, "decision.submitted")
        assert event["payload"]["team"] == "US"
        assert event["payload"]["status"] == "submitted"
        assert event["payload"]["rationale"] == SECRET
        assert event["payload"]["actions"][0]["action"] == "d.talks_offer"
    for client in (*(briefing.players[c] for c in ("ROK", "JPN", "DPRK")), briefing.observer):
        (event,) = _events(client, briefing, "decision.submitted")
        assert event["payload"] == {"team": "US", "submitted": True}


# --- the scenario's own model --------------------------------------------------------------

MINIMAL = Path(__file__).resolve().parent.parent / "scenarios" / "valid" / "minimal.yaml"


def _tight_budget_game(control: APIClient) -> Game:
    """The minimal scenario with the model's budget cut to two budgeted actions a turn."""
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "initial_state:",
        'model:\n  budget:\n    actions_per_turn: 2\n    source: "ext: a tighter budget"\n'
        "initial_state:",
        1,
    )
    assert "actions_per_turn: 2" in text
    uploaded = control.post("/api/v1/scenarios/", data=text, content_type="application/yaml")
    assert uploaded.status_code == 201, uploaded.content
    game = game_create(control, scenario="minimal")
    assert game.command("start").status_code == 200
    return game


def test_a_scenario_budget_still_allows_what_fits_it(control: APIClient) -> None:
    game = _tight_budget_game(control)
    assert _put(game, [*CONSULT, *TALKS]).status_code == 200


def test_a_scenario_that_tightens_the_budget_refuses_a_draft_over_it(
    control: APIClient,
) -> None:
    game = _tight_budget_game(control)
    response = _put(game, [*CONSULT, *TALKS, {"action": "d.trilateral"}])
    assert response.status_code == 400, response.content
    assert "actions.2" in error_of(response)["fields"]


def test_control_writes_the_decision_of_a_bot_played_team(control: APIClient) -> None:
    created = control.post(
        "/api/v1/exercises/",
        {"scenario": "exercise_season", "title": "With a bot", "ai_teams": ["DPRK"]},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert {t["code"]: t["ai"] for t in created.json()["teams"]}["DPRK"] is True
    exercise = f"/api/v1/exercises/{created.json()['id']}/"
    for command in ("open_lobby", "start"):
        started = control.post(exercise + "commands/", {"command": command}, format="json")
        assert started.status_code == 200
    written = control.put(
        exercise + "turns/1/decision/?team=DPRK",
        {"actions": [{"action": "d.russia_deepen"}], "rationale": "", "client_key": client_key()},
        format="json",
    )
    assert written.status_code == 200, written.content
    assert written.json()["team"] == "DPRK"
