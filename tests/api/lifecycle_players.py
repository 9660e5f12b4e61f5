"""The participants' rules of the lifecycle state machine (tests/api/test_lifecycle_machine.py):
people join and are removed, teams draft and submit (also after the lock), members chat, and
clients reconnect with ``events/?since=``."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import rule
from rest_framework.test import APIClient

from tests.api.lifecycle_base import MachineBase, name_numbers
from tests.api.lifecycle_model import (
    JOINABLE,
    NOTHING,
    OBSERVERS,
    TALK_OPEN,
    Growth,
    Seat,
    gapless,
    read_since,
    team_view,
)
from tests.cast import TEAMS, client_key, participant_client


class PlayerRules(MachineBase):
    """What participants do: join, leave, draft, submit, chat and reconnect."""

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
        name = f"late {where} {next(name_numbers)}"
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
            {"body": f"{seat.name} says {next(name_numbers)}", "client_key": client_key()},
            format="json",
        )
        if seat.team not in self.channel_members[channel]:
            self._refused(response, 404, "not_found")
        elif self.status not in TALK_OPEN or not self.channel_open[channel]:
            self._refused(response, 423, "locked")
        else:
            assert response.status_code == 201, response.content
            self._step(Growth(("message.posted",)))

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
