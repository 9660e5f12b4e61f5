"""A whole 3-turn exercise played through the REST API alone (issue: running an exercise)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.utils import timezone

from tests.cast import TEAMS, Game, client_key
from tests.scenarios.helpers import shorten_scenario_text
from wargame.exercises.models import Event, Exercise
from wargame.tasks import exercise_timers

PLANS: dict[str, list[dict[str, Any]]] = {
    "US": [{"action": "d.consult", "target": "ROK"}, {"action": "d.talks_offer", "target": "DPRK"}],
    "ROK": [{"action": "d.consult", "target": "US"}],
    "JPN": [{"action": "d.trilateral"}],
    "DPRK": [{"action": "d.russia_deepen"}, {"action": "i.loudspeakers", "target": "ROK"}],
}
CANARY = "canary-dprk-private-7f3d"


def _play_turn(game: Game, turn: int) -> None:
    assert game.command("advance", expected_turn=turn, expected_phase="briefing").status_code == 200
    for code in TEAMS:
        rationale = CANARY if code == "DPRK" else f"{code} plan for turn {turn}"
        saved = game.players[code].put(
            game.url(f"turns/{turn}/decision/"),
            {"actions": PLANS[code], "rationale": rationale, "client_key": client_key()},
            format="json",
        )
        assert saved.status_code == 200, saved.content
        assert saved.json()["status"] == "draft"
    allied = next(
        c
        for c in game.players["US"].get(game.url("channels/")).json()["results"]
        if c["name"] == "US-ROK"
    )
    posted = game.players["US"].post(
        game.url(f"channels/{allied['id']}/messages/"),
        {"body": "Consult before we answer.", "client_key": client_key()},
        format="json",
    )
    assert posted.status_code == 201
    stated = game.players["JPN"].post(
        game.url("statements/"),
        {"body": "Japan calls for restraint.", "client_key": client_key()},
        format="json",
    )
    assert stated.status_code == 201
    for code in ("US", "ROK", "JPN"):
        submitted = game.players[code].post(
            game.url(f"turns/{turn}/decision/submit/"), {}, format="json"
        )
        assert submitted.status_code == 200
        assert submitted.json()["status"] == "submitted"

    # The DPRK does not submit: the deadline passes and the timer task locks the turn.
    Exercise.objects.filter(pk=game.exercise_id).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )
    late = game.players["DPRK"].post(game.url(f"turns/{turn}/decision/submit/"), {}, format="json")
    assert late.status_code == 423
    assert late.json()["error"]["code"] == "locked"
    assert exercise_timers(game.exercise_id) == ["deadline"]
    assert game.exercise()["phase"] == "adjudication"

    proposal = game.control.get(game.url(f"turns/{turn}/adjudication/"))
    assert proposal.status_code == 200
    old = proposal.json()["state"]["assurance"]["ROK"]
    overridden = game.control.patch(
        game.url(f"turns/{turn}/adjudication/"),
        {
            "overrides": [
                {
                    "path": "/state/assurance/ROK",
                    "value": 61,
                    "reason": "Seoul's briefing to the press was reassuring.",
                }
            ]
        },
        format="json",
    )
    assert overridden.status_code == 200, overridden.content
    assert overridden.json()["overrides"][-1]["old"] == old
    published = game.control.post(
        game.url(f"turns/{turn}/adjudication/publish/"), {}, format="json"
    )
    assert published.status_code == 200, published.content
    assert game.exercise()["phase"] == "outcome"
    state = game.control.get(game.url("state/")).json()
    assert state["assurance"]["ROK"] == 61


def test_a_three_turn_exercise_runs_end_to_end_through_the_api(game: Game) -> None:
    Exercise.objects.filter(pk=game.exercise_id).update(state=_three_turns(game))
    assert game.command("start").status_code == 200
    for turn in (1, 2, 3):
        _play_turn(game, turn)
        assert (
            game.command("advance", expected_turn=turn, expected_phase="outcome").status_code == 200
        )
    assert game.exercise()["status"] == "ended"

    control_events = game.events(game.control)
    seqs = [event["seq"] for event in control_events]
    assert seqs == list(range(1, len(seqs) + 1))
    assert (
        list(
            Event.objects.filter(exercise_id=game.exercise_id)
            .order_by("seq")
            .values_list("seq", flat=True)
        )
        == seqs
    )
    types = [event["type"] for event in control_events]
    for expected in (
        "exercise.changed",
        "participant.joined",
        "exercise.started",
        "phase.changed",
        "decision.saved",
        "message.posted",
        "statement.published",
        "decision.submitted",
        "adjudication.proposed",
        "adjudication.overridden",
        "outcome.published",
        "exercise.ended",
    ):
        assert expected in types, expected
    assert types.count("outcome.published") == 3
    assert types[-1] == "exercise.ended"
    # in order: each turn is locked before it is proposed, overridden, then published
    first = {
        t: types.index(t)
        for t in ("adjudication.proposed", "adjudication.overridden", "outcome.published")
    }
    assert (
        first["adjudication.proposed"]
        < first["adjudication.overridden"]
        < first["outcome.published"]
    )

    # Every other team's stream is gapless too, and never carries the DPRK's private text.
    for code in ("US", "ROK", "JPN"):
        events = game.events(game.players[code])
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
        assert CANARY not in json.dumps(events)
        assert all(
            e["type"] not in ("adjudication.proposed", "decision.saved")
            or e["payload"].get("team", code) == code
            for e in events
        )
    assert CANARY in json.dumps(game.events(game.players["DPRK"]))
    assert CANARY not in json.dumps(game.events(game.observer))


def _three_turns(game: Game) -> dict[str, Any]:
    """The built-in scenario has ten turns; this test plays three and ends by advancing past
    the last one, so it shortens the scenario text it stored."""
    exercise = Exercise.objects.get(pk=game.exercise_id)
    exercise.scenario_text = shorten_scenario_text(exercise.scenario_text, 3)
    exercise.save(update_fields=["scenario_text"])
    return dict(exercise.state)
