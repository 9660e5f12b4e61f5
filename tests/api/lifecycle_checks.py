"""The invariants of the lifecycle state machine (tests/api/test_lifecycle_machine.py), checked
after every step: the model, the API and the event log agree on the phase, on every view's stream
and on what each step appended."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max
from hypothesis.stateful import invariant

from tests.api.lifecycle_base import MachineBase
from tests.api.lifecycle_model import (
    CONTROL,
    NOTHING,
    PHASES,
    Seat,
    gapless,
    read_since,
)
from wargame.exercises.models import Event, EventView, Exercise


class InvariantChecks(MachineBase):
    """The invariants after every step, and the reads they compare."""

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
