"""The review timeline: every participant and facilitator of the exercise may read it, each
through their own view; a team reads its own rationale and never another team's."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.cast import TEAMS
from tests.web.test_review_support import (
    deliberate_and_lock,
    html,
    ok,
    publish,
    secret,
    start,
    statement,
    team_message,
)

if TYPE_CHECKING:
    from tests.web.conftest import WebCast

pytestmark = pytest.mark.django_db


def url(cast: WebCast) -> str:
    return f"/exercises/{cast.exercise_id}/timeline/"


def _two_turns(cast: WebCast) -> None:
    game = cast.game
    start(game)
    for turn in (1, 2):
        if turn == 1:
            statement(game, "JPN", "PUBLIC-STATEMENT-JPN-1")
            for code in TEAMS:
                team_message(game, code, f"{code}-TEAM-CHANNEL-SECRET")
        deliberate_and_lock(game, turn)
        publish(game, turn)
        ok(game.command("advance", expected_turn=turn, expected_phase="outcome"))


def test_participants_and_control_may_read_it_and_outsiders_may_not(web_cast: WebCast) -> None:
    allowed = [web_cast.control, web_cast.observer, *web_cast.players.values()]
    assert [b.get(url(web_cast)).status_code for b in allowed] == [200] * len(allowed)
    assert web_cast.outsider.get(url(web_cast)).status_code == 404
    assert web_cast.anonymous.get(url(web_cast)).status_code == 404


def test_it_lists_the_exercise_turn_by_turn(web_cast: WebCast) -> None:
    _two_turns(web_cast)
    page = html(web_cast.observer, url(web_cast))
    assert 'data-testid="timeline"' in page
    turns = re.findall(r'data-testid="timeline-turn" data-turn="(\d+)"', page)
    numbers = [int(t) for t in turns]
    assert numbers == sorted(set(numbers))
    assert {1, 2, 3} <= set(numbers)  # turn 3 has begun: its briefing injects are out
    assert "PUBLIC-STATEMENT-JPN-1" in page
    assert 'data-testid="escalation-chart"' in page


def test_control_reads_every_decision_with_its_rationale(web_cast: WebCast) -> None:
    _two_turns(web_cast)
    page = html(web_cast.control, url(web_cast))
    for code in TEAMS:
        for turn in (1, 2):
            assert secret(code, turn) in page
    assert 'data-testid="report-link"' in page
    assert f"/api/v1/exercises/{web_cast.exercise_id}/report.html" in page
    assert f"/api/v1/exercises/{web_cast.exercise_id}/export.csv" in page


def test_control_may_fork_at_each_published_turn_and_no_one_else_is_offered_it(
    web_cast: WebCast,
) -> None:
    _two_turns(web_cast)
    page = html(web_cast.control, url(web_cast))
    forked = re.findall(r'data-turn="(\d+)">(?:(?!data-turn=).)*?timeline-fork-form', page, re.S)
    assert [int(t) for t in forked] == [1, 2]  # turn 3 is not published
    for browser in [web_cast.observer, *web_cast.players.values()]:
        assert "timeline-fork" not in html(browser, url(web_cast))


def test_a_team_reads_its_own_rationale_and_no_other_teams_private_data(
    web_cast: WebCast,
) -> None:
    _two_turns(web_cast)
    for code, browser in web_cast.players.items():
        page = html(browser, url(web_cast))
        assert secret(code, 1) in page
        assert secret(code, 2) in page
        for other in TEAMS:
            assert f"{other}-TEAM-CHANNEL-SECRET" not in page
            if other != code:
                assert secret(other, 1) not in page
                assert secret(other, 2) not in page
        assert "report.html" not in page


def test_observers_read_the_public_record_only(web_cast: WebCast) -> None:
    _two_turns(web_cast)
    page = html(web_cast.observer, url(web_cast))
    for code in TEAMS:
        assert secret(code, 1) not in page
        assert f"{code}-TEAM-CHANNEL-SECRET" not in page
    observed = next(
        e["payload"]["narrative"]["en"]
        for e in web_cast.game.events(web_cast.game.observer)
        if e["type"] == "outcome.published"
    )
    assert observed in page


def test_observers_in_the_teaching_view_read_decisions_made_after_it_opened(
    web_cast: WebCast,
) -> None:
    ok(web_cast.game.command("set_observer_view", args={"view": "teams"}))
    _two_turns(web_cast)
    page = html(web_cast.observer, url(web_cast))
    assert secret("DPRK", 1) in page
