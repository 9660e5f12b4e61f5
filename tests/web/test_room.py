"""The team room: who may open it, what each region shows, and how it follows the game."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.cast import TEAMS, facilitator_client, game_create
from tests.web.conftest import WebCast, browser_with_seat
from tests.web.test_room_helpers import (
    PARTS,
    attribute_values,
    html,
    publish_turn,
    put_draft,
    room_url,
    to_deliberation,
)
from wargame.exercises.models import Exercise

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("team", TEAMS)
def test_it_renders_each_teams_own_room(web_cast: WebCast, team: str) -> None:
    page = html(web_cast.players[team], room_url(web_cast.exercise_id))
    assert f'data-testid="room" data-team="{team}"' in page
    assert f'<span class="badge team-{team}">{team}</span>' in page
    assert 'data-testid="room-team"' in page
    assert f'data-live-ws="/ws/exercises/{web_cast.exercise_id}/"' in page


@pytest.mark.parametrize("part", PARTS)
def test_each_fragment_renders_for_a_player(web_cast: WebCast, part: str) -> None:
    to_deliberation(web_cast)
    fragment = web_cast.players["ROK"].get(room_url(web_cast.exercise_id, part))
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()


def test_the_page_embeds_the_same_html_its_fragments_serve(web_cast: WebCast) -> None:
    to_deliberation(web_cast)
    browser = web_cast.players["JPN"]
    page = html(browser, room_url(web_cast.exercise_id))
    for part in ("injects", "situation", "agreements", "outcome"):
        assert html(browser, room_url(web_cast.exercise_id, part)).strip() in page, part


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_strangers_get_a_404_for_the_page_and_its_fragments(web_cast: WebCast, who: str) -> None:
    browser = getattr(web_cast, who)
    assert browser.get(room_url(web_cast.exercise_id)).status_code == 404
    assert browser.get(room_url(web_cast.exercise_id, "decision")).status_code == 404


def test_a_player_of_another_exercise_gets_a_404(web_cast: WebCast) -> None:
    other = game_create(facilitator_client("elsewhere"))
    stranger = browser_with_seat(other.join_codes["US"], "Elsewhere")
    assert stranger.get(room_url(web_cast.exercise_id)).status_code == 404
    assert stranger.get(room_url(web_cast.exercise_id, "channels")).status_code == 404
    assert stranger.get(room_url(other.exercise_id)).status_code == 200


def test_observers_are_sent_to_the_screen_and_facilitators_to_the_console(
    web_cast: WebCast,
) -> None:
    eid = web_cast.exercise_id
    watched = web_cast.observer.get(room_url(eid))
    assert watched.status_code == 302
    assert watched["Location"] == f"/screen/{eid}/"
    run = web_cast.control.get(room_url(eid))
    assert run.status_code == 302
    assert run["Location"] == f"/console/{eid}/"
    assert web_cast.observer.get(room_url(eid, "decision")).status_code == 404
    assert web_cast.control.get(room_url(eid, "decision")).status_code == 404


def test_an_unknown_fragment_or_the_practice_bar_of_a_class_game_is_a_404(
    web_cast: WebCast,
) -> None:
    browser = web_cast.players["US"]
    assert browser.get(room_url(web_cast.exercise_id, "nothing")).status_code == 404
    assert browser.get(room_url(web_cast.exercise_id, "practice")).status_code == 404
    assert 'data-testid="practice-bar"' not in html(browser, room_url(web_cast.exercise_id))


def test_the_phase_and_clock_follow_start_and_advance(web_cast: WebCast) -> None:
    browser, eid = web_cast.players["DPRK"], web_cast.exercise_id
    header = html(browser, room_url(eid, "header"))
    assert attribute_values(header, "data-phase") == [""]
    web_cast.game.command("start")
    header = html(browser, room_url(eid, "header"))
    assert 'data-phase="briefing" data-turn="1"' in header
    assert "data-deadline=" not in header
    web_cast.game.command("advance")
    header = html(browser, room_url(eid, "header"))
    assert 'data-phase="deliberation" data-turn="1"' in header
    assert attribute_values(header, "data-deadline") == [web_cast.game.exercise()["deadline"]]
    web_cast.game.command("pause")
    header = html(browser, room_url(eid, "header"))
    remaining = Exercise.objects.get(pk=eid).paused_remaining_seconds
    assert 'data-paused="true"' in header
    assert f'data-remaining="{remaining}"' in header


def test_the_scenario_time_of_turns_one_and_two_in_exercise_season(web_cast: WebCast) -> None:
    # exercise_season starts on 2027-03-01 and a turn is 96 hours (about four days).
    browser, eid = web_cast.players["US"], web_cast.exercise_id
    to_deliberation(web_cast)
    first = html(browser, room_url(eid, "header"))
    assert "2027-02-28 19:00" in first  # Washington, the evening before
    assert 'datetime="2027-03-01T09:00:00+09:00"' in first  # Seoul and Tokyo
    publish_turn(web_cast.game, 1)
    web_cast.game.command("advance")
    second = html(browser, room_url(eid, "header"))
    assert 'data-phase="briefing" data-turn="2"' in second
    assert "2027-03-04 19:00" in second
    assert 'datetime="2027-03-05T09:00:00+09:00"' in second


def test_the_injects_a_team_sees_are_exactly_those_of_its_stream(web_cast: WebCast) -> None:
    game, eid = web_cast.game, web_cast.exercise_id
    to_deliberation(web_cast)
    released = game.command(
        "release_inject",
        args={"title": "ROK-ONLY-INJECT-77", "body": "Only Seoul hears this.", "audience": ["ROK"]},
    )
    assert released.status_code == 200, released.content
    for team in TEAMS:
        stream = [
            str(e["seq"]) for e in game.events(game.players[team]) if e["type"] == "inject.released"
        ]
        feed = html(web_cast.players[team], room_url(eid, "injects"))
        assert sorted(attribute_values(feed, "data-inject-seq")) == sorted(stream), team
        assert ("ROK-ONLY-INJECT-77" in feed) == (team == "ROK")


def test_injects_are_listed_newest_first(web_cast: WebCast) -> None:
    to_deliberation(web_cast)
    feed = html(web_cast.players["US"], room_url(web_cast.exercise_id, "injects"))
    seqs = [int(s) for s in attribute_values(feed, "data-inject-seq")]
    assert len(seqs) >= 2
    assert seqs == sorted(seqs, reverse=True)


def _decision_status(browser: Client, eid: int) -> str:
    fragment = html(browser, room_url(eid, "decision"))
    return fragment.split('data-testid="decision-status" data-status="', 1)[1].split('"')[0]


def test_the_decision_moves_from_none_to_draft_to_submitted_and_others_lock(
    web_cast: WebCast,
) -> None:
    game, eid = web_cast.game, web_cast.exercise_id
    to_deliberation(web_cast)
    assert _decision_status(web_cast.players["US"], eid) == "none"
    put_draft(game, "US", 1, "Talk first.", [{"action": "d.consult", "target": "ROK"}])
    assert _decision_status(web_cast.players["US"], eid) == "draft"
    fragment = html(web_cast.players["US"], room_url(eid, "decision"))
    assert 'data-testid="action-row"' in fragment
    assert '<option value="d.consult" selected' in fragment
    assert '<option value="ROK" selected' in fragment
    assert ">Talk first.</textarea>" in fragment
    assert (
        game.players["US"].post(game.url("turns/1/decision/submit/"), {}, format="json").status_code
        == 200
    )
    assert _decision_status(web_cast.players["US"], eid) == "submitted"
    game.command("advance")
    assert _decision_status(web_cast.players["ROK"], eid) == "locked"
    assert _decision_status(web_cast.players["US"], eid) == "submitted"


def test_the_action_picker_offers_the_teams_actions_with_their_inputs(web_cast: WebCast) -> None:
    game, eid = web_cast.game, web_cast.exercise_id
    to_deliberation(web_cast)
    fragment = html(web_cast.players["DPRK"], room_url(eid, "decision"))
    offered = set(attribute_values(fragment, "data-row-template"))
    available = {a["id"] for a in game.players["DPRK"].get(game.url("actions/")).json()["results"]}
    assert offered == available
    assert 'data-testid="action-add"' in fragment
    for label in ("Add action", "Submit decision", "Rationale"):
        assert label in fragment
    assert f'data-save-url="/api/v1/exercises/{eid}/turns/1/decision/"' in fragment


def test_the_published_outcome_is_the_one_the_team_perceived(web_cast: WebCast) -> None:
    game, eid = web_cast.game, web_cast.exercise_id
    to_deliberation(web_cast)
    assert "No outcome has been published yet." in html(
        web_cast.players["JPN"], room_url(eid, "outcome")
    )
    publish_turn(game, 1)
    for team in ("JPN", "DPRK"):
        published = [e for e in game.events(game.players[team]) if e["type"] == "outcome.published"]
        assert len(published) == 1
        narrative = published[0]["payload"]["narrative"]["en"]
        fragment = html(web_cast.players[team], room_url(eid, "outcome"))
        assert 'data-outcome-turn="1"' in fragment
        assert narrative.replace("'", "&#x27;") in fragment


def test_a_practice_game_opens_in_its_room_with_a_pacing_bar() -> None:
    browser = Client()
    created = browser.post("/practice/", {"seat": "exercise_season:ROK"})
    assert created.status_code == 302
    assert created["Location"].startswith("/play/")
    page = html(browser, created["Location"])
    assert 'data-testid="practice-bar"' in page
    assert 'value="advance"' in page
    eid = int(created["Location"].strip("/").split("/")[1])
    bar = html(browser, room_url(eid, "practice"))
    assert f'data-api="/api/v1/exercises/{eid}/commands/"' in bar


def test_after_the_lock_a_team_that_did_not_submit_is_not_deciding(web_cast: WebCast) -> None:
    header = room_url(web_cast.exercise_id, "header")
    to_deliberation(web_cast)
    assert ">deciding<" in html(web_cast.players["ROK"], header)
    assert web_cast.game.command("advance").status_code == 200
    locked = html(web_cast.players["ROK"], header)
    assert ">deciding<" not in locked
    assert 'data-testid="not-submitted"' in locked
