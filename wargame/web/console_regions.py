"""What each region of the facilitator console shows, read through the selectors as control's
view (the table is ``wargame.web.regions.table``).

A builder reads as the view, never as a person: one render serves every facilitator's console in
a language, and the page, a fragment and a pushed region are the same HTML.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wargame.engine.narrative import advice_text
from wargame.exercises.errors import NotFound
from wargame.exercises.events import EventType
from wargame.exercises.models import ExerciseStatus, ObserverView, Phase
from wargame.exercises.selectors.beliefs import belief_progress
from wargame.exercises.selectors.console import (
    decision_progress,
    event_tail,
    proposal_needs_nuclear_approval,
    proposal_pending,
    published_turns,
    scenario_injects,
    team_rows,
)
from wargame.exercises.selectors.reads import (
    channels_for,
    exercise_payload,
    messages_for,
    state_for,
    statements_for,
)
from wargame.exercises.services.game import exercise_scenario
from wargame.exercises.times import iso_utc
from wargame.labels import CHANNEL_KIND_NAMES

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.utils.functional import _StrPromise

    from wargame.exercises.events import MessagePayload
    from wargame.exercises.models import Exercise
    from wargame.exercises.shapes import ChannelBody
    from wargame.web.regions.reader import Reader

MESSAGES_SHOWN = 100
STATEMENTS_SHOWN = 20

COMMANDS = ("open_lobby", "start", "advance", "pause", "resume", "end")
HOTLINES = ("ik", "us")
HOTLINE_STATES = ("up", "degraded", "down")

EVENT_LABELS: dict[EventType, _StrPromise] = {
    EventType.PARTICIPANT_JOINED: gettext_lazy("Participant joined"),
    EventType.REPORT_FAILED: gettext_lazy("Report failed"),
    EventType.PARTICIPANT_LEFT: gettext_lazy("Participant left"),
    EventType.EXERCISE_CHANGED: gettext_lazy("Settings changed"),
    EventType.EXERCISE_STARTED: gettext_lazy("Exercise started"),
    EventType.EXERCISE_PAUSED: gettext_lazy("Paused"),
    EventType.EXERCISE_RESUMED: gettext_lazy("Resumed"),
    EventType.EXERCISE_ENDED: gettext_lazy("Exercise ended"),
    EventType.PHASE_CHANGED: gettext_lazy("Phase changed"),
    EventType.DEADLINE_CHANGED: gettext_lazy("Deadline changed"),
    EventType.INJECT_RELEASED: gettext_lazy("Inject released"),
    EventType.DECISION_SAVED: gettext_lazy("Draft saved"),
    EventType.DECISION_SUBMITTED: gettext_lazy("Decision submitted"),
    EventType.MESSAGE_POSTED: gettext_lazy("Message"),
    EventType.STATEMENT_PUBLISHED: gettext_lazy("Public statement"),
    EventType.CHANNEL_OPENED: gettext_lazy("Channel opened"),
    EventType.CHANNEL_CLOSED: gettext_lazy("Channel closed"),
    EventType.HOTLINE_CHANGED: gettext_lazy("Hotline changed"),
    EventType.TEAM_AI_CHANGED: gettext_lazy("AI stand-in changed"),
    EventType.AGREEMENT_CHANGED: gettext_lazy("Agreement changed"),
    EventType.ADJUDICATION_PROPOSED: gettext_lazy("Outcome proposed"),
    EventType.ADJUDICATION_DECISION_POINT: gettext_lazy("Nuclear decision point"),
    EventType.ADJUDICATION_OVERRIDDEN: gettext_lazy("Proposal overridden"),
    EventType.OUTCOME_PUBLISHED: gettext_lazy("Outcome published"),
    EventType.REPORT_PROGRESS: gettext_lazy("Report in progress"),
    EventType.REPORT_READY: gettext_lazy("Report ready"),
    EventType.BELIEF_SUBMITTED: gettext_lazy("Beliefs answered"),
    EventType.DEBRIEF_RELEASED: gettext_lazy("Debrief released"),
}

HOTLINE_LABELS: dict[str, _StrPromise] = {
    "ik": gettext_lazy("Inter-Korean hotline"),
    "us": gettext_lazy("US-DPRK line"),
}
HOTLINE_STATE_LABELS: dict[str, _StrPromise] = {
    "up": gettext_lazy("Up"),
    "degraded": gettext_lazy("Degraded"),
    "down": gettext_lazy("Down"),
}


def base(ctx: Reader) -> dict[str, Any]:
    """What every region of the console shows besides its own."""
    return {"exercise": ctx.exercise}


def _phase_label(exercise: Exercise) -> str:
    return str(exercise.get_phase_display()) if exercise.phase else ""


def header(ctx: Reader) -> dict[str, Any]:
    exercise = ctx.exercise
    scenario = exercise_scenario(exercise)
    cut = scenario.current_cut()
    ended = exercise.status == ExerciseStatus.ENDED
    exports = []
    if ended:
        base = f"/api/v1/exercises/{exercise.pk}/"
        exports = [
            {"label": _("Event log (JSON lines)"), "url": base + "export.jsonl"},
            {"label": _("Spreadsheet (CSV)"), "url": base + "export.csv"},
            {"label": _("Research export (de-identified)"), "url": base + "export.research.jsonl"},
            {"label": _("Per-turn table (CSV)"), "url": base + "export.turns.csv"},
            {"label": _("Per-turn table (Parquet)"), "url": base + "export.turns.parquet"},
        ]
    return {
        "status_label": exercise.get_status_display(),
        "phase_label": _phase_label(exercise),
        "deadline": iso_utc(exercise.deadline),
        "paused_remaining": exercise.paused_remaining_seconds,
        "screen_url": reverse("web:screen", args=[exercise.pk]),
        "timeline_url": reverse("web:timeline", args=[exercise.pk]),
        "exports": exports,
        # A what-if branch starts at a published turn (the fork form).
        "fork_turns": published_turns(exercise),
        "turn_count": scenario.turn_count,
        "scenario_title": scenario.title.get(ctx.lang),
        "cut_name": cut.name.get(ctx.lang) if cut is not None else "",
        "learning_objectives": [o.get(ctx.lang) for o in scenario.learning_objectives],
    }


def _advance_hint(ctx: Reader, pending: bool, nuclear: bool) -> str:
    exercise = ctx.exercise
    status, phase = exercise.status, exercise.phase
    if status == ExerciseStatus.DRAFT:
        return _("Open the lobby so that teams can join with their codes.")
    if status == ExerciseStatus.LOBBY:
        return _("Start begins turn 1 with its briefing.")
    if status == ExerciseStatus.ENDED:
        return _("The exercise has ended.")
    if status == ExerciseStatus.PAUSED:
        return _("Paused: the clock is stopped. Resume to carry on.")
    if phase == Phase.BRIEFING:
        return _("Open deliberation: teams draft and submit, and the clock starts.")
    if phase == Phase.DELIBERATION:
        return _("Lock submissions and adjudicate.")
    if phase == Phase.ADJUDICATION:
        if pending:
            return _("The engine is adjudicating; the proposal appears in the review panel.")
        if nuclear:
            return _(
                "The proposal crosses the nuclear threshold: approve or change it in the "
                "review panel before publishing."
            )
        return _("Publish the proposed outcome to every team.")
    if phase == Phase.OUTCOME:
        turn_count = exercise_scenario(exercise).turn_count
        if (exercise.turn or 0) >= turn_count:
            return _("End the exercise: this was the last turn.")
        return _("Begin turn %(turn)s with its briefing.") % {"turn": (exercise.turn or 0) + 1}
    return ""


def controls(ctx: Reader) -> dict[str, Any]:
    exercise = ctx.exercise
    status = exercise.status
    pending = proposal_pending(ctx.principal)
    nuclear = proposal_needs_nuclear_approval(ctx.principal)
    running, paused = status == ExerciseStatus.RUNNING, status == ExerciseStatus.PAUSED
    enabled = {
        "open_lobby": status == ExerciseStatus.DRAFT,
        "start": status == ExerciseStatus.LOBBY,
        "advance": running and not pending and not nuclear,
        "pause": running,
        "resume": paused,
        "end": status in (ExerciseStatus.LOBBY, ExerciseStatus.RUNNING, ExerciseStatus.PAUSED),
    }
    can_extend = exercise.phase == Phase.DELIBERATION and (
        (running and exercise.deadline is not None)
        or (paused and exercise.paused_remaining_seconds is not None)
    )
    return {
        "enabled": enabled,
        "can_extend": can_extend,
        "advance_hint": _advance_hint(ctx, pending, nuclear),
        "expected_turn_json": json.dumps(exercise.turn),
        "expected_phase_json": json.dumps(exercise.phase),
    }


def join_path(code: str) -> str:
    """The join link a phone opens from the QR code, without the server's address: the join page
    fills in the code. The code is in the fragment, which browsers never send, so it stays out
    of access logs."""
    return reverse("web:join") + "#" + urlencode({"code": code})


def join_link(request: HttpRequest, code: str) -> str:
    """The join link with the address the request came to (the QR code's; the console's page
    writes its own origin before the path in the browser)."""
    return request.build_absolute_uri(join_path(code))


def codes(ctx: Reader) -> dict[str, Any]:
    exercise = ctx.exercise
    join_codes: dict[str, str] = exercise_payload(exercise, ctx.principal).get("join_codes", {})
    scenario = exercise_scenario(exercise)
    rows = []
    keys = [code for code in scenario.team_codes if code in join_codes] + ["observers"]
    for key in keys:
        code = join_codes.get(key)
        if code is None:
            continue
        brief = scenario.teams.get(key)
        rows.append(
            {
                "key": key,
                "label": brief.name.get(ctx.lang) if brief is not None else _("Observers"),
                "code": code,
                "link": join_path(code),
                "qr_url": reverse("web:console-qr", args=[exercise.pk, key]),
            }
        )
    return {"join_rows": rows}


def teams(ctx: Reader) -> dict[str, Any]:
    # Standing advice to each team (the 2022 law, R11): control reads what each room is told.
    advice: dict[str, list[str]] = {}
    for item in state_for(ctx.principal).get("advice") or ():
        text = advice_text(item["rule"], item.get("recommends") or (), ctx.lang)
        advice.setdefault(item["team"], []).append(text)
    turn = ctx.exercise.turn
    answered = belief_progress(ctx.principal, turn) if turn is not None else {}
    scenario = exercise_scenario(ctx.exercise)
    rows = [
        {
            **row,
            "advice": advice.get(row["code"], []),
            "beliefs_answered": answered.get(row["code"], 0),
            "beliefs_asked": sum(1 for q in scenario.beliefs if row["code"] in q.teams),
        }
        for row in team_rows(ctx.principal, ctx.lang, timezone.now())
    ]
    return {
        "team_rows": rows,
        "team_codes": [row["code"] for row in rows],
        "has_turn": ctx.exercise.turn is not None,
    }


def submitted(ctx: Reader) -> dict[str, Any]:
    """The run view's strip of who has submitted this turn's decision."""
    rows = decision_progress(ctx.principal, ctx.lang)
    return {
        "progress_rows": rows,
        "submitted_count": sum(1 for row in rows if row["decision_status"] == "submitted"),
        "team_count": len(rows),
        "has_turn": ctx.exercise.turn is not None,
    }


def injects(ctx: Reader) -> dict[str, Any]:
    phases = dict(Phase.choices)
    rows = [
        {**row, "phase_label": phases.get(row["phase"] or "", row["phase"] or "")}
        for row in scenario_injects(ctx.principal, ctx.lang)
    ]
    scenario = exercise_scenario(ctx.exercise)
    return {
        "inject_rows": rows,
        "can_release": ctx.exercise.status == ExerciseStatus.RUNNING,
        "audience_teams": [
            {"code": code, "name": brief.name.get(ctx.lang)}
            for code, brief in scenario.teams.items()
        ],
    }


def hotlines(ctx: Reader) -> dict[str, Any]:
    state = state_for(ctx.principal)
    current: dict[str, str] = dict(state.get("hotline") or {})
    rows = [
        {
            "key": key,
            "label": HOTLINE_LABELS.get(key, key),
            "state": current[key],
            "state_label": HOTLINE_STATE_LABELS.get(current[key], current[key]),
            "choices": [
                {"value": value, "label": HOTLINE_STATE_LABELS[value]} for value in HOTLINE_STATES
            ],
        }
        for key in HOTLINES
        if key in current
    ]
    return {
        "hotline_rows": rows,
        "can_set_hotline": ctx.exercise.status == ExerciseStatus.RUNNING,
    }


def settings(ctx: Reader) -> dict[str, Any]:
    exercise = ctx.exercise
    return {
        "auto_advance": exercise.auto_advance,
        "auto_publish": exercise.auto_publish,
        "observer_view": exercise.observer_view,
        "observer_choices": ObserverView.choices,
    }


def selected_channel(ctx: Reader, variant: str | None) -> str | None:
    """The variant of the ``channels`` region a console asking for ``variant`` shows: that
    channel, else the first."""
    chosen = _selected_channel(channels_for(ctx.principal), variant)
    return str(chosen["id"]) if chosen is not None else None


def _selected_channel(channels: list[ChannelBody], wanted: str | None) -> ChannelBody | None:
    chosen = next((c for c in channels if str(c["id"]) == wanted), None)
    return chosen or (channels[0] if channels else None)


def channels(ctx: Reader) -> dict[str, Any]:
    visible = channels_for(ctx.principal)
    selected = _selected_channel(visible, ctx.variant)
    messages: list[MessagePayload] = []
    if selected is not None:
        try:
            messages = messages_for(
                ctx.principal, channel_number=selected["id"], after=0, limit=500
            )
        except NotFound:
            messages = []
    statements = statements_for(ctx.principal, after=0, limit=500)
    part = reverse("web:console-part", args=[ctx.exercise.pk, "channels"])
    return {
        "channel_list": [
            {**c, "part_url": f"{part}?{urlencode({'channel': c['id']})}"} for c in visible
        ],
        "selected": (
            {**selected, "kind_name": CHANNEL_KIND_NAMES.get(selected["kind"], selected["kind"])}
            if selected is not None
            else None
        ),
        "messages": messages[-MESSAGES_SHOWN:],
        "statements": list(reversed(statements[-STATEMENTS_SHOWN:])),
        "can_post": selected is not None and selected["kind"] == "control" and selected["open"],
    }


def _event_summary(event_type: EventType, payload: Any, lang: str) -> str:
    if not isinstance(payload, dict):
        return ""
    if event_type == EventType.PHASE_CHANGED:
        phase = payload.get("phase") or ""
        label = dict(Phase.choices).get(phase, phase)
        return _("turn %(turn)s · %(phase)s") % {"turn": payload.get("turn"), "phase": label}
    if event_type in (EventType.PARTICIPANT_JOINED, EventType.PARTICIPANT_LEFT):
        name = payload.get("display_name") or ""
        team = payload.get("team") or ""
        return f"{name} {team}".strip()
    if event_type == EventType.INJECT_RELEASED:
        title = payload.get("title")
        if isinstance(title, dict):
            return str(title.get(lang) or title.get("en") or "")
        return str(title or "")
    if event_type in (
        EventType.DECISION_SUBMITTED,
        EventType.DECISION_SAVED,
        EventType.TEAM_AI_CHANGED,
        EventType.BELIEF_SUBMITTED,
    ):
        return str(payload.get("team") or "")
    if event_type == EventType.HOTLINE_CHANGED:
        hotline, state = str(payload.get("hotline", "")), str(payload.get("state", ""))
        return f"{HOTLINE_LABELS.get(hotline, hotline)}: {HOTLINE_STATE_LABELS.get(state, state)}"
    if event_type == EventType.EXERCISE_CHANGED:
        return str(payload.get("change") or "")
    return ""


def events(ctx: Reader) -> dict[str, Any]:
    tail = event_tail(ctx.principal, ctx.position)
    return {
        "event_rows": [
            {
                "seq": event.seq,
                "type": event.type,
                "label": EVENT_LABELS.get(event.type, event.type),
                "summary": _event_summary(event.type, event.payload, ctx.lang),
                "at": event.at,
            }
            for event in tail
        ]
    }
