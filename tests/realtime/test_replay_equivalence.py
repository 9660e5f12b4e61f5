"""Replay equivalence per event type and role (docs/reliability.md#r10, Zulip's ``verify_action``).

For every event type the server can emit, a case performs an action that emits it; for every role
(control, each team, an observer under ``observer_view`` public and teams) the snapshot read before,
with the events that role's stream gained applied by ``tests.realtime.replay``, must equal the
snapshot read after. Every ``EventType`` needs a case and a reducer, so a new type without one
fails here, by name.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from tests.cast import TEAMS, facilitator_client, participant_client
from tests.realtime.replay import (
    NO_SNAPSHOT_CHANGE,
    REDUCERS,
    ReplayError,
    Snapshot,
    events_apply,
    snapshot_differences,
    snapshot_take,
)
from wargame.exercises.events import EventType
from wargame.exercises.models import ReportJob
from wargame.exercises.services.reports import report_job_run

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from rest_framework.test import APIClient

    from wargame.exercises.models import Exercise

_keys = itertools.count(1)
_timings: list[tuple[str, float]] = []


# --- a small exercise at a given stage ----------------------------------------------------------


@dataclass
class Game:
    exercise_id: int
    control: APIClient
    roles: dict[str, APIClient] = field(default_factory=dict)
    participant_ids: dict[str, int] = field(default_factory=dict)

    def url(self, tail: str = "") -> str:
        return f"/api/v1/exercises/{self.exercise_id}/{tail}"

    def ok(self, response: Any) -> Any:
        assert response.status_code < 300, (response.status_code, response.content)
        return response.json() if response.content else None

    def command(self, command: str, **args: Any) -> Any:
        body = {"command": command, "args": args}
        return self.ok(self.control.post(self.url("commands/"), body, format="json"))

    def join(self, code: str, name: str) -> tuple[APIClient, int]:
        from rest_framework.test import APIClient

        answer = APIClient().post(
            "/api/v1/join/", {"code": code, "display_name": name}, format="json"
        )
        body = self.ok(answer)
        return participant_client(body["token"]), body["participant_id"]

    def turn(self) -> int | None:
        turn: int | None = self.ok(self.control.get(self.url()))["turn"]
        return turn

    def save(self, team: str, actions: list[dict[str, Any]]) -> None:
        turn = self.turn()
        body = {"actions": actions, "rationale": f"{team} plan", "client_key": _key()}
        self.ok(self.roles[f"team:{team}"].put(self.url(f"turns/{turn}/decision/"), body, "json"))

    def post(self, role: str, tail: str, body: dict[str, Any]) -> Any:
        return self.ok(self.roles[role].post(self.url(tail), body, format="json"))

    def channel(self, role: str, name: str) -> int:
        listed = self.ok(self.roles[role].get(self.url("channels/")))["results"]
        channel_id: int = next(c["id"] for c in listed if c["name"] == name)
        return channel_id


def _key() -> str:
    return f"replay-{next(_keys)}"


STAGES = ("draft", "lobby", "briefing", "deliberation", "adjudication", "outcome")


def game_at(
    control: APIClient,
    stage: str,
    *,
    observer_view: str,
    plans: dict[str, list[dict[str, Any]]],
) -> Game:
    """A four-team exercise with an observer, brought to ``stage``; ``plans`` are saved in the
    first briefing, so that the lock adjudicates them."""
    created = control.post(
        "/api/v1/exercises/",
        {"scenario": "exercise_season", "title": "Replay", "deliberation_minutes": 20, "seed": 7},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    game = Game(exercise_id=body["id"], control=control, roles={"control": control})
    reached = STAGES.index(stage)
    if reached >= STAGES.index("lobby"):
        game.command("open_lobby")
        for team in TEAMS:
            game.roles[f"team:{team}"], game.participant_ids[team] = game.join(
                body["join_codes"][team], f"{team} lead"
            )
        game.roles["observers"], _ = game.join(body["join_codes"]["observers"], "Observer")
    if observer_view != "public":
        game.command("set_observer_view", view=observer_view)
    if reached >= STAGES.index("briefing"):
        game.command("start")
        for team, actions in plans.items():
            game.save(team, actions)
    for phase in STAGES[STAGES.index("deliberation") : reached + 1]:
        del phase
        game.command("advance")
    return game


# --- the cases ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    covers: tuple[EventType, ...]  # event types this action must emit
    stage: str
    act: Callable[[Game], Any]
    prepare: Callable[[Game], Any] | None = None
    plans: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # role -> why its replay is known to miss (a contract gap); the test asserts it still misses
    gaps: dict[str, str] = field(default_factory=dict)


def _extra_us_player(game: Game) -> None:
    code = game.ok(game.control.get(game.url()))["join_codes"]["US"]
    _client, game.participant_ids["extra"] = game.join(code, "US deputy")


def _report_job(game: Game, fmt: str) -> None:
    body = game.ok(game.control.post(game.url("reports/"), {"format": fmt}, format="json"))
    # The job's id counts within the exercise; the worker is handed its row.
    job = ReportJob.objects.get(exercise_id=game.exercise_id, number=body["id"])
    game.participant_ids["report"] = job.pk


def _publish(game: Game) -> Any:
    return game.post("control", f"turns/{game.turn()}/adjudication/publish/", {})


HOTLINE_PROPOSAL = {
    "action": "c.propose",
    "params": {"measure": "c.hotline", "parties": ["US", "DPRK"]},
}
NUCLEAR_USE = {"action": "m.nuclear_use", "target": "ROK"}
JOINT_CONSULT = {"action": "d.consult", "target": "US"}
AUTO_ADVANCE_GAP = (
    "every participant's exercise shows auto_advance, but set_auto_advance tells only control "
    "(exercise.changed goes to control only)"
)
OBSERVER_VIEW_GAP = (
    "set_observer_view changes what observers' channels/ and messages/ return, but observers "
    "get no event (exercise.changed goes to control only)"
)


def _stand_in_render(
    exercise: Exercise, lang: str, fmt: str, *, progress: Callable[[int, str], None], view: str
) -> Path:
    """The report renderer the job is handed (what it draws is not under test here): one
    progress step, then a small file for HTML and a failure for PDF (the case that needs one
    asks for it)."""
    progress(50, "charts")
    if fmt != "html":
        raise RuntimeError("renderer broke")
    path = Path(settings.VAR_DIR) / f"report-{exercise.pk}.{fmt}"
    path.write_text("<html></html>", encoding="utf-8")
    return path


CASES: tuple[Case, ...] = (
    Case(
        "open the lobby", (EventType.EXERCISE_CHANGED,), "draft", lambda g: g.command("open_lobby")
    ),
    Case(
        "auto-advance settings",
        (EventType.EXERCISE_CHANGED,),
        "briefing",
        lambda g: g.command("set_auto_advance", enabled=True, auto_publish=True),
        gaps=dict.fromkeys((*(f"team:{t}" for t in TEAMS), "observers"), AUTO_ADVANCE_GAP),
    ),
    Case(
        "observer view flips",
        (EventType.EXERCISE_CHANGED,),
        "briefing",
        lambda g: g.command(
            "set_observer_view",
            view="public" if g.ok(g.control.get(g.url()))["observer_view"] == "teams" else "teams",
        ),
        gaps={"observers": OBSERVER_VIEW_GAP},
    ),
    Case(
        "rotate two join codes",
        (EventType.EXERCISE_CHANGED,),
        "briefing",
        lambda g: g.command("rotate_codes", teams=["US", "observers"]),
    ),
    Case(
        "add a co-facilitator",
        (EventType.EXERCISE_CHANGED,),
        "briefing",
        lambda g: g.post("control", "facilitators/", {"username": "deputy"}),
        prepare=lambda g: get_user_model().objects.create_user("deputy"),
    ),
    Case(
        "a late joiner",
        (EventType.PARTICIPANT_JOINED,),
        "briefing",
        _extra_us_player,
    ),
    Case(
        "remove a participant",
        (EventType.PARTICIPANT_LEFT,),
        "briefing",
        lambda g: g.command("remove_participant", participant_id=g.participant_ids["extra"]),
        prepare=_extra_us_player,
    ),
    Case(
        "move a participant",
        (EventType.PARTICIPANT_LEFT,),
        "briefing",
        lambda g: g.command(
            "move_participant", participant_id=g.participant_ids["extra"], team="JPN"
        ),
        prepare=_extra_us_player,
    ),
    Case(
        "start (the first move's injects change the state)",
        (EventType.EXERCISE_STARTED, EventType.PHASE_CHANGED, EventType.STATE_CHANGED),
        "lobby",
        lambda g: g.command("start"),
    ),
    Case(
        "advance to deliberation",
        (EventType.PHASE_CHANGED,),
        "briefing",
        lambda g: g.command("advance"),
    ),
    Case(
        "lock the turn",
        (EventType.PHASE_CHANGED, EventType.ADJUDICATION_PROPOSED),
        "deliberation",
        lambda g: g.command("advance"),
        plans={"US": [{"action": "d.consult", "target": "ROK"}]},
    ),
    Case(
        "a nuclear decision point",
        (EventType.ADJUDICATION_PROPOSED, EventType.ADJUDICATION_DECISION_POINT),
        "deliberation",
        lambda g: g.command("advance"),
        plans={"DPRK": [NUCLEAR_USE]},
    ),
    Case(
        "override the proposal",
        (EventType.ADJUDICATION_OVERRIDDEN,),
        "adjudication",
        lambda g: g.ok(
            g.control.patch(
                g.url(f"turns/{g.turn()}/adjudication/"),
                {"overrides": [{"path": "/state/assurance/ROK", "value": 61, "reason": "press"}]},
                format="json",
            )
        ),
    ),
    Case(
        "reroll the proposal",
        (EventType.ADJUDICATION_PROPOSED,),
        "adjudication",
        lambda g: g.post("control", f"turns/{g.turn()}/adjudication/reroll/", {"seed": 11}),
    ),
    Case(
        "publish an outcome with a new agreement",
        (EventType.OUTCOME_PUBLISHED, EventType.AGREEMENT_CHANGED, EventType.PHASE_CHANGED),
        "adjudication",
        _publish,
        plans={"US": [HOTLINE_PROPOSAL]},
    ),
    Case(
        "the next turn",
        (EventType.PHASE_CHANGED,),
        "outcome",
        lambda g: g.command("advance"),
        prepare=lambda g: g.command("set_ai", team="DPRK", ai=True),
    ),
    Case("pause", (EventType.EXERCISE_PAUSED,), "deliberation", lambda g: g.command("pause")),
    Case(
        "resume",
        (EventType.EXERCISE_RESUMED,),
        "deliberation",
        lambda g: g.command("resume"),
        prepare=lambda g: g.command("pause"),
    ),
    Case(
        "extend the deadline",
        (EventType.DEADLINE_CHANGED,),
        "deliberation",
        lambda g: g.command("extend", minutes=5),
    ),
    Case(
        "extend while paused",
        (EventType.DEADLINE_CHANGED,),
        "deliberation",
        lambda g: g.command("extend", minutes=5),
        prepare=lambda g: g.command("pause"),
    ),
    Case("end", (EventType.EXERCISE_ENDED,), "deliberation", lambda g: g.command("end")),
    Case(
        "an inject for one team",
        (EventType.INJECT_RELEASED,),
        "briefing",
        lambda g: g.command("release_inject", title="Leak", body="A memo leaks.", audience=["US"]),
    ),
    Case(
        "save a draft",
        (EventType.DECISION_SAVED,),
        "briefing",
        lambda g: g.save("US", [{"action": "d.consult", "target": "ROK"}]),
    ),
    Case(
        "submit",
        (EventType.DECISION_SUBMITTED,),
        "deliberation",
        lambda g: g.post("team:US", f"turns/{g.turn()}/decision/submit/", {}),
        prepare=lambda g: g.save("US", [{"action": "d.consult", "target": "ROK"}]),
    ),
    Case(
        "a joint action proposed in the open",
        (EventType.JOINT_PROPOSED,),
        "briefing",
        lambda g: g.post("team:ROK", f"turns/{g.turn()}/joint/", JOINT_CONSULT),
    ),
    Case(
        "a partner joins it",
        (EventType.JOINT_JOINED, EventType.DECISION_SAVED),
        "deliberation",
        lambda g: g.post(
            "team:US", f"turns/{g.turn()}/joint/join/", {"team": "ROK", "action": "d.consult"}
        ),
        prepare=lambda g: g.post("team:ROK", f"turns/{g.turn()}/joint/", JOINT_CONSULT),
    ),
    Case(
        "a message between allies",
        (EventType.MESSAGE_POSTED,),
        "briefing",
        lambda g: g.post(
            "team:US",
            f"channels/{g.channel('team:US', 'US-ROK')}/messages/",
            {"body": "Consult first.", "client_key": _key()},
        ),
    ),
    Case(
        "control writes to a team",
        (EventType.MESSAGE_POSTED,),
        "briefing",
        lambda g: g.post(
            "control",
            f"channels/{g.channel('control', 'control-DPRK')}/messages/",
            {"body": "Control here.", "client_key": _key()},
        ),
    ),
    Case(
        "a public statement",
        (EventType.STATEMENT_PUBLISHED,),
        "briefing",
        lambda g: g.post("team:JPN", "statements/", {"body": "Restraint.", "client_key": _key()}),
    ),
    Case(
        "the hotline comes up",
        (EventType.HOTLINE_CHANGED, EventType.CHANNEL_OPENED),
        "briefing",
        lambda g: g.command("set_hotline", hotline="ik", state="up"),
    ),
    Case(
        "the hotline degrades",
        (EventType.HOTLINE_CHANGED,),
        "briefing",
        lambda g: g.command("set_hotline", hotline="ik", state="degraded"),
        prepare=lambda g: g.command("set_hotline", hotline="ik", state="up"),
    ),
    Case(
        "the hotline goes down",
        (EventType.HOTLINE_CHANGED, EventType.CHANNEL_CLOSED),
        "briefing",
        lambda g: g.command("set_hotline", hotline="ik", state="down"),
        prepare=lambda g: g.command("set_hotline", hotline="ik", state="up"),
    ),
    Case(
        "a bot takes a seat",
        (EventType.TEAM_AI_CHANGED,),
        "lobby",
        lambda g: g.command("set_ai", team="DPRK", ai=True),
    ),
    Case(
        "a team answers its belief questions",
        (EventType.BELIEF_SUBMITTED,),
        "deliberation",
        lambda g: g.ok(
            g.roles["team:US"].put(g.url(f"turns/{g.turn()}/beliefs/"), {"answers": {}}, "json")
        ),
    ),
    Case(
        "the debrief is released",
        (EventType.DEBRIEF_RELEASED,),
        "outcome",
        lambda g: g.command("release_debrief", views=["teams", "observers"]),
        prepare=lambda g: g.command("end"),
    ),
    Case(
        "a report is made",
        (EventType.REPORT_PROGRESS, EventType.REPORT_READY),
        "outcome",
        lambda g: report_job_run(job_id=g.participant_ids["report"], render=_stand_in_render),
        prepare=lambda g: _report_job(g, "html"),
    ),
    Case(
        "a report fails",
        (EventType.REPORT_FAILED,),
        "outcome",
        lambda g: report_job_run(job_id=g.participant_ids["report"], render=_stand_in_render),
        prepare=lambda g: _report_job(g, "pdf"),
    ),
)


# --- running a case -----------------------------------------------------------------------------


def _snapshots(game: Game, turn: int | None, roles: tuple[str, ...]) -> dict[str, Snapshot]:
    return {role: snapshot_take(game.roles[role], game.url(), turn=turn) for role in roles}


def _new_events(game: Game, role: str, since: int) -> list[dict[str, Any]]:
    page = game.roles[role].get(game.url(f"events/?since={since}&limit=500"))
    assert page.status_code == 200
    events: list[dict[str, Any]] = page.json()["results"]
    assert page.json()["next"] is None, "more new events than one page"
    return events


@dataclass
class Base:
    game: Game
    turn: int | None
    before: dict[str, Snapshot]


def _run(case: Case, base: Base, roles: tuple[str, ...]) -> dict[str, list[str]]:
    """Each role's differences between replay and a fresh read (empty when equal), after
    checking that the action emitted every type the case covers. Runs in a savepoint that is
    rolled back, so that the next case starts from the same base game."""
    game = base.game
    found: dict[str, list[str]] = {}
    with transaction.atomic():
        try:
            before = base.before
            if case.prepare is not None:
                case.prepare(game)
                before = _snapshots(game, base.turn, roles)
            since = _new_events(game, "control", 0)[-1]["seq"]
            case.act(game)
            emitted = {e["type"] for e in _new_events(game, "control", since)}
            missing = set(case.covers) - emitted
            assert not missing, f"the action emitted {sorted(emitted)}, not {sorted(missing)}"
            after = _snapshots(game, base.turn, roles)
            for role, old in before.items():
                replayed = events_apply(old, _new_events(game, role, old["seq"]))
                found[role] = snapshot_differences(replayed, after[role])
                if emitted <= set(NO_SNAPSHOT_CHANGE):
                    # declared to change nothing: then nothing may have changed at all
                    unchanged: Snapshot = {**old, "seq": after[role]["seq"]}
                    found[role] += snapshot_differences(unchanged, after[role])
        finally:
            transaction.set_rollback(True)
    return found


def _replay_all(observer_view: str, roles: Callable[[Game], tuple[str, ...]]) -> None:
    control = facilitator_client(f"control-{observer_view}")
    bases: dict[str, Base] = {}
    failures: list[str] = []
    for case in CASES:
        key = f"{case.stage} {sorted(case.plans.items())!r}"
        if key not in bases:
            game = game_at(control, case.stage, observer_view=observer_view, plans=case.plans)
            turn = game.turn()
            bases[key] = Base(game, turn, _snapshots(game, turn, roles(game)))
        base = bases[key]
        started = time.perf_counter()
        try:
            found = _run(case, base, tuple(base.before))
        except (AssertionError, ReplayError) as exc:
            failures.append(f"{case.name} ({', '.join(case.covers)}): {exc}")
            continue
        _timings.append((f"{case.name} [{observer_view}]", time.perf_counter() - started))
        where = f"{case.name} ({', '.join(case.covers)})"
        for role, diffs in found.items():
            if role in case.gaps:
                if not diffs:
                    failures.append(f"{where}, {role}: the known gap is gone ({case.gaps[role]})")
                continue
            failures += [f"{where}, {role}: {diff}" for diff in diffs]
    assert not failures, "\n".join(failures)


def _every_role(game: Game) -> tuple[str, ...]:
    return tuple(game.roles)


def _observers_only(game: Game) -> tuple[str, ...]:
    # the teams' and control's reads do not depend on the observer setting
    return tuple(role for role in game.roles if role == "observers") or ("control",)


@pytest.mark.django_db
def test_each_roles_snapshot_plus_its_events_equals_a_fresh_one_with_a_public_observer() -> None:
    _replay_all("public", _every_role)


@pytest.mark.django_db
def test_an_observer_reading_team_channels_replays_to_a_fresh_snapshot_too() -> None:
    _replay_all("teams", _observers_only)


def test_every_event_type_has_a_case_and_a_reducer() -> None:
    covered = {EventType(event_type) for case in CASES for event_type in case.covers}
    assert set(EventType) - covered == set(), (
        f"event types without a replay case: {sorted(set(EventType) - covered)}"
    )
    assert set(EventType) - set(REDUCERS) == set(), (
        f"no reducer for: {sorted(set(EventType) - set(REDUCERS))}"
    )


@pytest.fixture(scope="module", autouse=True)
def _print_timings() -> Iterator[None]:
    yield
    if _timings:
        total = sum(seconds for _name, seconds in _timings)
        slowest = max(_timings, key=lambda item: item[1])
        print(
            f"\nreplay equivalence: {len(_timings)} runs, {total:.1f} s; slowest {slowest[0]} "
            f"{slowest[1]:.2f} s"
        )
