"""Control's rules of the lifecycle state machine (tests/api/test_lifecycle_machine.py): where an
example begins, then advance, lock, publish, start, pause, resume, extend, inject and end, a third
of them with an ``expected_turn``/``expected_phase`` that is out of date."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import initialize, precondition, rule

from tests.api.lifecycle_base import LAST_TURN, MachineBase, name_numbers
from tests.api.lifecycle_model import (
    CONTROL,
    INJECTS,
    JOINABLE,
    OBSERVERS,
    OUTCOME_EFFECTS,
    PHASES,
    Growth,
    publish_growth,
    team_view,
)
from tests.cast import TEAMS

# a third of control's commands carry an expectation that is out of date
STALENESS = st.sampled_from(["fresh", "omitted", "fresh", "omitted", "stale_turn", "stale_phase"])


class ControlRules(MachineBase):
    """What control does: the phase each example begins in, then its commands."""

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
            args = {
                "title": "Flash",
                "body": f"Ad hoc inject {next(name_numbers)}",
                "audience": audience,
            }
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
