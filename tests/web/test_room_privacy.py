"""Fog of war in the team room: one team's private words and hidden variables stay its own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.cast import TEAMS
from tests.web.test_room_helpers import (
    attribute_values,
    channel_id,
    everything,
    html,
    post_message,
    put_draft,
    room_url,
    to_deliberation,
)
from wargame.exercises.models import Participant
from wargame.exercises.principals import principal_for
from wargame.exercises.selectors.reads import state_for

if TYPE_CHECKING:
    from tests.web.conftest import WebCast

pytestmark = pytest.mark.django_db

SECRETS = {
    "US": ("US-SECRET-RATIONALE-123", "US-TEAM-CHANNEL-456"),
    "DPRK": ("DPRK-SECRET-RATIONALE-789", "DPRK-TEAM-CHANNEL-012"),
}


def _seed_secrets(cast: WebCast) -> None:
    to_deliberation(cast)
    put_draft(cast.game, "US", 1, SECRETS["US"][0], [{"action": "d.consult", "target": "JPN"}])
    put_draft(
        cast.game, "DPRK", 1, SECRETS["DPRK"][0], [{"action": "d.talks_offer", "target": "US"}]
    )
    for team, (_, message) in SECRETS.items():
        post_message(cast.game, team, team, message)


def test_a_teams_rationale_and_team_channel_stay_in_its_own_room(web_cast: WebCast) -> None:
    _seed_secrets(web_cast)
    for owner, secrets in SECRETS.items():
        own_channel = channel_id(web_cast.game, owner, owner)
        mine = everything(web_cast.players[owner], web_cast.exercise_id, own_channel)
        assert all(secret in mine for secret in secrets), owner
        for other in TEAMS:
            if other == owner:
                continue
            theirs = everything(web_cast.players[other], web_cast.exercise_id)
            # Asking for the owner's channel by id must not open it either.
            theirs += html(
                web_cast.players[other],
                room_url(web_cast.exercise_id, "channel") + f"?channel={own_channel}",
            )
            for secret in secrets:
                assert secret not in theirs, (owner, other, secret)


def test_a_teams_draft_actions_do_not_reach_another_room(web_cast: WebCast) -> None:
    _seed_secrets(web_cast)
    us = html(web_cast.players["US"], room_url(web_cast.exercise_id, "decision"))
    rok = html(web_cast.players["ROK"], room_url(web_cast.exercise_id, "decision"))
    # Saved rows are numbered; the blank rows the script clones are templates (__ROW__).
    assert 'data-uid="0"' in us
    assert '<option value="d.consult" selected' in us
    assert 'data-uid="0"' not in rok
    assert " selected" not in rok.split("<template", 1)[0]


def _flat_keys(view: dict[str, Any]) -> set[str]:
    keys: set[str] = set()
    for name in ("rung", "threat", "trust"):
        keys |= {f"{name}/{a}/{b}" for a, row in view.get(name, {}).items() for b in row}
    keys |= {f"assurance/{code}" for code in view.get("assurance", {})}
    keys |= {f"hotline/{name}" for name in view.get("hotline", {})}
    keys |= {f"killchain/{code}" for code in view.get("killchain", {})}
    keys |= {f"dprk/{name}" for name in view.get("dprk", {})}
    if "sanctions" in view:
        keys.add("sanctions")
    return keys


@pytest.mark.parametrize("team", TEAMS)
def test_the_situation_shows_exactly_the_variables_the_team_may_see(
    web_cast: WebCast, team: str
) -> None:
    to_deliberation(web_cast)
    seat = Participant.objects.get(exercise_id=web_cast.exercise_id, display_name=f"{team} web")
    view = state_for(principal_for(exercise_id=web_cast.exercise_id, participant=seat))
    fragment = html(web_cast.players[team], room_url(web_cast.exercise_id, "situation"))
    shown = set(attribute_values(fragment, "data-var"))
    assert shown == _flat_keys(view)
    assert set(attribute_values(fragment, "data-belief")) == set(view["belief"])
    if team == "DPRK":
        assert "dprk/posture" in shown
    else:
        assert not {k for k in shown if k.startswith("dprk/")}
        assert "/dprk/posture" in view["belief"]
    if team == "JPN":
        assert not {k for k in shown if k.startswith("killchain/")}
