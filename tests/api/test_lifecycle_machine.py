"""The exercise lifecycle as a stateful property (docs/reliability.md#r9).

A hypothesis state machine plays one exercise through the REST API: people join, teams draft and
submit, members chat, control advances, locks, pauses, resumes, extends, publishes and removes
people (sometimes with a stale `expected_turn`/`expected_phase`), and clients reconnect with
`events/?since=<last seq>`. A reference model predicts every answer and the events each write
appends; after every step the invariants compare the model, the API and the event log:
one phase at a time, gapless view streams equal to a fresh read, no decision after its turn
locked, and every view holding exactly the events whose audience includes it.

`make test` runs 50 examples of 20 steps; `FULL=1` runs 2000 of 50.
"""

from __future__ import annotations

import itertools
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from django.db import transaction
from django.db.models import Count, Max
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from rest_framework.test import APIClient

from tests.api.lifecycle_model import (
    CONTROL,
    DECISIONS_OPEN,
    INJECTS,
    JOINABLE,
    NOTHING,
    OBSERVERS,
    OUTCOME_EFFECTS,
    PHASES,
    TALK_OPEN,
    Growth,
    LogWatch,
    Seat,
    all_views,
    contract_audience,
    gapless,
    publish_growth,
    read_since,
    team_view,
)
from tests.cast import TEAMS, client_key, facilitator_client, game_create, participant_client
from tests.scenarios.helpers import shorten_scenario_text
from wargame.exercises.models import Event, EventView, Exercise

if TYPE_CHECKING:
    from tests.cast import Game


FULL = os.environ.get("FULL") == "1"
EXAMPLES, STEPS = (2000, 50) if FULL else (50, 20)
# Short enough that advancing past the last outcome (which ends the exercise) happens in a run.
LAST_TURN = 2
_names = itertools.count(1)
# what every run must have done at least once, or it proves little (R9's rules; see Tally)
EXERCISED = (
    "participant.joined",
    "participant.left",
    "decision.saved",
    "decision.submitted",
    "message.posted",
    "adjudication.proposed",
    "outcome.published",
    "refused 409 conflict",
    "refused 423 locked",
    "submit after lock",
)


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


