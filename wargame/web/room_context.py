"""What each region of the team room shows, read through the selectors from the team's own view.

Every region has a builder here; the page renders them all, a fragment URL one of them, with the
same template, so the page and a refreshed region never differ.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import pgettext

from wargame.engine import joint as joint_rules
from wargame.exercises.bot_words import rationale_in
from wargame.exercises.events import CLOCK_EVENTS, EventType, refresh_on
from wargame.exercises.selectors.beliefs import belief_answers_for
from wargame.exercises.selectors.joint import joint_proposals_for
from wargame.exercises.selectors.reads import (
    actions_available,
    agreements_visible,
    channels_for,
    decision_for,
    exercise_payload,
    messages_for,
    state_for,
    statements_for,
)
from wargame.exercises.selectors.room import (
    channel_message_ids,
    practice_approval_waiting,
    view_events_of,
)
from wargame.exercises.times import iso_utc
from wargame.labels import (
    AGREEMENT_STATUS,
    CHANNEL_KIND_NAMES,
    PLACE_NAMES,
    measure_name,
    params_text,
    phase_name,
    value_label,
)
from wargame.languages import in_language
from wargame.web import room_forms, room_situation
from wargame.web.scenario_clock import scenario_time

if TYPE_CHECKING:
    from collections.abc import Mapping

    from wargame.engine.scenario import Scenario
    from wargame.exercises.events import DecisionPayload, MessagePayload
    from wargame.exercises.models import Exercise
    from wargame.exercises.principals import Principal

MESSAGES_SHOWN = 100
STATEMENTS_SHOWN = 100
OPEN_PHASES = ("briefing", "deliberation")

# Which events change which region; live.js refetches on these.
REFRESH: dict[str, str] = {
    "header": refresh_on(*CLOCK_EVENTS, EventType.DECISION_SUBMITTED, EventType.TEAM_AI_CHANGED),
    "briefing": refresh_on(),
    "injects": refresh_on(EventType.INJECT_RELEASED),
    "situation": refresh_on(
        EventType.OUTCOME_PUBLISHED, EventType.STATE_CHANGED, EventType.HOTLINE_CHANGED
    ),
    "agreements": refresh_on(EventType.AGREEMENT_CHANGED, EventType.OUTCOME_PUBLISHED),
    "decision": refresh_on(
        EventType.DECISION_SAVED,
        EventType.DECISION_SUBMITTED,
        *CLOCK_EVENTS,
        EventType.AGREEMENT_CHANGED,
        EventType.OUTCOME_PUBLISHED,
    ),
    "beliefs": refresh_on(EventType.BELIEF_SUBMITTED, *CLOCK_EVENTS),
    "channels": refresh_on(
        EventType.MESSAGE_POSTED,
        EventType.CHANNEL_OPENED,
        EventType.CHANNEL_CLOSED,
        EventType.HOTLINE_CHANGED,
    ),
    "statements": refresh_on(EventType.STATEMENT_PUBLISHED),
    "joint": refresh_on(
        EventType.JOINT_PROPOSED,
        EventType.JOINT_JOINED,
        EventType.DECISION_SAVED,
        EventType.DECISION_SUBMITTED,
        *CLOCK_EVENTS,
    ),
    "outcome": refresh_on(EventType.OUTCOME_PUBLISHED),
    "practice": refresh_on(
        EventType.EXERCISE_STARTED,
        EventType.PHASE_CHANGED,
        EventType.EXERCISE_PAUSED,
        EventType.EXERCISE_RESUMED,
        EventType.EXERCISE_ENDED,
        EventType.OUTCOME_PUBLISHED,
    ),
}
PARTS = tuple(REFRESH)


@dataclass(frozen=True, slots=True)
class Room:
    """The caller and the game, read once per request."""

    principal: Principal
    exercise: Exercise
    scenario: Scenario
    team: str
    lang: str

    @property
    def team_names(self) -> dict[str, str]:
        return {code: t.name.get(self.lang) for code, t in self.scenario.teams.items()}

    def base(self) -> dict[str, Any]:
        exercise = self.exercise
        return {
            "exercise": exercise,
            "team": self.team,
            "team_name": self.team_names.get(self.team, self.team),
            "storage_key": f"{exercise.pk}:{self.team}",
            "refresh": REFRESH,
        }


def header(room: Room) -> dict[str, Any]:
    exercise = room.exercise
    payload = exercise_payload(exercise, room.principal)
    moment = scenario_time(room.scenario.start_date, exercise.turn, room.scenario.hours_per_turn)
    places = [
        {
            "name": PLACE_NAMES[p.place],
            "iso": p.local.isoformat(),
            "text": p.local.strftime("%Y-%m-%d %H:%M"),
            "zone": p.zone,
        }
        for p in moment.places
    ]
    represents = room.scenario.turn_represents
    return {
        "payload": payload,
        "phase_name": phase_name(exercise.phase),
        "paused": exercise.status == "paused",
        "deadline": iso_utc(exercise.deadline),
        "remaining": payload["remaining_seconds"],
        "scenario_date": moment.date.isoformat(),
        "turn_count": room.scenario.turn_count,
        "scenario_places": places,
        "turn_represents": represents.get(room.lang) if represents else "",
        "display_name": (
            room.principal.participant.display_name if room.principal.participant else ""
        ),
        "teams": [
            {**t, "name": room.team_names.get(t["code"], t["name"])} for t in payload["teams"]
        ],
        # "deciding" only while decisions are open; after the lock a team that did not submit
        # is named as such.
        "decisions_open": exercise.status in ("running", "paused")
        and exercise.phase in OPEN_PHASES
        and (exercise.deadline is None or exercise.deadline > timezone.now()),
        # Control handed this team to a bot: its players are told so in their own room.
        "own_ai": any(t["code"] == room.team and t["ai"] for t in payload["teams"]),
    }


def briefing(room: Room) -> dict[str, Any]:
    brief = room.scenario.teams[room.team]
    return {
        "briefing_text": brief.briefing.get(room.lang),
        "objectives": [o.get(room.lang) for o in brief.objectives],
        "red_lines": [r.get(room.lang) for r in brief.red_lines],
        "learning_objectives": [o.get(room.lang) for o in room.scenario.learning_objectives],
        "scenario_title": room.scenario.title.get(room.lang),
        "scenario_summary": room.scenario.summary.get(room.lang),
    }


def injects(room: Room) -> dict[str, Any]:
    items = [
        {
            "seq": event.seq,
            "turn": event.payload.get("turn"),
            "at": iso_utc(event.at),
            "title": in_language(event.payload.get("title"), room.lang),
            "body": in_language(event.payload.get("body"), room.lang),
        }
        for event in view_events_of(room.principal, [EventType.INJECT_RELEASED])
    ]
    items.reverse()
    return {"injects": items}


def situation(room: Room) -> dict[str, Any]:
    return {
        "situation": room_situation.situation(state_for(room.principal), room.team_names, room.lang)
    }


def agreements(room: Room) -> dict[str, Any]:
    rows = []
    for a in agreements_visible(room.principal):
        steps = a.get("steps") or {}
        rows.append(
            {
                "id": a["id"],
                "measure": measure_name(str(a["measure"])),
                "measure_id": a["measure"],
                "status": a["status"],
                "status_name": AGREEMENT_STATUS.get(a["status"], a["status"]),
                "parties": a["parties"],
                "proposed_by": room.team_names.get(
                    a.get("proposed_by") or "", a.get("proposed_by")
                ),
                "proposed_turn": a.get("proposed_turn"),
                "accepted": a.get("accepted") or [],
                "steps": [{"team": t, "turn": steps.get(t)} for t in a["parties"]],
            }
        )
    return {"agreements": rows}


def _decision_status(exercise: Exercise, decision: DecisionPayload) -> tuple[str, str]:
    """none, draft, submitted or locked, and why it is locked."""
    if decision["status"] == "submitted":
        return "submitted", ""
    if exercise.status == "paused":
        return "locked", "paused"
    if exercise.status != "running" or exercise.turn is None:
        return "locked", "not_running"
    if exercise.phase not in OPEN_PHASES:
        return "locked", "phase"
    if exercise.deadline is not None and exercise.deadline <= timezone.now():
        return "locked", "deadline"
    return str(decision["status"]), ""


def decision(room: Room) -> dict[str, Any]:
    exercise = room.exercise
    turn = exercise.turn
    if turn is None:
        return {"turn": None, "status": "locked", "locked_reason": "not_running"}
    current = decision_for(room.principal, turn=turn, team=None)
    author = current["updated_by"]
    if author is not None and author["bot"]:
        # The bot writes its rationale in English; its team reads it in the room's language.
        current["rationale"] = rationale_in(current["rationale"], room.lang)
    status, reason = _decision_status(exercise, current)
    catalogue = room.scenario.catalogue()
    available = actions_available(room.principal)
    for action in available:
        adef = catalogue.actions.get(action["id"])
        if adef is not None:
            action["title"] = adef.text("title", room.lang)
            action["help"] = adef.text("help", room.lang)
    specs = room_forms.action_specs(available, room.team_names)
    choices = room_forms.agreement_choices(agreements_visible(room.principal), room.team)
    teams = list(room.scenario.team_codes)
    budget = room.scenario.model().data["budget"]
    rows = room_forms.decision_rows(specs, current, choices, teams)
    return {
        "turn": turn,
        "decision": current,
        "status": status,
        "locked_reason": reason,
        "editable": status in ("none", "draft"),
        "groups": room_forms.grouped(specs),
        "specs": specs,
        "blank_rows": [room_forms.action_row(s, {}, choices, teams) for s in specs],
        "rows": rows,
        "budget": int(budget["actions_per_turn"]),
        "free_budget": int(budget["free_per_turn"]),
        "max_rows": int(budget["actions_per_turn"]) + int(budget["free_per_turn"]),
        "budget_used": sum(1 for r in rows if r.action_id not in room_forms.FREE_ACTIONS),
        "rationale_max": int(budget["rationale_max"]),
        "draft_key": f"{exercise.pk}:{room.team}:{turn}",
        "me": room.principal.participant.pk if room.principal.participant else "",
    }


def beliefs(room: Room) -> dict[str, Any]:
    """The scenario's questions put to the team, in the room's language, with its saved answers;
    open during deliberation only (the questionnaire closes at the lock)."""
    exercise = room.exercise
    turn = exercise.turn
    asked = [q for q in room.scenario.beliefs if room.team in q.teams]
    saved = belief_answers_for(room.principal, turn) if turn is not None else {}
    questions = [
        {
            "id": q.id,
            "ask": q.ask.get(room.lang),
            "answer": q.answer,
            "saved": saved.get(q.id),
            "saved_json": json.dumps(saved.get(q.id)),
            "options": [
                {"value": json.dumps(o.value), "text": o.text.get(room.lang)} for o in q.options
            ],
        }
        for q in asked
    ]
    open_now = (
        exercise.status == "running"
        and exercise.phase == "deliberation"
        and (exercise.deadline is None or exercise.deadline > timezone.now())
    )
    return {"questions": questions, "open": open_now, "turn": turn, "answered": len(saved)}


def joint(room: Room) -> dict[str, Any]:
    """Joint actions of the current turn in the open: those proposed to the team (with who
    proposed them and a one-click join), the team's own proposals with who has joined, and the
    joint actions in the team's draft it has not proposed yet (proposing is an explicit act)."""
    turn = room.exercise.turn
    if turn is None:
        return {"turn": None}
    catalogue = room.scenario.catalogue()
    names = room.team_names
    current = decision_for(room.principal, turn=turn, team=None)
    status, _reason = _decision_status(room.exercise, current)
    open_ = status in ("none", "draft")

    def title(action: str) -> str:
        adef = catalogue.actions.get(action)
        return adef.text("title", room.lang) if adef is not None else action

    def details(params: Mapping[str, Any]) -> str:
        # The partners are listed by name; the rest of the parameters in words.
        return params_text({k: v for k, v in params.items() if k != joint_rules.WITH})

    def team_list(codes: list[str]) -> str:
        return pgettext("list separator", ", ").join(names.get(c, c) for c in codes)

    to_us, ours = [], []
    proposed = set()
    for p in joint_proposals_for(room.principal, turn=turn):
        row = {
            **p,
            "title": title(p["action"]),
            "details": details(p["params"]),
            "team_name": names.get(p["team"], p["team"]),
            "partner_teams": team_list(p["partners"]),
            "waiting": team_list([c for c in p["partners"] if c not in p["joined"]]),
            "joined_teams": team_list(p["joined"]),
            "join_body": json.dumps({"team": p["team"], "action": p["action"]}),
        }
        if p["team"] == room.team:
            ours.append(row)
            proposed.add(p["action"])
        elif room.team in p["partners"]:
            to_us.append({**row, "joined_us": room.team in p["joined"]})
    unproposed = []
    for choice in current["actions"]:
        adef = catalogue.actions.get(choice["action"])
        if adef is None or choice["action"] in proposed:
            continue
        partners = joint_rules.partners(
            adef, room.team, choice.get("target"), choice.get("params") or {}
        )
        if partners:
            unproposed.append(
                {
                    "title": title(choice["action"]),
                    "details": details(choice.get("params") or {}),
                    "partner_teams": team_list(list(partners)),
                    "body": json.dumps(
                        {
                            "action": choice["action"],
                            "target": choice.get("target"),
                            "params": choice.get("params") or {},
                        }
                    ),
                }
            )
    return {
        "turn": turn,
        "open": open_,
        "to_us": to_us,
        "ours": ours,
        "unproposed": unproposed,
        "api": f"/api/v1/exercises/{room.exercise.pk}/turns/{turn}/joint/",
    }


