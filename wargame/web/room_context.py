"""What each region of the team room shows, read through the selectors as the team's view.

Every region has a builder here (the table is ``wargame.web.regions.table``); a builder reads as
the view and never as a person, so one render serves every member of the team in a language.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import pgettext

from wargame.engine import joint as joint_rules
from wargame.exercises.audience import may_see, report_audience
from wargame.exercises.bot_words import rationale_in
from wargame.exercises.events import EventType
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
from wargame.web.regions.parts import rendered_part
from wargame.web.scenario_clock import scenario_time

if TYPE_CHECKING:
    from collections.abc import Mapping

    from wargame.exercises.events import DecisionPayload, MessagePayload
    from wargame.exercises.models import Exercise
    from wargame.exercises.shapes import ChannelBody
    from wargame.web.regions.reader import Reader

MESSAGES_SHOWN = 100
STATEMENTS_SHOWN = 100
OPEN_PHASES = ("briefing", "deliberation")


def base(reader: Reader) -> dict[str, Any]:
    """What every region of the room shows: the exercise and the team."""
    return {
        "exercise": reader.exercise,
        "team": reader.team,
        "team_name": reader.team_names.get(reader.team, reader.team),
        "storage_key": f"{reader.exercise.pk}:{reader.team}",
    }


def header(room: Reader) -> dict[str, Any]:
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
        # Once control has released the debrief to the team (or it is the player's practice game).
        "report_readable": may_see(room.view, report_audience(exercise)),
        "report_url": f"/api/v1/exercises/{exercise.pk}/report.html",
    }


def briefing(room: Reader) -> dict[str, Any]:
    brief = room.scenario.teams[room.team]
    return {
        "briefing_text": brief.briefing.get(room.lang),
        "objectives": [o.get(room.lang) for o in brief.objectives],
        "red_lines": [r.get(room.lang) for r in brief.red_lines],
        "learning_objectives": [o.get(room.lang) for o in room.scenario.learning_objectives],
        "scenario_title": room.scenario.title.get(room.lang),
        "scenario_summary": room.scenario.summary.get(room.lang),
    }


def injects(room: Reader) -> dict[str, Any]:
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


def situation(room: Reader) -> dict[str, Any]:
    return {
        "situation": room_situation.situation(state_for(room.principal), room.team_names, room.lang)
    }


def agreements(room: Reader) -> dict[str, Any]:
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


def decision(room: Reader) -> dict[str, Any]:
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
    groups = room_forms.grouped(specs)
    blank_rows = [room_forms.action_row(s, {}, choices, teams) for s in specs]
    return {
        "turn": turn,
        "decision": current,
        "status": status,
        "locked_reason": reason,
        "editable": status in ("none", "draft"),
        "groups": groups,
        "specs": specs,
        # The same for every render until the actions on offer change: rendered once.
        "row_templates": rendered_part(
            "web/room/_row_templates.html", {"groups": groups, "blank_rows": blank_rows}
        ),
        "rows": rows,
        "budget": int(budget["actions_per_turn"]),
        "free_budget": int(budget["free_per_turn"]),
        "max_rows": int(budget["actions_per_turn"]) + int(budget["free_per_turn"]),
        "budget_used": sum(1 for r in rows if r.action_id not in room_forms.FREE_ACTIONS),
        "rationale_max": int(budget["rationale_max"]),
        "draft_key": f"{exercise.pk}:{room.team}:{turn}",
        "threshold": threshold(room),
    }


def beliefs(room: Reader) -> dict[str, Any]:
    """The scenario's questions put to the team, in the room's language, with its saved answers;
    open during deliberation only (the questionnaire closes at the lock)."""
    exercise = room.exercise
    turn = exercise.turn
    asked = [q for q in room.scenario.beliefs if room.team in q.teams]
    saved, version = belief_answers_for(room.principal, turn) if turn is not None else ({}, 0)
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
    return {
        "questions": questions,
        "open": open_now,
        "turn": turn,
        "answered": len(saved),
        "version": version,
    }


def joint(room: Reader) -> dict[str, Any]:
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


def _shown_channel(listed: list[ChannelBody], variant: str | None) -> ChannelBody | None:
    """The channel a page shows: the one it asks for if the view may read it, else the team's."""
    chosen = next((c for c in listed if str(c["id"]) == variant), None)
    if chosen is None:
        chosen = next((c for c in listed if c["kind"] == "team"), listed[0] if listed else None)
    return chosen


def shown_channel(room: Reader, variant: str | None) -> str | None:
    """The variant of the ``channel`` region a page asking for ``variant`` shows."""
    chosen = _shown_channel(channels_for(room.principal), variant)
    return str(chosen["id"]) if chosen is not None else None


def channel_list(room: Reader) -> dict[str, Any]:
    """The channels the team may read, each with its recent message ids (the page counts what is
    unread; which one is open is the page's business too)."""
    ids = channel_message_ids(room.principal)
    return {
        "channels": [
            {
                **c,
                "kind_name": CHANNEL_KIND_NAMES.get(c["kind"], c["kind"]),
                **_with_state_name(c),
                "message_ids": ",".join(str(i) for i in ids.get(c["id"], [])),
            }
            for c in channels_for(room.principal)
        ],
    }


def open_channel(room: Reader) -> dict[str, Any]:
    """One channel's messages and its form (the region's variant names the channel)."""
    chosen = _shown_channel(channels_for(room.principal), room.variant)
    messages: list[MessagePayload] = []
    if chosen is not None:
        known = channel_message_ids(room.principal).get(chosen["id"], [])
        after = known[-MESSAGES_SHOWN - 1] if len(known) > MESSAGES_SHOWN else 0
        messages = messages_for(
            room.principal, channel_number=chosen["id"], after=after, limit=MESSAGES_SHOWN
        )
    return {
        "channel": _with_state_name(chosen) if chosen is not None else None,
        "messages": messages,
        "can_post": chosen is not None
        and chosen["open"]
        and room.exercise.status in ("lobby", "running", "paused"),
    }


def statements(room: Reader) -> dict[str, Any]:
    rows = statements_for(room.principal, after=0, limit=500)[-STATEMENTS_SHOWN:]
    return {
        "statements": [{**s, "team_name": room.team_names.get(s["team"], s["team"])} for s in rows],
        "can_state": room.exercise.status in ("lobby", "running", "paused"),
    }


def outcome(room: Reader) -> dict[str, Any]:
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


def threshold(room: Reader) -> dict[str, Any]:
    """The nuclear threshold as the team sees it: from its own view, never the truth."""
    return room_situation.nearest_threshold(state_for(room.principal), room.team_names)


def practice(room: Reader) -> dict[str, Any]:
    exercise = room.exercise
    waiting = practice_approval_waiting(room.principal)
    return {
        "practice": exercise.practice,
        "approval_waiting": waiting,
        "threshold": threshold(room) if waiting else None,
        "command_body": json.dumps(
            {"expected_turn": exercise.turn, "expected_phase": exercise.phase}
        ),
        "phase_name": phase_name(exercise.phase),
    }
