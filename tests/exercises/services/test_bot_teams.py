"""Bot-played teams (docs/interface.md#commands, `set_ai`): they decide from their own team's
view, submit through the same services as people after a short delay, announce public steps,
answer hotline and allied messages, and can be swapped in and out by the facilitator.

Bot moves are driven the way production drives them: the ``wargame.bot_moves`` task function and
``timers_run`` (what every timer task and the sweep call), with a chosen ``now``, never sleeping.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tests.cast import client_key, facilitator_client, participant_client
from wargame.engine.bots import bot_data, bot_decide
from wargame.engine.state import can_see
from wargame.exercises.bot_words import bot_texts
from wargame.exercises.models import (
    Channel,
    Decision,
    DecisionStatus,
    Event,
    Exercise,
    Message,
    Participant,
    Statement,
)
from wargame.exercises.services import bots as bot_service
from wargame.exercises.services.game import exercise_scenario, exercise_state
from wargame.exercises.services.timers import timers_run
from wargame.tasks import bot_moves

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

pytestmark = pytest.mark.django_db

TEAMS = ("US", "ROK", "JPN", "DPRK")
ALL_VIEWS = frozenset({"control", "observers", *(f"team:{code}" for code in TEAMS)})
BOTS = ("ROK", "JPN", "DPRK")


class Table:
    """One exercise: control, and the US played by a person; the other teams by bots."""

    def __init__(self, *, ai_teams: tuple[str, ...] = BOTS, language: str = "en") -> None:
        self.control = facilitator_client(f"control-{client_key()}")
        created = self.control.post(
            "/api/v1/exercises/",
            {
                "scenario": "exercise_season",
                "title": "Bots",
                "seed": 11,
                "language": language,
                "deliberation_minutes": 20,
                "ai_teams": list(ai_teams),
            },
            format="json",
        )
        assert created.status_code == 201, created.content
        self.id: int = created.json()["id"]
        assert self.command("open_lobby").status_code == 200
        joined = APIClient().post(
            "/api/v1/join/",
            {"code": created.json()["join_codes"]["US"], "display_name": "US lead"},
            format="json",
        )
        assert joined.status_code == 201, joined.content
        self.us = participant_client(joined.json()["token"])

    def url(self, tail: str = "") -> str:
        return f"/api/v1/exercises/{self.id}/{tail}"

    def command(self, command: str, **args: Any) -> Any:
        body: dict[str, Any] = {"command": command}
        if args:
            body["args"] = args
        return self.control.post(self.url("commands/"), body, format="json")

    def exercise(self) -> Exercise:
        return Exercise.objects.get(pk=self.id)

    def bots_due(self) -> datetime:
        started = self.exercise().phase_started_at
        assert started is not None
        return started + timedelta(seconds=settings.BOT_DELAY_SECONDS)

    def us_plays(self, turn: int) -> None:
        """The scripted person: offers talks every turn and submits."""
        saved = self.us.put(
            self.url(f"turns/{turn}/decision/"),
            {
                "actions": [{"action": "d.talks_offer", "target": "DPRK"}],
                "rationale": "Keep a door open.",
                "client_key": client_key(),
            },
            format="json",
        )
        assert saved.status_code == 200, saved.content
        submitted = self.us.post(self.url(f"turns/{turn}/decision/submit/"), {}, format="json")
        assert submitted.status_code == 200, submitted.content

    def publish(self, turn: int) -> None:
        """Advance out of review; an outcome over the nuclear threshold needs explicit approval."""
        answer = self.command("advance")
        if answer.status_code == 409 and answer.json()["error"]["code"] == "approval_required":
            answer = self.control.post(
                self.url(f"turns/{turn}/adjudication/publish/"),
                {"approve_nuclear": True},
                format="json",
            )
        assert answer.status_code == 200, answer.content


def _events(exercise_id: int, kind: str) -> list[Event]:
    return list(Event.objects.filter(exercise_id=exercise_id, type=kind).order_by("seq"))


def _submitted(exercise_id: int, turn: int) -> dict[str, Decision]:
    rows = Decision.objects.filter(
        exercise_id=exercise_id, turn=turn, status=DecisionStatus.SUBMITTED
    ).select_related("team", "updated_by")
    return {row.team.code: row for row in rows}


# --- five turns ----------------------------------------------------------------------------------


def test_it_plays_five_turns_with_three_bots_and_a_person_and_every_turn_has_four_decisions() -> (
    None
):
    table = Table()
    assert table.command("start").status_code == 200
    for turn in range(1, 6):
        assert table.command("advance").status_code == 200  # briefing -> deliberation
        table.us_plays(turn)
        if turn % 2:
            # the queued task, as a worker runs it at its eta
            moved = bot_moves(table.id, turn)
        else:
            # a lost task: the sweep's timers_run finds the moves due
            moved = timers_run(exercise_id=table.id, now=table.bots_due())
        assert moved, f"turn {turn}: the bots did nothing"
        decisions = _submitted(table.id, turn)
        assert sorted(decisions) == sorted(TEAMS), f"turn {turn}"
        for code in BOTS:
            bot = decisions[code]
            assert bot.updated_by is not None
            assert bot.updated_by.bot
            assert bot.updated_by.display_name == f"{code} (bot)"
            assert bot.rationale.strip(), f"{code} gave no rationale on turn {turn}"
        assert table.exercise().phase == "deliberation"
        assert table.command("advance").status_code == 200  # -> adjudication
        table.publish(turn)
        assert table.command("advance").status_code == 200  # outcome -> next briefing
    exercise = table.exercise()
    assert (exercise.turn, exercise.phase) == (6, "briefing")
    published = _events(table.id, "outcome.published")
    assert [e.payload["turn"] for e in published] == [1, 2, 3, 4, 5]


def test_it_seals_a_bots_submitted_decision_from_other_teams_as_for_a_person() -> None:
    table = Table()
    table.command("start")
    table.command("advance")
    bot_moves(table.id, 1)
    by_team = {e.payload["team"]: e for e in _events(table.id, "decision.submitted")}
    assert set(by_team) == set(BOTS)
    for code, event in by_team.items():
        assert frozenset(event.audience) == ALL_VIEWS
        assert event.actor is not None
        assert event.actor["display_name"] == f"{code} (bot)"
        for view in ALL_VIEWS - {"control", f"team:{code}"}:
            assert event.payload_for(view) == {"team": code, "submitted": True}
        assert event.payload_for(f"team:{code}") == event.payload


def test_it_waits_for_the_delay_before_bots_move_and_runs_them_once() -> None:
    table = Table()
    table.command("start")
    table.command("advance")
    early = table.bots_due() - timedelta(seconds=1)
    assert timers_run(exercise_id=table.id, now=early) == []
    assert _submitted(table.id, 1) == {}
    assert timers_run(exercise_id=table.id, now=table.bots_due())
    after_first = Event.objects.filter(exercise_id=table.id).count()
    assert timers_run(exercise_id=table.id, now=table.bots_due()) == []
    assert bot_moves(table.id, 1) == []
    assert Event.objects.filter(exercise_id=table.id).count() == after_first


def test_it_does_nothing_for_a_turn_that_is_no_longer_in_deliberation() -> None:
    table = Table()
    table.command("start")
    assert bot_moves(table.id, 1) == []  # still briefing
    table.command("advance")
    table.command("advance")  # the lock: deliberation of turn 1 is over
    assert bot_moves(table.id, 1) == []
    assert _submitted(table.id, 1) == {}


def test_the_last_bot_to_submit_ends_deliberation_when_auto_advance_is_on() -> None:
    table = Table()
    table.command("start")
    assert table.command("set_auto_advance", enabled=True).status_code == 200
    table.command("advance")
    table.us_plays(1)
    bot_moves(table.id, 1)
    assert table.exercise().phase == "adjudication"


def test_it_submits_the_draft_control_wrote_for_a_bot_team_instead_of_its_own() -> None:
    table = Table()
    table.command("start")
    table.command("advance")
    written = table.control.put(
        table.url("turns/1/decision/?team=JPN"),
        {"actions": [{"action": "d.trilateral"}], "rationale": "Control's", "client_key": "c-1"},
        format="json",
    )
    assert written.status_code == 200, written.content
    bot_moves(table.id, 1)
    jpn = _submitted(table.id, 1)["JPN"]
    assert (jpn.actions, jpn.rationale) == ([{"action": "d.trilateral"}], "Control's")
    shown = table.control.get(table.url("turns/1/decision/?team=JPN"))
    assert shown.status_code == 200
    assert shown.json()["status"] == "submitted"


def test_control_revises_a_bots_submitted_decision_until_the_lock_but_a_person_cannot() -> None:
    table = Table()
    table.command("start")
    table.command("advance")
    bot_moves(table.id, 1)
    assert _submitted(table.id, 1)["JPN"].status == DecisionStatus.SUBMITTED
    revised = table.control.put(
        table.url("turns/1/decision/?team=JPN"),
        {"actions": [{"action": "d.trilateral"}], "rationale": "Revised", "client_key": "c-2"},
        format="json",
    )
    assert revised.status_code == 200, revised.content
    assert revised.json()["status"] == "submitted"
    assert revised.json()["rationale"] == "Revised"
    table.us.post(table.url("turns/1/decision/submit/"), {}, format="json")
    late = table.us.put(
        table.url("turns/1/decision/"),
        {"actions": [], "rationale": "changed my mind", "client_key": "u-9"},
        format="json",
    )
    assert late.status_code == 423


# --- what a bot may see --------------------------------------------------------------------------


def _pointers(tree: Mapping[str, Any], prefix: str = "") -> set[str]:
    out: set[str] = set()
    for key, value in tree.items():
        pointer = f"{prefix}{key}"
        out.add(pointer)
        if isinstance(value, dict):
            out |= _pointers(value, pointer + "/")
    return out


def test_a_bot_reads_nothing_its_team_may_not_see(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Mapping[str, Any]] = {}
    real = bot_decide

    def spy(policy: str, view: Mapping[str, Any], **kwargs: Any) -> Any:
        seen[kwargs["team"]] = view
        return real(policy, view, **kwargs)

    monkeypatch.setattr(bot_service, "bot_decide", spy)
    table = Table(ai_teams=TEAMS)
    table.command("start")
    table.command("advance")
    bot_moves(table.id, 1)
    assert set(seen) == set(TEAMS)

    exercise = table.exercise()
    model = exercise_scenario(exercise).model()
    state = exercise_state(exercise)
    hidden_everywhere = {"ci"}
    for team, view in seen.items():
        assert view["view"] == f"team:{team}"
        assert not hidden_everywhere & set(view)
        for pointer in ("dprk/posture", *(f"killchain/{k}" for k, _v in state.killchain)):
            family = pointer.split("/")[0]
            if not can_see(model, team, pointer):
                assert pointer not in _pointers(view), f"{team} reads {pointer}"
            elif family == "dprk":
                assert family in view
        beliefs = view["belief"]
        others = {b.pointer for b in state.beliefs if b.team != team} - {
            b.pointer for b in state.beliefs if b.team == team
        }
        assert not {"/" + p for p in others} & set(beliefs)
        for agreement in view.get("agreements", []):
            assert "detected_by" not in agreement


# --- set_ai ---------------------------------------------------------------------------------------


def test_set_ai_swaps_a_bot_in_and_out_and_tells_every_view() -> None:
    table = Table(ai_teams=())
    table.command("start")
    swapped_in = table.command("set_ai", team="ROK", ai=True)
    assert swapped_in.status_code == 200, swapped_in.content
    assert {t["code"]: t["ai"] for t in swapped_in.json()["teams"]}["ROK"] is True
    swapped_out = table.command("set_ai", team="ROK", ai=False)
    assert {t["code"]: t["ai"] for t in swapped_out.json()["teams"]}["ROK"] is False
    changes = _events(table.id, "team.ai_changed")
    assert [e.payload for e in changes] == [
        {"team": "ROK", "ai": True},
        {"team": "ROK", "ai": False},
    ]
    assert all(frozenset(e.audience) == ALL_VIEWS for e in changes)
    seat = Participant.objects.get(exercise_id=table.id, bot=True)
    assert (seat.team is not None and seat.team.code, seat.active) == ("ROK", False)


def test_set_ai_to_the_current_setting_appends_nothing() -> None:
    table = Table()
    before = Event.objects.filter(exercise_id=table.id).count()
    assert table.command("set_ai", team="ROK", ai=True).status_code == 200
    assert Event.objects.filter(exercise_id=table.id).count() == before


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"team": "PRC", "ai": True}, "args.team"),
        ({"team": "ROK", "ai": "yes"}, "args.ai"),
        ({"ai": True}, "args.team"),
    ],
)
def test_set_ai_refuses_an_unknown_team_or_a_non_boolean(args: dict[str, Any], field: str) -> None:
    table = Table()
    answer = table.command("set_ai", **args)
    assert answer.status_code == 400
    assert field in answer.json()["error"]["fields"]


def test_a_bot_swapped_in_during_deliberation_still_decides_this_turn() -> None:
    table = Table(ai_teams=())
    table.command("start")
    table.command("advance")
    table.command("set_ai", team="DPRK", ai=True)
    timers_run(exercise_id=table.id, now=table.bots_due())
    assert list(_submitted(table.id, 1)) == ["DPRK"]


def test_a_team_handed_back_to_people_gets_no_bot_move() -> None:
    table = Table()
    table.command("start")
    table.command("set_ai", team="JPN", ai=False)
    table.command("advance")
    bot_moves(table.id, 1)
    assert sorted(_submitted(table.id, 1)) == ["DPRK", "ROK"]


# --- statements and replies -----------------------------------------------------------------------


def test_a_bot_announces_each_public_step_it_takes_in_a_statement() -> None:
    table = Table(ai_teams=TEAMS)
    table.command("start")
    announced = 0
    for turn in (1, 2, 3):
        table.command("advance")
        bot_moves(table.id, turn)
        for code, decision in _submitted(table.id, turn).items():
            public = [a for a in decision.actions if a["action"] in bot_texts()["statements"]]
            statements = Statement.objects.filter(exercise_id=table.id, team__code=code)
            made = [s for s in statements if s.client_key.startswith(f"bot-{turn}-")]
            assert len(made) == len(public), f"{code} turn {turn}"
            announced += len(made)
        table.command("advance")
        table.publish(turn)
        table.command("advance")
    assert announced > 0, "three turns of four bots announced nothing: check the seed"
    published = _events(table.id, "statement.published")
    assert len(published) == announced
    assert all(frozenset(e.audience) == ALL_VIEWS for e in published)


def _line(exercise_id: int, name: str) -> Channel:
    return Channel.objects.get(exercise_id=exercise_id, name=name)


def _post(table: Table, channel: Channel, body: str) -> None:
    answer = table.us.post(
        table.url(f"channels/{channel.number}/messages/"),
        {"body": body, "client_key": client_key()},
        format="json",
    )
    assert answer.status_code == 201, answer.content


def test_a_bot_answers_an_allied_message_once_with_its_stance_in_the_exercise_language() -> None:
    table = Table(language="ja")
    table.command("start")
    line = _line(table.id, "US-ROK")
    _post(table, line, "Shall we coordinate?")
    done = timers_run(exercise_id=table.id, now=table.exercise().phase_started_at)  # type: ignore[arg-type]
    assert any(item.startswith("ROK reply") for item in done)
    replies = Message.objects.filter(channel=line, author__bot=True)
    assert replies.count() == 1
    reply = replies.get()
    assert reply.author is not None
    assert reply.author.display_name == "ROK (bot)"
    texts = bot_texts()["replies"]["allied"]
    # Teams are named as the narratives name them, in the exercise's language.
    assert reply.body in {stance["ja"].format(team="韓国") for stance in texts.values()}
    timers_run(exercise_id=table.id, now=table.exercise().phase_started_at)  # type: ignore[arg-type]
    assert Message.objects.filter(channel=line, author__bot=True).count() == 1


def test_every_bot_on_a_line_answers_but_never_another_bot() -> None:
    table = Table()
    table.command("start")
    line = _line(table.id, "US-ROK-JPN")
    _post(table, line, "Trilateral call at noon.")
    bot_service.bot_replies_run(exercise_id=table.id)
    bot_service.bot_replies_run(exercise_id=table.id)
    replies = Message.objects.filter(channel=line, author__bot=True).select_related("author")
    authors = sorted(m.author.display_name for m in replies if m.author is not None)
    assert authors == ["JPN (bot)", "ROK (bot)"]


def test_a_bots_reply_reflects_the_stance_of_its_latest_decision() -> None:
    table = Table()
    table.command("start")
    table.command("advance")
    written = table.control.put(
        table.url("turns/1/decision/?team=DPRK"),
        {"actions": [{"action": "d.threaten", "target": "US"}], "rationale": "", "client_key": "k"},
        format="json",
    )
    assert written.status_code == 200, written.content
    hotline = Channel.objects.get(exercise_id=table.id, hotline="us")
    if not hotline.open:
        assert table.command("set_hotline", hotline="us", state="up").status_code == 200
    _post(table, hotline, "We need to talk.")
    bot_service.bot_replies_run(exercise_id=table.id)
    reply = Message.objects.get(channel=hotline, author__bot=True)
    firm = bot_texts()["replies"]["hotline"]["firm"]["en"]
    assert reply.body == firm.format(team="North Korea")


def test_ai_teams_draw_together_so_a_joint_action_happens_or_not_as_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every AI team decides a turn with the same seed: the engine keys a joint action's draw by
    its coalition, so both partners take it or neither does (as `simulate` plays them)."""
    table = Table(ai_teams=TEAMS)
    assert table.command("start").status_code == 200
    assert table.command("advance").status_code == 200
    seeds: dict[str, int] = {}

    def recording(policy: str, view: Mapping[str, Any], **kwargs: Any) -> Any:
        seeds[kwargs["team"]] = kwargs["seed"]
        return bot_decide(policy, view, **kwargs)

    monkeypatch.setattr(bot_service, "bot_decide", recording)
    exercise = table.exercise()
    chosen = {code: bot_service.bot_decision(exercise, code)[0] for code in TEAMS}
    assert len(set(seeds.values())) == 1
    for code, actions in chosen.items():
        for action in actions:
            if action["action"] == "d.consult":
                partner = action["target"]
                back = [a for a in chosen[partner] if a["action"] == "d.consult"]
                assert any(a.get("target") == code for a in back), (code, partner, chosen)


def test_every_sentence_the_live_policy_writes_reads_in_japanese_and_korean() -> None:
    """A bot's rationale is shown to players and control in their language: every reason of the
    policy live play uses, its intro and the negotiation reasons have a translation."""
    data = bot_data()
    policy = data["policies"][bot_texts()["policy"]]
    sentences = {str(policy["intro"]), *map(str, data["negotiation"]["reasons"].values())}
    sentences |= {str(e["reason"]) for entries in policy["teams"].values() for e in entries}
    table = bot_texts()["rationales"]
    missing = {
        (s, lang) for s in sentences for lang in ("ja", "ko") if lang not in table.get(s, {})
    }
    assert not missing, sorted(missing)