def _with_state_name(channel: Mapping[str, Any]) -> dict[str, Any]:
    """A hotline's state ("up", "down") in the reader's words beside the state itself."""
    return {**channel, "state_name": value_label(channel["state"]) if "state" in channel else ""}


def channels(room: Room, selected: int | None) -> dict[str, Any]:
    listed = channels_for(room.principal)
    ids = channel_message_ids(room.principal)
    chosen = next((c for c in listed if c["id"] == selected), None)
    if chosen is None:
        chosen = next((c for c in listed if c["kind"] == "team"), listed[0] if listed else None)
    messages: list[MessagePayload] = []
    if chosen is not None:
        known = ids.get(chosen["id"], [])
        after = known[-MESSAGES_SHOWN - 1] if len(known) > MESSAGES_SHOWN else 0
        messages = messages_for(
            room.principal, channel_id=chosen["id"], after=after, limit=MESSAGES_SHOWN
        )
    return {
        "channels": [
            {
                **c,
                "kind_name": CHANNEL_KIND_NAMES.get(c["kind"], c["kind"]),
                **_with_state_name(c),
                "message_ids": ",".join(str(i) for i in ids.get(c["id"], [])),
                "last_id": (ids.get(c["id"]) or [0])[-1],
                "selected": chosen is not None and c["id"] == chosen["id"],
            }
            for c in listed
        ],
        "channel": _with_state_name(chosen) if chosen is not None else None,
        "messages": messages,
        "can_post": chosen is not None
        and chosen["open"]
        and room.exercise.status in ("lobby", "running", "paused"),
    }


