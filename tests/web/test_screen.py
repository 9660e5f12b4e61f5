"""The observer screen: observers and control may open it, players may not, and it shows the
public record only, whoever opens it and whatever the observers' setting."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.cast import TEAMS
from tests.web.test_review_support import (
    deliberate_and_lock,
    html,
    ok,
    private_inject,
    publish,
    secret,
    start,
    statement,
    team_message,
)

if TYPE_CHECKING:
    from tests.web.conftest import WebCast

pytestmark = pytest.mark.django_db

PARTS = ("status", "feed", "chart")


def urls(cast: WebCast) -> list[str]:
    base = f"/screen/{cast.exercise_id}/"
    return [base, *(f"{base}part/{name}/" for name in PARTS)]


def test_observers_and_control_may_open_it_and_nobody_else(web_cast: WebCast) -> None:
    for url in urls(web_cast):
        assert web_cast.observer.get(url).status_code == 200, url
        assert web_cast.control.get(url).status_code == 200, url
        refused = [web_cast.outsider, web_cast.anonymous, *web_cast.players.values()]
        assert [b.get(url).status_code for b in refused] == [404] * len(refused), url


def test_an_unknown_part_is_not_found(web_cast: WebCast) -> None:
    assert web_cast.observer.get(f"/screen/{web_cast.exercise_id}/part/nope/").status_code == 404


def test_it_is_a_live_projector_page_with_the_clock(web_cast: WebCast) -> None:
    game = web_cast.game
    start(game)
    ok(game.command("advance", expected_turn=1, expected_phase="briefing"))
    page = html(web_cast.observer, f"/screen/{web_cast.exercise_id}/")
    assert 'data-testid="screen"' in page
    assert 'class="page wide"' in page
    assert 'class="screen-page"' in page
    assert f'data-live-ws="/ws/exercises/{web_cast.exercise_id}/"' in page
    assert 'data-testid="screen-clock"' in page
    deadline = game.exercise()["deadline"]
    assert f'data-deadline="{deadline}"' in page
    assert 'data-testid="escalation-chart"' in page
    assert 'data-testid="public-feed"' in page


def test_it_shows_the_public_record_and_never_a_teams_private_data(web_cast: WebCast) -> None:
    game = web_cast.game
    # The teaching view lets observers read team talk: the projector must still not show it.
    ok(game.command("set_observer_view", args={"view": "teams"}))
    start(game)
    private_inject(game, "DPRK", "DPRK-ONLY-INJECT-55")
    statement(game, "JPN", "Japan calls for restraint PUBLIC-STATEMENT-1")
    for code in TEAMS:
        team_message(game, code, f"{code}-TEAM-CHANNEL-SECRET")
    proposal = deliberate_and_lock(game, 1)
    publish(game, 1)
    observers_narrative = next(
        e["payload"]["narrative"]["en"]
        for e in game.events(game.observer)
        if e["type"] == "outcome.published"
    )
    for browser in (web_cast.observer, web_cast.control):
        pages = "".join(html(browser, url) for url in urls(web_cast))
        assert "PUBLIC-STATEMENT-1" in pages
        assert observers_narrative in pages
        assert "DPRK-ONLY-INJECT-55" not in pages
        for code in TEAMS:
            assert secret(code, 1) not in pages
            assert f"{code}-TEAM-CHANNEL-SECRET" not in pages
            team_story = proposal["view_narratives"].get(f"team:{code}", {}).get("en")
            if team_story and team_story != observers_narrative:
                assert team_story not in pages
        # Nothing of control's truth either: no crisis index, no hidden DPRK posture.
        assert 'data-testid="ci-chart"' not in pages
