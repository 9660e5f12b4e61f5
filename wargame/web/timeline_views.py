"""The review page: the exercise turn by turn, as the caller's own view stream recorded it.

Control reads every decision with its rationale; a team its own decisions and what it perceived
of the others in each published outcome; observers the public record (and decisions only when
the facilitator opened the teaching view, since only then does their stream carry them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.shortcuts import render
from django.views.decorators.http import require_GET

from wargame.exercises.bot_words import rationale_in
from wargame.exercises.events import EventType
from wargame.exercises.selectors.history import escalation_history, ladder_scale
from wargame.exercises.selectors.reads import exercise_payload, exercise_visible
from wargame.exercises.services.game import exercise_scenario
from wargame.reports.aar.access import report_readable
from wargame.web.access import page_principal, view_position
from wargame.web.review_dashboard import escalation_figure
from wargame.web.review_labels import active_language, in_language, status_name
from wargame.web.review_stream import whole_stream
from wargame.web.room_labels import params_text

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from wargame.engine.scenario import Scenario
    from wargame.exercises.selectors.events import ViewEvent


@dataclass
class TurnRecord:
    turn: int
    injects: list[dict[str, Any]] = field(default_factory=list)
    decisions: dict[str, dict[str, Any]] = field(default_factory=dict)
    submitted: set[str] = field(default_factory=set)
    statements: list[dict[str, Any]] = field(default_factory=list)
    outcome: dict[str, Any] | None = None

    @property
    def submitted_teams(self) -> list[str]:
        return sorted(self.submitted)

    def has_content(self) -> bool:
        return bool(
            self.injects or self.decisions or self.submitted or self.statements or self.outcome
        )


class _Titles:
    def __init__(self, catalogue: Any, lang: str) -> None:
        self.catalogue, self.lang = catalogue, lang

    def __call__(self, action: str | None) -> str:
        if not action:
            return ""
        found = self.catalogue.actions.get(action)
        return in_language(found.title, self.lang) if found is not None else action


def _team_name(scenario: Scenario, code: str | None, lang: str) -> str:
    brief = scenario.teams.get(code or "")
    return brief.name.get(lang) if brief is not None else code or ""


def _action_rows(actions: list[dict[str, Any]], title: _Titles) -> list[dict[str, Any]]:
    return [
        {
            "id": item.get("action"),
            "title": title(item.get("action")),
            "target": item.get("target"),
            "params": params_text(item.get("params")),
        }
        for item in actions
    ]


def _outcome(payload: dict[str, Any], lang: str, title: _Titles) -> dict[str, Any]:
    return {
        "narrative": in_language(payload.get("narrative"), lang),
        "events": [
            {
                "actor": event.get("actor"),
                "target": event.get("target"),
                "title": title(event.get("action")) or event.get("kind", ""),
            }
            for event in payload.get("events", [])
            if event.get("kind") == "action" or event.get("action")
        ],
    }


def turn_records(events: list[ViewEvent], lang: str, title: _Titles) -> list[TurnRecord]:
    """The view's stream grouped by the turn each event belongs to (turn 0: before the start)."""
    turns: dict[int, TurnRecord] = {}
    current = 0

    def record(turn: int | None) -> TurnRecord:
        key = int(turn) if turn is not None else current
        return turns.setdefault(key, TurnRecord(turn=key))

    for event in events:
        payload = event.payload if isinstance(event.payload, dict) else {}
        if event.type == EventType.PHASE_CHANGED and payload.get("turn") is not None:
            current = int(payload["turn"])
        elif event.type == EventType.INJECT_RELEASED:
            record(payload.get("turn")).injects.append(
                {
                    "title": in_language(payload.get("title"), lang),
                    "body": in_language(payload.get("body"), lang),
                    "audience": payload.get("audience", []),
                    "at": event.at,
                }
            )
        elif event.type in (EventType.DECISION_SAVED, EventType.DECISION_SUBMITTED):
            turn = record(payload.get("turn"))
            team = str(payload.get("team", ""))
            if event.type == EventType.DECISION_SUBMITTED:
                turn.submitted.add(team)
            if "actions" in payload:
                # A later save supersedes an earlier one: the last seen is what counted.
                turn.decisions[team] = {
                    "team": team,
                    "status": payload.get("status"),
                    "rationale": rationale_in(str(payload.get("rationale") or ""), lang),
                    "actions": _action_rows(payload.get("actions") or [], title),
                }
        elif event.type == EventType.STATEMENT_PUBLISHED:
            record(None).statements.append(
                {"team": payload.get("team"), "body": payload.get("body", ""), "at": event.at}
            )
        elif event.type == EventType.OUTCOME_PUBLISHED:
            record(payload.get("turn")).outcome = _outcome(payload, lang, title)
    return [turns[key] for key in sorted(turns) if turns[key].has_content()]


@require_GET
def timeline(request: HttpRequest, exercise_id: int) -> HttpResponse:
    principal = page_principal(request, exercise_id)
    exercise = exercise_visible(principal)
    upto = view_position(exercise, principal.view)
    lang = active_language()
    scenario = exercise_scenario(exercise)
    events = whole_stream(exercise_id=exercise.pk, view=principal.view, upto=upto)
    body = exercise_payload(exercise, principal)
    history = escalation_history(principal)
    api = f"/api/v1/exercises/{exercise.pk}/"
    context: dict[str, Any] = {
        "exercise_id": exercise.pk,
        "title": body["title"],
        "status": body["status"],
        "status_name": status_name(body["status"]),
        "turns": turn_records(events, lang, _Titles(scenario.catalogue(), lang)),
        "figure": escalation_figure(
            history, ladder_scale(principal), dom_id="timeline", with_ci=principal.is_control
        ),
        "is_control": principal.is_control,
        "report_readable": report_readable(principal, exercise),
        "own_team": principal.team_code,
        "own_team_name": _team_name(scenario, principal.team_code, lang),
        "view": principal.view,
        "links": {
            "report": f"{api}report.html",
            "report_pdf": f"{api}report.pdf",
            "jsonl": f"{api}export.jsonl",
            "csv": f"{api}export.csv",
            "research": f"{api}export.research.jsonl",
        },
    }
    return render(request, "web/timeline/timeline.html", context)