class LifecycleMachine(RuleBasedStateMachine):
    """One example: the shared lobby exercise, played inside a savepoint (see ``Lobby``)."""

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

    # --- setup -----------------------------------------------------------------------------

    # most examples begin where teams can still decide; shrinking leads to the briefing
    @initialize(
        begin=st.sampled_from(
            ["briefing", "deliberation", "lobby", "deliberation", "adjudication", "outcome"]
        )
    )
    def begin(self, begin: str) -> None:
        """Examples start in the lobby or already in any phase of turn 1, so that every phase
        is reached in a short run whichever rules the run happens to favour."""
        if begin == "lobby":
            return
        assert self._command("start", None, "fresh").status_code == 200
        self.status, self.turn, self.phase = "running", 1, "briefing"
        while self.phase != begin:
            if self.phase == "adjudication":
                # the nuclear gate, if this proposal has one, is approved: this is only setup
                url = self.game.url("turns/1/adjudication/publish/")
                published = self.game.control.post(url, {"approve_nuclear": True}, format="json")
                assert published.status_code == 200, published.content
            else:
                assert self._command("advance", None, "fresh").status_code == 200
            self.phase = PHASES[PHASES.index(self.phase) + 1]
        # checked as one growth: the start, then whatever the advances append
        self.growth = Growth(
            ("exercise.started", "phase.changed"),
            then=OUTCOME_EFFECTS
            | {"phase.changed", "adjudication.proposed", "adjudication.decision_point"}
            | {"outcome.published"},
        )

    # --- participants ----------------------------------------------------------------------

    @rule(where=st.sampled_from([*TEAMS, "observers"]))
    def join(self, where: str) -> None:
        if self._join(where) is None:
            self._step(NOTHING)
        else:
            self._step(Growth(("participant.joined",)))

    def _join(self, where: str) -> Seat | None:
        """A late joiner takes a seat with the team's (or the observers') code, or is refused
        while the exercise is not open for joining."""
        name = f"late {where} {next(_names)}"
        response = APIClient().post(
            "/api/v1/join/",
            {"code": self.game.join_codes[where], "display_name": name},
            format="json",
        )
        if self.status not in JOINABLE:
            assert response.status_code == 423, response.content
            assert response.json()["error"]["code"] == "locked"
            self.tally.seen["refused 423 locked"] += 1
            return None
        assert response.status_code == 201, response.content
        body = response.json()
        team = None if where == "observers" else where
        assert (body["team"], body["role"]) == (team, "observer" if team is None else "player")
        seat = Seat(
            name,
            OBSERVERS if team is None else team_view(team),
            participant_client(body["token"]),
            team=team,
            participant_id=body["participant_id"],
        )
        self.seats.append(seat)
        return seat

    @rule(data=st.data(), where=st.sampled_from([*TEAMS, "observers"]))
    def revoke(self, data: st.DataObject, where: str) -> None:
        """Control removes a participant: a late joiner, seated first if there is none. With
        nobody to remove, naming a seat already removed is refused and changes nothing."""
        joined: tuple[str, ...] = ()
        candidates = [s for s in self.seats if not s.anchor and not s.revoked]
        if not candidates and self.status in JOINABLE:
            candidates = [seat for seat in [self._join(where)] if seat is not None]
            joined = ("participant.joined",)
        if not candidates:
            gone = next((s.participant_id for s in self.seats if s.revoked), 0)
            response = self._command("remove_participant", {"participant_id": gone}, "omitted")
            self._refused(response, 400, "invalid")
            return
        seat = data.draw(st.sampled_from(candidates))
        response = self._command(
            "remove_participant", {"participant_id": seat.participant_id}, "omitted"
        )
        assert response.status_code == 200, response.content
        seat.revoked = True
        # the token stops working at once (docs/interface.md#commands, remove_participant)
        assert seat.client.get(f"{self.events_url}?since={seat.last_seq}").status_code == 401
        self._step(Growth((*joined, "participant.left")))

    # --- decisions -------------------------------------------------------------------------

    @rule(data=st.data(), what=st.sampled_from(["save", "submit", "save", "submit_locked"]))
    def decide(self, data: st.DataObject, what: str) -> None:
        """A team member saves a draft, submits, or submits for a turn that has locked (one
        rule, so that deciding is as likely as anything else whichever rules a run favours)."""
        if what == "save":
            self._save_draft(data)
        elif what == "submit" or not self._lock_passed():
            self._submit(data)
        else:
            self._submit_after_lock(data)

    def _lock_passed(self) -> bool:
        return self.phase in ("adjudication", "outcome") or (self.turn or 0) > 1

    def _save_draft(self, data: st.DataObject) -> None:
        seat = data.draw(st.sampled_from(self._active(players=True)))
        assert seat.team is not None
        turn = self.turn or 1
        actions: list[dict[str, Any]] = []
        if self._decisions_open():
            offered = seat.client.get(self.game.url("actions/"))
            assert offered.status_code == 200, offered.content
            simple = [a for a in offered.json()["results"] if not a["params"].get("required")]
            chosen = data.draw(
                st.lists(st.sampled_from(simple), max_size=3, unique_by=lambda a: a["id"])
                if simple
                else st.just([])
            )
            for action in chosen:
                item = {"action": action["id"]}
                if action["targets"]:
                    item["target"] = data.draw(st.sampled_from(action["targets"]))
                actions.append(item)
        response = seat.client.put(
            self.game.url(f"turns/{turn}/decision/"),
            {"actions": actions, "rationale": f"{seat.name} plan", "client_key": client_key()},
            format="json",
        )
        if not self._decisions_open() or (seat.team, turn) in self.submitted:
            self._refused(response, 423, "locked")
            return
        assert response.status_code == 200, (actions, response.content)
        assert response.json()["status"] == "draft"
        self._step(Growth(("decision.saved",)))

    def _submit(self, data: st.DataObject) -> None:
        """Submit this turn's decision, or (a late client) an earlier turn's."""
        seat = data.draw(st.sampled_from(self._active(players=True)))
        assert seat.team is not None
        current = self.turn or 1
        turn = data.draw(st.sampled_from(sorted({current, max(1, current - 1)}, reverse=True)))
        response = seat.client.post(
            self.game.url(f"turns/{turn}/decision/submit/"), {}, format="json"
        )
        if not self._decisions_open() or turn != self.turn:
            self._refused(response, 423, "locked")
            return
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "submitted"
        first = (seat.team, turn) not in self.submitted
        self.submitted.add((seat.team, turn))
        self._step(Growth(("decision.submitted",)) if first else NOTHING)

    def _submit_after_lock(self, data: st.DataObject) -> None:
        """A member submits for a turn that has locked: 423, and nothing is appended."""
        seat = data.draw(st.sampled_from(self._active(players=True)))
        assert self.turn is not None
        locked = self.turn if self.phase in ("adjudication", "outcome", None) else self.turn - 1
        response = seat.client.post(
            self.game.url(f"turns/{locked}/decision/submit/"), {}, format="json"
        )
        self.tally.seen["submit after lock"] += 1
        self._refused(response, 423, "locked")

    # --- talk ------------------------------------------------------------------------------

    @rule(data=st.data(), own=st.booleans())
    def chat(self, data: st.DataObject, own: bool) -> None:
        """A member posts to one of its channels; sometimes someone tries a channel it is not in."""
        seat = data.draw(st.sampled_from(self._active()))
        mine = [cid for cid, members in self.channel_members.items() if seat.team in members]
        channel = data.draw(st.sampled_from(mine if own and mine else sorted(self.channel_members)))
        response = seat.client.post(
            self.game.url(f"channels/{channel}/messages/"),
            {"body": f"{seat.name} says {next(_names)}", "client_key": client_key()},
            format="json",
        )
        if seat.team not in self.channel_members[channel]:
            self._refused(response, 404, "not_found")
        elif self.status not in TALK_OPEN or not self.channel_open[channel]:
            self._refused(response, 423, "locked")
        else:
            assert response.status_code == 201, response.content
            self._step(Growth(("message.posted",)))

    # --- control ---------------------------------------------------------------------------

    def _advance_outcome(self) -> Growth:
        """What an accepted advance does from the model's current phase."""
        if self.phase == "briefing":
            self.phase = "deliberation"
            return Growth(("phase.changed",), then=INJECTS)
        if self.phase == "deliberation":
            self.phase = "adjudication"
            return Growth(
                ("phase.changed", "adjudication.proposed"),
                then=frozenset({"adjudication.decision_point"}),
            )
        if self.phase == "adjudication":
            self.phase = "outcome"
            return publish_growth()
        assert self.turn is not None
        if self.turn >= LAST_TURN:
            self.status, self.phase = "ended", None
            return Growth(("exercise.ended",))
        self.turn, self.phase = self.turn + 1, "briefing"
        return Growth(("phase.changed",), then=INJECTS)

    def _advance(self, stale: str) -> None:
        response = self._command("advance", None, stale)
        if stale.startswith("stale") or self.status != "running":
            self._refused(response, 409, "conflict")
            return
        if self.phase == "adjudication" and self.needs_approval:
            self._refused(response, 409, "approval_required")
            return
        growth = self._advance_outcome()
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["status"], body["turn"], body["phase"]) == (self.status, self.turn, self.phase)
        if self.phase == "adjudication":
            # a team that was a moment too slow: its submit now is refused and appends nothing
            late = self._active(players=True)[0]
            refused = late.client.post(
                self.game.url(f"turns/{self.turn}/decision/submit/"), {}, format="json"
            )
            assert refused.status_code == 423, refused.content
            self.tally.seen["submit after lock"] += 1
        self._step(growth)

    # a third of control's commands carry an expectation that is out of date
    STALENESS = st.sampled_from(
        ["fresh", "omitted", "fresh", "omitted", "stale_turn", "stale_phase"]
    )

    @rule(stale=STALENESS)
    def advance(self, stale: str) -> None:
        self._advance(stale)

    @precondition(lambda self: self.status == "running" and self.phase == "deliberation")
    @rule(stale=STALENESS)
    def lock(self, stale: str) -> None:
        """Advance out of deliberation: submissions lock (docs/reliability.md#r9, "no decision after
        lock")."""
        self._advance(stale)

    @precondition(lambda self: self.phase == "adjudication")
    @rule(approve=st.booleans(), late=st.booleans())
    def publish(self, approve: bool, late: bool) -> None:
        """Publish the proposal in review; a late client names the previous turn."""
        turn = (self.turn or 1) - (1 if late else 0)
        response = self.game.control.post(
            self.game.url(f"turns/{turn}/adjudication/publish/"),
            {"approve_nuclear": approve},
            format="json",
        )
        if self.status != "running" or turn != self.turn:
            self._refused(response, 409, "conflict")
        elif self.needs_approval and not approve:
            self._refused(response, 409, "approval_required")
        else:
            assert response.status_code == 200, response.content
            self.phase = "outcome"
            self._step(publish_growth())

    @precondition(lambda self: self.status == "lobby")
    @rule(stale=STALENESS)
    def start(self, stale: str) -> None:
        response = self._command("start", None, stale)
        if stale.startswith("stale"):
            self._refused(response, 409, "conflict")
            return
        assert response.status_code == 200, response.content
        self.status, self.turn, self.phase = "running", 1, "briefing"
        self._step(Growth(("exercise.started", "phase.changed"), then=INJECTS))

    @rule(
        command=st.sampled_from(
            ["pause", "resume", "extend", "release_inject", "pause", "resume", "start", "end"]
        ),
        stale=STALENESS,
        audience=st.one_of(
            st.just("all"),
            st.lists(
                st.sampled_from([*TEAMS, *(team_view(c) for c in TEAMS), OBSERVERS, CONTROL]),
                min_size=1,
                max_size=3,
            ),
        ),
    )
    def command(self, command: str, stale: str, audience: str | list[str]) -> None:
        """The other facilitator commands; each applies only in some statuses and phases."""
        self._other_command(command, stale, audience)

    @precondition(lambda self: self.status in ("running", "paused"))
    @rule(extend=st.booleans(), stale=STALENESS)
    def clock(self, extend: bool, stale: str) -> None:
        """Control pauses a running game, resumes a paused one, or extends the deadline."""
        if extend:
            self._other_command("extend", stale, "all")
        else:
            self._other_command("pause" if self.status == "running" else "resume", stale, "all")

    def _other_command(self, command: str, stale: str, audience: str | list[str]) -> None:
        args: dict[str, Any] | None = None
        if command == "extend":
            args = {"minutes": 5}
        elif command == "release_inject":
            args = {"title": "Flash", "body": f"Ad hoc inject {next(_names)}", "audience": audience}
        response = self._command(command, args, stale)
        applies = {
            "pause": self.status == "running",
            "resume": self.status == "paused",
            "extend": self.phase == "deliberation" and self.status in ("running", "paused"),
            "release_inject": self.status == "running",
            "start": self.status == "lobby",
            "end": self.status in JOINABLE,
        }[command]
        if stale.startswith("stale") or not applies:
            self._refused(response, 409, "conflict")
            return
        assert response.status_code == 200, response.content
        growth: Growth
        if command == "pause":
            self.status, growth = "paused", Growth(("exercise.paused",))
        elif command == "resume":
            self.status, growth = "running", Growth(("exercise.resumed",))
        elif command == "extend":
            growth = Growth(("deadline.changed",))
        elif command == "release_inject":
            growth = Growth(("inject.released",))
            self.inject_audience = self._views_named(audience)
        elif command == "start":
            self.status, self.turn, self.phase = "running", 1, "briefing"
            growth = Growth(("exercise.started", "phase.changed"), then=INJECTS)
        else:
            self.status, self.phase = "ended", None
            growth = Growth(("exercise.ended",))
        self._step(growth)

    # --- reading ---------------------------------------------------------------------------

    @rule(data=st.data(), limit=st.sampled_from([2, 100]))
    def reconnect(self, data: st.DataObject, limit: int) -> None:
        """A client comes back and asks for everything after the last seq it holds."""
        seat = data.draw(st.sampled_from(self.seats))
        got = read_since(seat.client, self.events_url, seat.last_seq, limit=limit)
        if seat.revoked:
            assert got.status_code == 401, got.content
            assert got.json()["error"]["code"] == "not_authenticated"
        else:
            assert isinstance(got, list), got.content
            assert gapless(got, after=seat.last_seq), (seat.name, seat.last_seq, got)
            seat.events += got
        self._step(NOTHING)

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def everything_agrees(self) -> None:
        """After every step. The log's counters (one row read) say which streams grew; those
        are read over the API from where the model's copy ends, and one view per step is read
        afresh from `since=0`, so every view is re-read in full every few steps."""
        row = Exercise.objects.values("status", "turn", "phase", "last_seq", "view_positions").get(
            pk=self.game.exercise_id
        )
        assert (row["status"], row["turn"], row["phase"]) == (self.status, self.turn, self.phase)
        # one phase: a running or paused exercise is in exactly one phase, the others in none
        assert (row["phase"] in PHASES) == (row["status"] in ("running", "paused"))

        known = len(self.streams[CONTROL])
        new: list[dict[str, Any]] = []
        if row["last_seq"] != known or self.growth != NOTHING:
            new = self._read(self.seats[0], since=known)
        self._account_for(new)
        rows = list(
            Event.objects.filter(exercise_id=self.game.exercise_id, seq__gt=known)
            .order_by("seq")
            .values_list("seq", "type", "audience", "payload", "view_payloads")
        )
        assert [(seq, kind, payload) for seq, kind, _a, payload, _v in rows] == [
            (e["seq"], e["type"], e["payload"]) for e in new
        ]
        self._check_audiences(rows)
        for view in sorted(self.views - {CONTROL}):
            self._follow(view, rows, row["view_positions"].get(view, 0))

        # the log's own bookkeeping agrees with what each view was served
        served = {view: len(stream) for view, stream in self.streams.items() if stream}
        assert row["view_positions"] == served, (row["view_positions"], served)
        positions = {
            view: (count, top)
            for view, count, top in EventView.objects.filter(exercise_id=self.game.exercise_id)
            .values("view")
            .annotate(count=Count("id"), top=Max("position"))
            .values_list("view", "count", "top")
        }
        assert positions == {view: (n, n) for view, n in served.items()}, positions

        self._reread_one_view()
        for seat in self.seats:
            # what a client accumulated by reconnecting is exactly the start of its view
            assert seat.events == self.streams[seat.view][: len(seat.events)], seat.name

    def _read(self, seat: Seat, *, since: int) -> list[dict[str, Any]]:
        events = read_since(seat.client, self.events_url, since)
        assert isinstance(events, list), events.content
        assert gapless(events, after=since), (seat.view, since, [e["seq"] for e in events])
        return events

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

    def _follow(
        self, view: str, rows: list[tuple[int, str, list[str], Any, Any]], position: int
    ) -> None:
        """Read a view's new events, when it has any, and compare them with the log's."""
        expected = [
            (kind, view_payloads.get(view, payload))
            for _seq, kind, audience, payload, view_payloads in rows
            if view in audience
        ]
        stream = self.streams[view]
        if not expected and position == len(stream):
            return
        got = self._read(self._anchor(view), since=len(stream))
        assert [(e["type"], e["payload"]) for e in got] == expected, view
        if view.startswith("team:"):
            code = view.removeprefix("team:")
            foreign = [
                e
                for e in got
                if e["type"] == "message.posted"
                and code not in self.channel_members[e["payload"]["channel"]]
            ]
            assert not foreign, (view, foreign)
        stream += got

    def _reread_one_view(self) -> None:
        order = sorted(self.views)
        view = order[self.checks % len(order)]
        self.checks += 1
        assert self._read(self._anchor(view), since=0) == self.streams[view], view
        if view == CONTROL:
            exercise = self.game.exercise()
            assert (exercise["status"], exercise["turn"], exercise["phase"]) == (
                self.status,
                self.turn,
                self.phase,
            )

    def _anchor(self, view: str) -> Seat:
        return next(s for s in self.seats if s.anchor and s.view == view)

    def _account_for(self, new: list[dict[str, Any]]) -> None:
        """Check what the last step appended against its expected growth, then learn from it
        what the model cannot predict (a proposal's nuclear gate, hotline channels)."""
        types = [e["type"] for e in new]
        assert self.growth.matches(types), (self.growth, types)
        self.growth = NOTHING
        problems = self.watch.problems(new)
        assert not problems, problems
        self.streams[CONTROL] += new
        for event in new:
            payload = event["payload"]
            self.tally.seen[event["type"]] += 1
            if event["type"] == "phase.changed":
                self.tally.seen[f"entered {payload['phase']}"] += 1
            if event["type"] == "inject.released" and payload["source"] == "control":
                assert frozenset(payload["audience"]) == self.inject_audience, payload
            elif event["type"] == "adjudication.proposed":
                self.needs_approval = bool(payload["requires_nuclear_approval"])
            elif event["type"] in ("channel.opened", "channel.closed"):
                self.channel_open[payload["id"]] = event["type"] == "channel.opened"


