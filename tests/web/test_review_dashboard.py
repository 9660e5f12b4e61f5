"""The escalation dashboard of the console, and the history it draws: control only, one line per
dyad with a point per published turn, and alerts when a threshold is crossed."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth import get_user_model

from tests.web.test_review_support import (
    deliberate_and_lock,
    html,
    ok,
    play_turns,
    publish,
    start,
)
from wargame.engine.model import load_model
from wargame.exercises.models import Participant
from wargame.exercises.principals import principal_for
from wargame.exercises.selectors.history import escalation_history, public_escalation_history
from wargame.web.review_dashboard import escalation_alerts
from wargame.web.review_labels import ci_alert_level

if TYPE_CHECKING:
    from tests.web.conftest import WebCast
    from wargame.exercises.selectors.history import HistoryPoint, LadderScale

pytestmark = pytest.mark.django_db


def part(cast: WebCast) -> str:
    return f"/console/{cast.exercise_id}/dashboard/part/"


def _polylines(page: str) -> dict[str, int]:
    chart = re.search(r'<svg[^>]*data-testid="escalation-chart".*?</svg>', page, re.S)
    assert chart is not None
    return {
        key: len(points.split())
        for key, points in re.findall(
            r'<polyline class="series[^"]*" data-series="([^"]+)" points="([^"]*)"', chart.group(0)
        )
    }


def test_it_answers_control_and_hides_from_everyone_else(web_cast: WebCast) -> None:
    assert web_cast.control.get(part(web_cast)).status_code == 200
    others = [web_cast.outsider, web_cast.observer, web_cast.anonymous, *web_cast.players.values()]
    assert [browser.get(part(web_cast)).status_code for browser in others] == [404] * len(others)


def test_after_two_turns_each_dyad_has_three_points(web_cast: WebCast) -> None:
    play_turns(web_cast.game, 2)
    page = html(web_cast.control, part(web_cast))
    assert 'data-testid="dashboard"' in page
    assert 'data-testid="escalation-chart"' in page
    assert 'data-testid="alerts"' in page
    lines = _polylines(page)
    assert set(lines) == {"DPRK-US", "DPRK-ROK", "DPRK-JPN", "US-DPRK", "ROK-DPRK", "JPN-DPRK"}
    assert set(lines.values()) == {3}
    assert 'data-testid="ci-chart"' in page


def test_a_published_rung_at_the_threshold_raises_the_nuclear_alert(web_cast: WebCast) -> None:
    game = web_cast.game
    start(game)
    deliberate_and_lock(game, 1)
    assert 'data-alert="nuclear"' not in html(web_cast.control, part(web_cast))
    threshold = load_model().data["safety"]["approval_rung"]
    ok(
        game.control.patch(
            game.url("turns/1/adjudication/"),
            {"overrides": [{"path": "/state/rung/DPRK/ROK", "value": threshold, "reason": "x"}]},
            format="json",
        )
    )
    publish(game, 1, approve_nuclear=True)
    page = html(web_cast.control, part(web_cast))
    alert = re.search(r'<p class="alert" data-alert="nuclear" data-turn="1">.*?</p>', page, re.S)
    assert alert is not None
    assert "DPRK → ROK" in alert.group(0)


def test_control_history_has_the_crisis_index_and_the_public_one_does_not(
    web_cast: WebCast,
) -> None:
    play_turns(web_cast.game, 1)
    control = principal_for(exercise_id=web_cast.exercise_id, user=_control_user())
    truth = escalation_history(control)
    assert [p["turn"] for p in truth] == [0, 1]
    assert all(isinstance(p["ci"], float) for p in truth)
    public = public_escalation_history(control)
    assert [p["ci"] for p in public] == [None, None]
    assert all("dprk" not in p["state"] and "killchain" not in p["state"] for p in public)
    assert [p["rung"] for p in public] == [p["rung"] for p in truth]


def test_a_team_history_keeps_what_its_view_may_not_see_hidden(web_cast: WebCast) -> None:
    play_turns(web_cast.game, 1)
    seat = Participant.objects.get(
        exercise_id=web_cast.exercise_id, team__code="JPN", display_name="JPN web"
    )
    japan = principal_for(exercise_id=web_cast.exercise_id, participant=seat)
    history = escalation_history(japan)
    assert all(p["ci"] is None for p in history)
    assert all("dprk" not in p["state"] for p in history)
    assert all(p["state"]["view"] == "team:JPN" for p in history)


def test_the_ci_alert_level_comes_from_data() -> None:
    assert 0 < ci_alert_level() < 1


def _control_user() -> Any:
    return get_user_model().objects.get(username="control")


def _point(turn: int, rung: int, ci: float | None) -> HistoryPoint:
    return {"turn": turn, "rung": {"DPRK": {"ROK": rung}}, "ci": ci, "state": {}}


SCALE: LadderScale = {
    "bottom": 0,
    "top": 11,
    "approval_rung": 8,
    "hold_rung": 8,
    "victim_trigger": 5,
}


def test_an_alert_marks_each_upward_crossing_once_newest_first() -> None:
    level = ci_alert_level()
    history = [
        _point(0, 3, level - 0.1),
        _point(1, 5, level + 0.05),
        _point(2, 6, level + 0.1),
        _point(3, 4, level - 0.1),
        _point(4, 9, level + 0.1),
    ]
    alerts = escalation_alerts(history, SCALE)
    assert [(a["turn"], a["kind"]) for a in alerts] == [
        (4, "nuclear"),
        (4, "ci"),
        (1, "incident"),
        (1, "ci"),
    ]
    assert alerts[0]["dyad"] == "DPRK → ROK"


def test_a_start_already_past_a_threshold_alerts_at_turn_zero() -> None:
    alerts = escalation_alerts([_point(0, 8, None)], SCALE)
    assert [(a["turn"], a["kind"]) for a in alerts] == [(0, "nuclear")]
