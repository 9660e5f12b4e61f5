"""The lifecycle state machine's ground (tests/api/test_lifecycle_machine.py): the lobby exercise
every example starts from, the tally of what a run did, and the machine's model of the exercise
with the helpers its rules share (tests/api/lifecycle_players.py, lifecycle_control.py and
lifecycle_checks.py hold the rules and the invariants)."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from hypothesis.stateful import RuleBasedStateMachine

from tests.api.lifecycle_model import (
    CONTROL,
    DECISIONS_OPEN,
    NOTHING,
    OBSERVERS,
    PHASES,
    Growth,
    LogWatch,
    Seat,
    all_views,
    contract_audience,
    gapless,
    read_since,
    team_view,
)
from tests.cast import TEAMS, game_create
from tests.scenarios.helpers import shorten_scenario_text
from wargame.exercises.models import Event, Exercise

if TYPE_CHECKING:
    from rest_framework.test import APIClient

    from tests.cast import Game

# Short enough that advancing past the last outcome (which ends the exercise) happens in a run.
LAST_TURN = 2
# numbers that keep the names of joiners, messages and injects unique across a run
name_numbers = itertools.count(1)


@dataclass
class Tally:
    """What the run did, printed at the end: a run that never reaches a phase proves little."""

    examples: int = 0
    steps: int = 0
    seen: Counter[str] = field(default_factory=Counter)


def _shorten(exercise_id: int, turns: int) -> None:
    """The built-in scenario has ten turns; keep the stored copy's first few."""
    exercise = Exercise.objects.get(pk=exercise_id)
    exercise.scenario_text = shorten_scenario_text(exercise.scenario_text, turns)
    exercise.save(update_fields=["scenario_text"])


@dataclass(frozen=True)
class Lobby:
    """The exercise every example starts from: created once, in the lobby with a seat per team
    and an observer. Each example runs inside a savepoint rolled back at its end, so it finds
    this exercise exactly as it was, and creating it costs nothing per example."""

    game: Game
    channels: list[dict[str, Any]]
    streams: dict[str, list[dict[str, Any]]]


def lobby_create(control: APIClient) -> Lobby:
    game = game_create(control)
    _shorten(game.exercise_id, LAST_TURN)
    readers = {CONTROL: control, OBSERVERS: game.observer}
    readers.update({team_view(code): game.players[code] for code in TEAMS})
    streams: dict[str, list[dict[str, Any]]] = {}
    for view, client in readers.items():
        events = read_since(client, game.url("events/"), 0)
        assert isinstance(events, list), events.content
        assert gapless(events), view
        streams[view] = events
    # creation and the cast's seats: two settings changes, then one join per seat
    assert [e["type"] for e in streams[CONTROL]] == [
        "exercise.changed",
        "exercise.changed",
        *["participant.joined"] * 5,
    ]
    channels = control.get(game.url("channels/")).json()["results"]
    return Lobby(game=game, channels=channels, streams=streams)


class MachineBase(RuleBasedStateMachine):
    """The model of one example's exercise and the helpers every rule uses; the rules and the
    invariants are mixins over it, joined in ``LifecycleMachine``."""

    def __init__(self, lobby: Lobby, tally: Tally) -> None:
        super().__init__()
        self.tally = tally
        tally.examples += 1
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.game = lobby.game
        self.events_url = self.game.url("events/")
        self.status = "lobby"
        self.turn: int | None = None
        self.phase: str | None = None
        self.needs_approval = False
        self.submitted: set[tuple[str, int]] = set()
        self.growth = NOTHING
        self.inject_audience: frozenset[str] | None = None
        self.seats = [Seat("control", CONTROL, self.game.control, anchor=True)]
        for code in TEAMS:
            self.seats.append(
                Seat(
                    f"{code} lead",
                    team_view(code),
                    self.game.players[code],
                    team=code,
                    participant_id=self.game.participant_ids[code],
                    anchor=True,
                )
            )
        self.seats.append(Seat("observer", OBSERVERS, self.game.observer, anchor=True))
        self.channel_members: dict[int, list[str]] = {c["id"]: c["members"] for c in lobby.channels}
        self.channel_open: dict[int, bool] = {c["id"]: c["open"] for c in lobby.channels}
        self.views = all_views(TEAMS)
        self.streams = {view: list(events) for view, events in lobby.streams.items()}
        self.watch = LogWatch()
        self.checks = 0
        self._check_audiences(
            list(
                Event.objects.filter(exercise_id=self.game.exercise_id)
                .order_by("seq")
                .values_list("seq", "type", "audience", "payload", "view_payloads")
            )
        )

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    # --- helpers ---------------------------------------------------------------------------

    def _step(self, growth: Growth) -> None:
        self.tally.steps += 1
        self.growth = growth

    def _active(self, *, players: bool = False) -> list[Seat]:
        return [
            s
            for s in self.seats
            if not s.revoked and s.view != CONTROL and (s.is_player or not players)
        ]

    def _command(self, command: str, args: dict[str, Any] | None, stale: str) -> Any:
        extra: dict[str, Any] = {}
        if args is not None:
            extra["args"] = args
        if stale != "omitted":
            extra["expected_turn"] = self.turn
            extra["expected_phase"] = self.phase
        if stale == "stale_turn":
            extra["expected_turn"] = (self.turn or 0) + 1
        elif stale == "stale_phase":
            extra["expected_phase"] = next(p for p in PHASES if p != self.phase)
        return self.game.command(command, **extra)

    def _refused(self, response: Any, status: int, code: str) -> None:
        assert response.status_code == status, response.content
        assert response.json()["error"]["code"] == code, response.content
        self.tally.seen[f"refused {status} {code}"] += 1
        self._step(NOTHING)

    def _views_named(self, audience: str | list[str]) -> frozenset[str]:
        """The views an ad hoc inject's audience names; control sees every inject."""
        entries = [audience] if isinstance(audience, str) else audience
        if "all" in entries:
            return self.views
        return frozenset(
            {CONTROL, *(e if ":" in e or e in self.views else team_view(e) for e in entries)}
        )

    def _decisions_open(self) -> bool:
        return self.status == "running" and self.phase in DECISIONS_OPEN

    def _check_audiences(self, rows: list[tuple[int, str, list[str], Any, Any]]) -> None:
        """Each new event reaches exactly the views docs/interface.md names for it; the other teams
        learn only that a decision was submitted."""
        for seq, kind, audience, payload, view_payloads in rows:
            expected = contract_audience(
                kind, payload, teams=TEAMS, channel_members=self.channel_members
            )
            assert expected.admits(frozenset(audience)), (seq, kind, audience, expected)
            if kind == "decision.submitted":
                sealed = {"team": payload["team"], "submitted": True}
                for view in set(audience) - {CONTROL, team_view(payload["team"])}:
                    assert view_payloads.get(view) == sealed, (seq, view, view_payloads)