# the quick form takes about a minute on a loaded 2-core box; the bound only stops a hang
@pytest.mark.django_db
@pytest.mark.slow
@pytest.mark.timeout(0 if FULL else 600)
def test_the_lifecycle_keeps_its_invariants_under_random_play() -> None:
    tally = Tally()
    started = time.perf_counter()
    lobby = lobby_create(facilitator_client("control"))

    class OnThisLobby(LifecycleMachine):
        def __init__(self) -> None:
            super().__init__(lobby, tally)

    run_state_machine_as_test(
        OnThisLobby,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            derandomize=not FULL,
            suppress_health_check=list(HealthCheck),
        ),
    )
    elapsed = time.perf_counter() - started
    print(
        f"\nR9 lifecycle machine: {tally.examples} examples, {tally.steps} steps "
        f"in {elapsed:.1f} s ({'FULL' if FULL else 'quick'} profile)"
    )
    print("  " + ", ".join(f"{what}: {n}" for what, n in sorted(tally.seen.items())))
    never = [what for what in EXERCISED if not tally.seen[what]]
    assert not never, f"the run never exercised {never}: rebalance the rules"


# --- the model's own checks can fail ---------------------------------------------------------


def _event(seq: int, kind: str, **payload: Any) -> dict[str, Any]:
    return {"seq": seq, "type": kind, "payload": payload}


