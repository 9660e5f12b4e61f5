"""The report's content as plain data: what ``data.py`` assembles and the template reads."""

from __future__ import annotations

from typing import Any, TypedDict


class TeamRow(TypedDict):
    code: str
    name: str
    played_by: str
    players: int


class Overview(TypedDict):
    title: str
    scenario: str
    summary: str
    scenario_in_english: bool  # the scenario has no text in the report's language
    scenario_date: str
    created: str
    started: str
    ended: str
    turns_published: int
    turns_total: int
    seed: int | None  # control's report only
    teams: list[TeamRow]
    players: int
    observers: int


class InjectRow(TypedDict):
    title: str
    body: str


class DecisionRow(TypedDict):
    team: str
    team_name: str
    actions: list[str]
    rationale: str
    submitted: bool


class StatementRow(TypedDict):
    team: str
    team_name: str
    body: str


class TurnRow(TypedDict):
    turn: int
    represents: str
    injects: list[InjectRow]
    decisions: list[DecisionRow]
    statements: list[StatementRow]
    narrative: str
    published: bool


class PerceptionItem(TypedDict):
    actor: str
    actual: str
    perceived: str
    perceived_action: str  # the action alone, as the discussion questions name it
    status: str  # seen, missed, misread, phantom
    wrong: bool


class PerceptionRow(TypedDict):
    turn: int
    team: str
    team_name: str
    items: list[PerceptionItem]
    wrong: int


class SayDoRow(TypedDict):
    turn: int
    team: str
    team_name: str
    said: list[str]
    did: list[dict[str, Any]]  # {title, private}


class AgreementRow(TypedDict):
    id: int
    measure: str
    measure_key: str
    framing: str  # how it was framed: none, or as an interim step toward denuclearisation
    parties: str
    proposed_by: str
    status: str
    status_key: str
    history: list[dict[str, Any]]  # {turn, status, key}
    violated_by: str


class OverrideRow(TypedDict):
    turn: int
    path: str
    old: str
    new: str
    reason: str


class DecisionPointRow(TypedDict):
    turn: int
    team: str
    rung: int
    approved: bool


class Question(TypedDict):
    kind: str
    turn: int
    text: str
    essay: str  # the essay point a question tests ("" for a summary line)


class Series(TypedDict):
    """One line of a chart: its label and a value per turn (None where unknown)."""

    label: str
    values: list[float | None]


class ChartData(TypedDict):
    turns: list[int]
    rung: list[Series]
    ci: list[Series]
    threat: list[Series]
    assurance: list[Series]
    rung_bounds: tuple[int, int]


class ObjectiveRow(TypedDict):
    text: str
    met: bool | None  # None: prose only, or not scored for this reader yet
    status: str


class ScoreTeam(TypedDict):
    team: str
    team_name: str
    objectives: list[ObjectiveRow]


class BeliefRow(TypedDict):
    turn: int
    question: str
    answer: str
    against: str
    error: float | None  # squared error of a probability or yes/no; 0 or 1 for a choice


class BeliefTeam(TypedDict):
    team: str
    team_name: str
    rows: list[BeliefRow]
    brier: float | None
    forecasts: int
    surprise: str
    surprise_detail: dict[str, str]  # question, answer, outcome
    surprise_turn: int | None
    surprise_error: float | None