def statements(room: Room) -> dict[str, Any]:
    rows = statements_for(room.principal, after=0, limit=500)[-STATEMENTS_SHOWN:]
    return {
        "statements": [{**s, "team_name": room.team_names.get(s["team"], s["team"])} for s in rows],
        "can_state": room.exercise.status in ("lobby", "running", "paused"),
    }


def outcome(room: Room) -> dict[str, Any]:
    catalogue = room.scenario.catalogue()
    names = room.team_names

    def title(action: str) -> str:
        adef = catalogue.actions.get(action)
        # An outcome's agreement events carry the measure (`c.swap`), not an action.
        return adef.text("title", room.lang) if adef is not None else measure_name(action)

    published = []
    for event in view_events_of(room.principal, [EventType.OUTCOME_PUBLISHED]):
        payload = event.payload or {}
        published.append(
            {
                "turn": payload.get("turn"),
                "narrative": in_language(payload.get("narrative"), room.lang),
                "events": [
                    {
                        "actor": names.get(str(e.get("actor")), e.get("actor")),
                        "action": title(str(e.get("action") or "")),
                        "target": names.get(str(e.get("target")), e.get("target") or ""),
                    }
                    for e in payload.get("events") or ()
                    if e.get("action")
                ],
            }
        )
    published.reverse()
    return {"outcomes": published}


def practice(room: Room) -> dict[str, Any]:
    exercise = room.exercise
    return {
        "practice": exercise.practice,
        "approval_waiting": practice_approval_waiting(room.principal),
        "command_body": json.dumps(
            {"expected_turn": exercise.turn, "expected_phase": exercise.phase}
        ),
        "phase_name": phase_name(exercise.phase),
    }


def part_context(room: Room, name: str, *, channel: int | None = None) -> dict[str, Any]:
    context = room.base()
    if name == "channels":
        context.update(channels(room, channel))
    else:
        context.update(BUILDERS[name](room))
    return context


BUILDERS = {
    "header": header,
    "briefing": briefing,
    "injects": injects,
    "situation": situation,
    "agreements": agreements,
    "decision": decision,
    "beliefs": beliefs,
    "statements": statements,
    "joint": joint,
    "outcome": outcome,
    "practice": practice,
}