def test_it_reports_a_decision_for_a_turn_that_has_locked() -> None:
    log = [
        _event(1, "phase.changed", turn=1, phase="briefing"),
        _event(2, "decision.saved", turn=1, team="US"),
        _event(3, "phase.changed", turn=1, phase="deliberation"),
        _event(4, "phase.changed", turn=1, phase="adjudication"),
        _event(5, "decision.submitted", turn=1, team="DPRK"),
    ]
    assert LogWatch().problems(log) == ["seq 5: decision.submitted for locked turn 1"]


def test_it_reports_a_phase_that_skips_or_repeats() -> None:
    watch = LogWatch()
    assert watch.problems([_event(1, "phase.changed", turn=1, phase="briefing")]) == []
    skipped = watch.problems([_event(2, "phase.changed", turn=1, phase="adjudication")])
    repeated = watch.problems([_event(3, "phase.changed", turn=1, phase="adjudication")])
    assert skipped == ["seq 2: phase step 2, expected 1"]
    assert repeated == ["seq 3: phase step 2, expected 3"]


def test_it_refuses_a_growth_that_appends_more_or_other_than_the_write_may() -> None:
    publish = publish_growth()
    assert publish.matches(["outcome.published", "hotline.changed", "phase.changed"])
    assert not publish.matches(["outcome.published", "decision.saved", "phase.changed"])
    assert not publish.matches(["outcome.published"])
    assert NOTHING.matches([])
    assert not NOTHING.matches(["exercise.changed"])


def test_it_holds_each_event_type_to_the_contracts_audience() -> None:
    members = {7: ["US", "ROK"]}
    message = contract_audience(
        "message.posted", {"channel": 7}, teams=TEAMS, channel_members=members
    )
    assert message.admits(frozenset({CONTROL, "team:US", "team:ROK"}))
    assert not message.admits(frozenset({CONTROL, "team:US", "team:ROK", OBSERVERS}))
    saved = contract_audience(
        "decision.saved", {"team": "DPRK"}, teams=TEAMS, channel_members=members
    )
    assert not saved.admits(frozenset({CONTROL, "team:DPRK", "team:US"}))
    with pytest.raises(AssertionError, match="no audience rule"):
        contract_audience("something.new", {}, teams=TEAMS, channel_members=members)
