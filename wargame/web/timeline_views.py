"""The review page: the exercise turn by turn, as the caller's own view stream recorded it.

Control reads every decision with its rationale; a team its own decisions and what it perceived
of the others in each published outcome; observers the public record (and decisions only when
the facilitator opened the teaching view, since only then does their stream carry them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.shortcuts import render
from django.views.decorators.http import require_GET

from wargame.exercises.audience import may_see, report_audience
from wargame.exercises.bot_words import rationale_in
from wargame.exercises.selectors.console import published_turns
from wargame.exercises.selectors.history import escalation_history, ladder_scale
from wargame.exercises.selectors.reads import exercise_payload, exercise_visible
from wargame.exercises.selectors.turns import turns_of, view_stream
from wargame.exercises.services.game import exercise_scenario
from wargame.labels import measure_name, params_text, status_name
from wargame.languages import active_language, in_language
from wargame.web.access import page_principal, view_position
from wargame.web.fork_choices import replacement_choices
from wargame.web.review_dashboard import escalation_figure

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from django.http import HttpRequest, HttpResponse

    from wargame.engine.scenario import Scenario
    from wargame.exercises.selectors.events import ViewEvent
    from wargame.exercises.selectors.turns import TurnLog


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


class _Titles:
    def __init__(self, catalogue: Any, lang: str) -> None:
        self.catalogue, self.lang = catalogue, lang

    def __call__(self, action: str | None) -> str:
        if not action:
            return ""
        found = self.catalogue.actions.get(action)
        # An outcome's agreement events carry the measure (`c.swap`), not an action.
        return in_language(found.title, self.lang) if found is not None else measure_name(action)


def _team_name(scenario: Scenario, code: str | None, lang: str) -> str:
    brief = scenario.teams.get(code or "")
    return brief.name.get(lang) if brief is not None else code or ""


def _action_rows(actions: Iterable[Mapping[str, Any]], title: _Titles) -> list[dict[str, Any]]:
    return [
        {
            "id": item.get("action"),
            "title": title(item.get("action")),
            "target": item.get("target"),
            "params": params_text(item.get("params")),
        }
        for item in actions
    ]


def _outcome(payload: Mapping[str, Any], lang: str, title: _Titles) -> dict[str, Any]:
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


def _record(turn: TurnLog, lang: str, title: _Titles) -> TurnRecord:
    record = TurnRecord(turn=turn.turn, submitted=set(turn.submitted))
    record.injects = [
        {
            "title": in_language(item.payload.get("title"), lang),
            "body": in_language(item.payload.get("body"), lang),
            "audience": item.payload.get("audience", []),
            "at": item.at,
        }
        for item in turn.injects
    ]
    record.decisions = {
        team: {
            "team": team,
            "status": payload.get("status"),
            "rationale": rationale_in(str(payload.get("rationale") or ""), lang),
            "actions": _action_rows(payload.get("actions") or [], title),
        }
        for team, payload in turn.decisions.items()
    }
    record.statements = [
        {"team": item.payload.get("team"), "body": item.payload.get("body", ""), "at": item.at}
        for item in turn.statements
    ]
    if turn.outcome is not None:
        record.outcome = _outcome(turn.outcome, lang, title)
    return record


def turn_records(events: list[ViewEvent], lang: str, title: _Titles) -> list[TurnRecord]:
    """The view's stream grouped by the turn each event belongs to (turn 0: before the start)."""
    return [_record(turn, lang, title) for turn in turns_of(events).played()]


@require_GET
def timeline(request: HttpRequest, exercise_id: int) -> HttpResponse:
    principal = page_principal(request, exercise_id)
    exercise = exercise_visible(principal)
    upto = view_position(exercise, principal.view)
    lang = active_language()
    scenario = exercise_scenario(exercise)
    events = view_stream(exercise_id=exercise.pk, view=principal.view, upto=upto)
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
        # Control may fork a what-if branch at each published turn, replacing one decision.
        "fork_turns": published_turns(exercise) if principal.is_control else [],
        "fork_teams": replacement_choices(scenario, lang) if principal.is_control else [],
        "report_readable": may_see(principal.view, report_audience(exercise)),
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
