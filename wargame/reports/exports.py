"""Exports of an exercise's event log (docs/interface.md#exports): JSONL, one event a line, and CSV,
decisions, messages, statements and outcomes flattened one row each.

Pure generators over the log: the API streams them and ``manage.py export`` writes them, so the
two give the same bytes. Each export reads the events up to the ``last_seq`` it started from, so
a game still running cannot tear a line or add half a turn to it.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.serializers.json import DjangoJSONEncoder

from wargame.exercises.events import EventType
from wargame.exercises.models import Channel, Event, Exercise
from wargame.exercises.times import iso_utc

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

# Large logs are read in chunks rather than all at once (a 10-turn game is a few thousand rows).
CHUNK = 500

CSV_COLUMNS = (
    "kind",
    "seq",
    "at",
    "turn",
    "team",
    "participant_id",
    "channel",
    "status",
    "version",
    "actions",
    "text",
    "details",
)
CSV_KINDS = {
    EventType.DECISION_SAVED: "decision",
    EventType.DECISION_SUBMITTED: "decision",
    EventType.MESSAGE_POSTED: "message",
    EventType.STATEMENT_PUBLISHED: "statement",
    EventType.OUTCOME_PUBLISHED: "outcome",
}
# Events that say which turn the game is in: a message or a statement carries no turn of its own.
TURN_MARKERS = (
    EventType.EXERCISE_STARTED,
    EventType.PHASE_CHANGED,
    EventType.OUTCOME_PUBLISHED,
    EventType.EXERCISE_ENDED,
)


class ExportLine(TypedDict, total=False):
    """One line of ``export.jsonl``: ``views`` only where some view's payload differs."""

    seq: int
    type: str
    at: str
    audience: list[str]
    actor: Any
    payload: Any
    views: dict[str, Any]


def events_of(exercise: Exercise, *, up_to: int | None = None) -> Iterator[Event]:
    """The exercise's events by global ``seq``, up to ``up_to`` (default: its ``last_seq`` now)."""
    last = exercise.last_seq if up_to is None else up_to
    rows = Event.objects.filter(exercise_id=exercise.pk, seq__lte=last).order_by("seq")
    return rows.iterator(chunk_size=CHUNK)


def event_line(event: Event) -> ExportLine:
    line: ExportLine = {
        "seq": event.seq,
        "type": event.type,
        "at": iso_utc(event.created_at),
        "audience": list(event.audience),
        "actor": event.actor,
        "payload": event.payload,
    }
    if event.view_payloads:
        line["views"] = dict(event.view_payloads)
    return line


def dumps(value: object) -> str:
    """Compact JSON, UTF-8 text kept readable (Japanese and Korean stay as they are)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)


def jsonl_lines(lines: Iterable[ExportLine | dict[str, Any]]) -> Iterator[str]:
    for line in lines:
        yield dumps(line) + "\n"


def export_jsonl(exercise: Exercise, *, up_to: int | None = None) -> Iterator[str]:
    """``export.jsonl``: every event, one JSON object a line."""
    return jsonl_lines(event_line(event) for event in events_of(exercise, up_to=up_to))


# A cell a spreadsheet program would read as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Spreadsheet programs read a CSV file without it in the system's legacy code page.
UTF8_BOM = "\ufeff"


def spreadsheet_safe(value: object) -> object:
    """A text cell that begins like a formula, prefixed with an apostrophe so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(row: Iterable[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(spreadsheet_safe(v) for v in row)
    return buffer.getvalue()


def _turn_of(payload: Any, current: int | None) -> int | None:
    if isinstance(payload, dict) and isinstance(payload.get("turn"), int):
        return int(payload["turn"])
    return current


def csv_row(event: Event, *, turn: int | None, channels: dict[int, str]) -> dict[str, object]:
    """The CSV row of one decision, message, statement or outcome event (control's payload)."""
    payload: dict[str, Any] = event.payload if isinstance(event.payload, dict) else {}
    kind = CSV_KINDS[EventType(event.type)]
    row: dict[str, object] = dict.fromkeys(CSV_COLUMNS, "")
    row.update(
        {"kind": kind, "seq": event.seq, "at": iso_utc(event.created_at), "turn": turn or ""}
    )
    if kind == "decision":
        author = payload.get("updated_by") or {}
        row.update(
            team=payload.get("team", ""),
            participant_id=author.get("participant_id") or "",
            status=payload.get("status", ""),
            version=payload.get("version", ""),
            actions=dumps(payload.get("actions", [])),
            text=payload.get("rationale", ""),
        )
    elif kind in ("message", "statement"):
        author = payload.get("author") or {}
        row.update(
            team=payload.get("team") or author.get("team") or "",
            participant_id=author.get("participant_id") or "",
            channel=channels.get(payload.get("channel", -1), "") if kind == "message" else "",
            text=payload.get("body", ""),
        )
    else:
        narrative = payload.get("narrative", "")
        row.update(
            text=narrative if isinstance(narrative, str) else dumps(narrative),
            details=dumps({k: v for k, v in payload.items() if k not in ("narrative", "turn")}),
        )
    return row


def csv_rows(events: Iterable[Event], *, channels: dict[int, str]) -> Iterator[dict[str, object]]:
    """The flattened rows, each carrying the turn the game was in when it was logged."""
    turn: int | None = None
    for event in events:
        if event.type in TURN_MARKERS:
            turn = _turn_of(event.payload, turn)
        if event.type in CSV_KINDS:
            yield csv_row(event, turn=_turn_of(event.payload, turn), channels=channels)


def channel_names(exercise: Exercise) -> dict[int, str]:
    return dict(Channel.objects.filter(exercise=exercise).values_list("number", "name"))


def csv_lines(rows: Iterable[dict[str, object]]) -> Iterator[str]:
    yield UTF8_BOM + csv_text(CSV_COLUMNS)
    for row in rows:
        yield csv_text(row[column] for column in CSV_COLUMNS)


def export_csv(exercise: Exercise, *, up_to: int | None = None) -> Iterator[str]:
    """``export.csv``: a header, then one row per decision, message, statement and outcome."""
    return csv_lines(csv_rows(events_of(exercise, up_to=up_to), channels=channel_names(exercise)))
