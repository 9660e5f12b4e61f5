"""The console during a game: its buttons follow the phase, and its regions show who is here,
who has submitted, the injects, the channels and the log, to control and no one else."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from tests.cast import client_key
from tests.web.conftest import CONSOLE_PARTS
from wargame.exercises.models import Exercise, Participant
from wargame.exercises.services.presence import presence_open

if TYPE_CHECKING:
    from django.test import Client

    from tests.web.conftest import WebCast

pytestmark = pytest.mark.django_db

COMMANDS = ("open_lobby", "start", "advance", "pause", "resume", "end")


def _part(web_cast: WebCast, name: str, browser: Client | None = None, query: str = "") -> str:
    answer = (browser or web_cast.control).get(
        f"/console/{web_cast.exercise_id}/part/{name}/{query}"
    )
    assert answer.status_code == 200, answer.content[:500]
    return answer.content.decode()


def _enabled(html: str) -> set[str]:
    found = set()
    for command in COMMANDS:
        tag = re.search(rf'<button[^>]*data-testid="command-{command}"[^>]*>', html)
        assert tag is not None, command
        if " disabled" not in tag.group(0):
            found.add(command)
    return found


def _team_row(html: str, code: str) -> str:
    tag = re.search(rf'<tr data-testid="team-status" data-team="{code}"[^>]*>', html)
    assert tag is not None, code
    return tag.group(0)


def _us_team_channel(web_cast: WebCast) -> int:
    channels = web_cast.game.players["US"].get(web_cast.game.url("channels/")).json()["results"]
    return int(next(c["id"] for c in channels if c["name"] == "US"))


def test_the_command_buttons_follow_the_status_and_phase(web_cast: WebCast) -> None:
    game = web_cast.game
    assert _enabled(_part(web_cast, "controls")) == {"start", "end"}
    assert game.command("start").status_code == 200
    briefing = _part(web_cast, "controls")
    assert _enabled(briefing) == {"advance", "pause", "end"}
    assert "Open deliberation" in briefing
    assert game.command("advance").status_code == 200
    deliberation = _part(web_cast, "controls")
    assert "Lock submissions and adjudicate" in deliberation
    extend = re.search(r'data-testid="extend-form".*?</form>', deliberation, re.S)
    assert extend is not None
    assert "disabled" not in extend.group(0)
    assert game.command("pause").status_code == 200
    assert _enabled(_part(web_cast, "controls")) == {"resume", "end"}
    assert game.command("resume").status_code == 200
    assert game.command("end").status_code == 200
    assert _enabled(_part(web_cast, "controls")) == set()


def test_the_extend_form_is_disabled_outside_deliberation(web_cast: WebCast) -> None:
    web_cast.game.command("start")
    extend = re.search(r'data-testid="extend-form".*?</form>', _part(web_cast, "controls"), re.S)
    assert extend is not None
    assert "disabled" in extend.group(0)


def test_the_command_form_carries_the_turn_and_phase_it_was_drawn_for(web_cast: WebCast) -> None:
    before = _part(web_cast, "controls")
    assert 'name="expected_turn" data-type="json" value="null"' in before
    web_cast.game.command("start")
    after = _part(web_cast, "controls")
    assert 'name="expected_turn" data-type="json" value="1"' in after
    assert 'name="expected_phase" data-type="json" value="&quot;briefing&quot;"' in after


def test_a_stale_expected_phase_from_a_second_console_does_nothing(web_cast: WebCast) -> None:
    game = web_cast.game
    game.command("start")
    first = game.command("advance", expected_turn=1, expected_phase="briefing")
    second = game.command("advance", expected_turn=1, expected_phase="briefing")
    assert first.status_code == 200
    assert second.status_code == 409
    assert game.exercise()["phase"] == "deliberation"


def test_the_advance_hint_says_what_comes_next_after_the_outcome(web_cast: WebCast) -> None:
    game = web_cast.game
    game.command("start")
    game.command("advance")
    game.command("advance")
    assert game.exercise()["phase"] == "adjudication"
    assert "Publish the proposed outcome" in _part(web_cast, "controls")
    assert game.command("advance").status_code == 200
    assert "Begin turn 2" in _part(web_cast, "controls")


@pytest.mark.parametrize("name", CONSOLE_PARTS)
def test_every_fragment_renders_for_control_and_hides_from_players(
    web_cast: WebCast, name: str
) -> None:
    web_cast.game.command("start")
    assert _part(web_cast, name)
    url = f"/console/{web_cast.exercise_id}/part/{name}/"
    assert web_cast.players["US"].get(url).status_code == 404
    assert web_cast.observer.get(url).status_code == 404
    assert web_cast.outsider.get(url).status_code == 404


def test_the_event_log_fragment_lists_controls_latest_events(web_cast: WebCast) -> None:
    web_cast.game.command("start")
    html = _part(web_cast, "events")
    assert 'data-testid="event-log"' in html
    assert 'data-type="exercise.started"' in html
    assert "Exercise started" in html
    assert html.count("<li data-seq=") <= 30


def test_the_channel_reader_shows_a_team_channel_to_control(web_cast: WebCast) -> None:
    game = web_cast.game
    channel = _us_team_channel(web_cast)
    posted = game.players["US"].post(
        game.url(f"channels/{channel}/messages/"),
        {"body": "US-TEAM-ONLY-MESSAGE-42", "client_key": client_key()},
        format="json",
    )
    assert posted.status_code == 201
    html = _part(web_cast, "channels", query=f"?channel={channel}")
    assert 'data-testid="channel-reader"' in html
    assert "US-TEAM-ONLY-MESSAGE-42" in html
    assert 'data-testid="control-message-form"' not in html
    page = web_cast.control.get(f"/console/{web_cast.exercise_id}/?channel={channel}")
    assert "US-TEAM-ONLY-MESSAGE-42" in page.content.decode()


def test_control_may_write_only_in_a_control_channel(web_cast: WebCast) -> None:
    channels = web_cast.game.control.get(web_cast.game.url("channels/")).json()["results"]
    line = next(c for c in channels if c["kind"] == "control")
    html = _part(web_cast, "channels", query=f"?channel={line['id']}")
    form = re.search(r'<form[^>]*data-testid="control-message-form"[^>]*>', html)
    assert form is not None
    assert (
        f'data-api="/api/v1/exercises/{web_cast.exercise_id}/channels/{line["id"]}/messages/"'
        in (form.group(0))
    )
    assert "data-client-key" in form.group(0)


def test_submitting_a_decision_marks_the_team_submitted(web_cast: WebCast) -> None:
    game = web_cast.game
    game.command("start")
    before = _part(web_cast, "teams")
    assert 'data-submitted="false"' in _team_row(before, "US")
    saved = game.players["ROK"].put(
        game.url("turns/1/decision/"),
        {"actions": [], "rationale": "ROK-DRAFT", "client_key": client_key()},
        format="json",
    )
    assert saved.status_code == 200
    submitted = game.players["US"].post(game.url("turns/1/decision/submit/"), {}, format="json")
    assert submitted.status_code == 200
    after = _part(web_cast, "teams")
    assert 'data-submitted="true"' in _team_row(after, "US")
    assert 'data-decision="draft"' in _team_row(after, "ROK")
    assert 'data-decision="none"' in _team_row(after, "JPN")
    assert 'data-submitted="false"' in _team_row(after, "JPN")


def test_an_open_socket_counts_as_connected_for_its_team(web_cast: WebCast) -> None:
    html = _part(web_cast, "teams")
    assert 'data-connected="0"' in _team_row(html, "JPN")
    presence_open(
        exercise_id=web_cast.exercise_id,
        socket="sock-jpn-1",
        process="test",
        view="team:JPN",
        # The seat's row: clients know it by its number within the exercise.
        participant_id=Participant.objects.get(
            exercise_id=web_cast.exercise_id, number=web_cast.game.participant_ids["JPN"]
        ).pk,
        now=timezone.now(),
    )
    html = _part(web_cast, "teams")
    assert 'data-connected="1"' in _team_row(html, "JPN")
    assert 'data-connected="0"' in _team_row(html, "US")
    assert "JPN lead" in html
    assert "JPN web" in html


def test_an_ai_team_shows_its_bots_decision_to_control(web_cast: WebCast) -> None:
    game = web_cast.game
    assert game.command("set_ai", args={"team": "DPRK", "ai": True}).status_code == 200
    game.command("start")
    game.command("advance")
    html = _part(web_cast, "teams")
    assert "The AI's decision for DPRK" in html
    row = _team_row(html, "DPRK")
    assert 'data-team="DPRK"' in row


def test_the_injects_region_lists_the_scenarios_injects_and_releases_ad_hoc_ones(
    web_cast: WebCast,
) -> None:
    game = web_cast.game
    from wargame.exercises.services.game import exercise_scenario

    scenario = exercise_scenario(Exercise.objects.get(pk=web_cast.exercise_id))
    before = _part(web_cast, "injects")
    assert 'data-testid="inject-form"' in before
    for inject in scenario.injects:
        assert f'data-inject="{inject.id}"' in before
    game.command("start")
    released = game.command(
        "release_inject", args={"title": "ADHOC-TITLE-9", "body": "Body", "audience": ["US"]}
    )
    assert released.status_code == 200, released.content
    after = _part(web_cast, "injects")
    assert "ADHOC-TITLE-9" in after
    assert "Release inject" in after


def test_a_scheduled_inject_not_yet_released_can_be_released_now(web_cast: WebCast) -> None:
    from wargame.exercises.services.game import exercise_scenario

    game = web_cast.game
    game.command("start")
    scenario = exercise_scenario(Exercise.objects.get(pk=web_cast.exercise_id))
    html = _part(web_cast, "injects")
    waiting = [i for i in scenario.injects if f'data-inject="{i.id}" data-released="false"' in html]
    if not waiting:
        pytest.skip("every inject of this scenario is out at the start")
    inject = waiting[-1]
    assert f'"inject_id": "{inject.id}"' in html
    answer = game.command("release_inject", args={"inject_id": inject.id})
    assert answer.status_code == 200, answer.content
    assert f'data-inject="{inject.id}" data-released="true"' in _part(web_cast, "injects")


def test_the_hotline_buttons_follow_the_hotlines_state(web_cast: WebCast) -> None:
    game = web_cast.game
    game.command("start")
    html = _part(web_cast, "hotlines")
    if 'data-testid="hotline-ik"' not in html:
        pytest.skip("this scenario has no inter-Korean hotline")
    assert game.command("set_hotline", args={"hotline": "ik", "state": "up"}).status_code == 200
    html = _part(web_cast, "hotlines")
    assert 'data-testid="hotline-ik" data-state="up"' in html


def test_the_settings_region_shows_the_current_settings(web_cast: WebCast) -> None:
    game = web_cast.game
    assert 'value="teams" checked' not in _part(web_cast, "settings")
    game.command("set_observer_view", args={"view": "teams"})
    game.command("set_auto_advance", args={"enabled": True})
    html = _part(web_cast, "settings")
    assert 'value="teams" checked' in html
    assert 'name="args.enabled" checked' in html


def test_rotating_codes_shows_the_new_codes(web_cast: WebCast) -> None:
    old = web_cast.game.join_codes["US"]
    assert web_cast.game.command("rotate_codes").status_code == 200
    html = _part(web_cast, "codes")
    assert f">{old}</code>" not in html
    assert 'data-testid="join-code" data-team="US"' in html


def test_after_the_end_the_header_links_the_exports(web_cast: WebCast) -> None:
    assert "export.jsonl" not in _part(web_cast, "header")
    web_cast.game.command("end")
    html = _part(web_cast, "header")
    for tail in ("export.jsonl", "export.csv", "export.research.jsonl"):
        assert f"/api/v1/exercises/{web_cast.exercise_id}/{tail}" in html


def test_the_console_never_leaks_into_a_players_or_observers_page(web_cast: WebCast) -> None:
    code = web_cast.game.join_codes["DPRK"]
    for browser in (*web_cast.players.values(), web_cast.observer):
        answer = browser.get(f"/console/{web_cast.exercise_id}/")
        assert answer.status_code == 404
        assert code not in answer.content.decode()
