"""Exports of the event log (docs/interface.md#exports, docs/research-export.md): JSONL round-trips,
CSV rows per kind, streamed answers for facilitators only, and the command line writing the API's
bytes."""

from __future__ import annotations

import csv
import io
import json
from io import StringIO
from typing import TYPE_CHECKING, Any

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from tests.cast import facilitator_client
from wargame.exercises.models import Channel, Event
from wargame.exercises.times import iso_utc as iso
from wargame.reports.exports import CSV_COLUMNS, csv_lines

if TYPE_CHECKING:
    from pathlib import Path

    from tests.reports.play import Played

ROW_KINDS = {
    "decision": ("decision.saved", "decision.submitted"),
    "message": ("message.posted",),
    "statement": ("statement.published",),
    "outcome": ("outcome.published",),
}


def _body(response: Any) -> bytes:
    assert response.status_code == 200, getattr(response, "content", b"")
    return b"".join(response.streaming_content)


def _jsonl(played: Played) -> list[dict[str, Any]]:
    data = _body(played.control.get(played.url("export.jsonl")))
    return [json.loads(line) for line in data.decode().splitlines()]


def test_it_exports_every_event_as_one_json_line_that_reads_back_as_the_log(
    played: Played,
) -> None:
    lines = _jsonl(played)
    events = list(Event.objects.filter(exercise_id=played.exercise_id).order_by("seq"))
    assert len(lines) == len(events) > 20
    for line, event in zip(lines, events, strict=True):
        expected: dict[str, Any] = {
            "seq": event.seq,
            "type": event.type,
            "at": iso(event.created_at),
            "audience": event.audience,
            "actor": event.actor,
            "payload": event.payload,
        }
        if event.view_payloads:
            expected["views"] = event.view_payloads
        assert line == expected
    assert any("views" in line for line in lines)  # outcome.published differs by view


def test_it_streams_jsonl_and_csv_with_their_types_and_file_names(played: Played) -> None:
    jsonl = played.control.get(played.url("export.jsonl"))
    assert jsonl.streaming
    assert jsonl["Content-Type"] == "application/x-ndjson"
    assert f"exercise-{played.exercise_id}" in jsonl["Content-Disposition"]
    assert jsonl["Content-Disposition"].startswith("attachment; filename=")
    table = played.control.get(played.url("export.csv"))
    assert table.streaming
    assert table["Content-Type"] == "text/csv; charset=utf-8"
    assert table["Content-Disposition"].endswith('.csv"')


def test_it_flattens_decisions_messages_statements_and_outcomes_one_row_each(
    played: Played,
) -> None:
    data = _body(played.control.get(played.url("export.csv")))
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: spreadsheet programs read CJK right
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    rows = list(reader)
    events = Event.objects.filter(exercise_id=played.exercise_id)
    for kind, types in ROW_KINDS.items():
        of_kind = [row for row in rows if row["kind"] == kind]
        expected = events.filter(type__in=types).order_by("seq")
        assert [int(row["seq"]) for row in of_kind] == [e.seq for e in expected], kind
        assert of_kind, kind
        for row, event in zip(of_kind, expected, strict=True):
            assert row["at"] == iso(event.created_at)
            assert row["turn"] == "1"
    assert {row["kind"] for row in rows} == set(ROW_KINDS)

    decisions = [row for row in rows if row["kind"] == "decision"]
    assert {row["team"] for row in decisions} == {"US", "ROK", "JPN", "DPRK"}
    assert {row["status"] for row in decisions} == {"draft", "submitted"}
    assert all(json.loads(row["actions"]) for row in decisions)
    us_draft = next(r for r in decisions if r["team"] == "US" and r["status"] == "draft")
    assert us_draft["participant_id"] == str(played.participant_ids["US"])
    assert played.names["US"] in us_draft["text"]

    messages = [row for row in rows if row["kind"] == "message"]
    allied = Channel.objects.get(exercise_id=played.exercise_id, name="US-ROK")
    assert [row["team"] for row in messages] == ["US", "ROK"]
    assert {row["channel"] for row in messages} == {allied.name}
    assert all("zqmessage" in row["text"] for row in messages)
    (statement,) = [row for row in rows if row["kind"] == "statement"]
    assert statement["team"] == "JPN"
    assert statement["text"].startswith("zqstatement")
    (outcome,) = [row for row in rows if row["kind"] == "outcome"]
    assert json.loads(outcome["details"])["state"]["assurance"]["ROK"] == 61


def test_it_lets_only_the_exercises_facilitators_export(played: Played) -> None:
    outsider = facilitator_client("outsider")
    for tail in ("export.jsonl", "export.csv", "export.research.jsonl?text=omit"):
        assert played.control.get(played.url(tail)).status_code == 200
        player = played.players["US"].get(played.url(tail))
        assert player.status_code == 403
        assert player.json()["error"]["code"] == "permission_denied"
        assert played.observer.get(played.url(tail)).status_code == 403
        hidden = outsider.get(played.url(tail))
        assert hidden.status_code == 404
        assert hidden.json()["error"]["code"] == "not_found"
        anonymous = APIClient().get(played.url(tail))
        assert anonymous.status_code == 401
        assert anonymous.json()["error"]["code"] == "not_authenticated"
    missing = played.control.get(f"/api/v1/exercises/{played.exercise_id + 999}/export.jsonl")
    assert missing.status_code == 404
    posted = played.control.post(played.url("export.csv"), {}, format="json")
    assert posted.status_code == 405
    assert posted.json()["error"]["code"] == "method_not_allowed"


def test_it_answers_errors_as_json_even_to_a_client_asking_for_ndjson(played: Played) -> None:
    refused = played.players["US"].get(
        played.url("export.jsonl"), HTTP_ACCEPT="application/x-ndjson"
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    wrong = played.control.get(played.url("export.research.jsonl?text=maybe"))
    assert wrong.status_code == 400
    assert "text" in wrong.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("fmt", "tail", "text"),
    [
        ("jsonl", "export.jsonl", "keep"),
        ("csv", "export.csv", "keep"),
        ("research", "export.research.jsonl?text=keep", "keep"),
        ("research", "export.research.jsonl?text=omit", "omit"),
    ],
)
def test_the_export_command_writes_the_same_bytes_as_the_api(
    played: Played, tmp_path: Path, fmt: str, tail: str, text: str
) -> None:
    served = _body(played.control.get(played.url(tail)))
    target = tmp_path / "out"
    call_command(
        "export", str(played.exercise_id), "--format", fmt, "--text", text, "--output", str(target)
    )
    assert target.read_bytes() == served
    printed = StringIO()
    call_command("export", str(played.exercise_id), "--format", fmt, "--text", text, stdout=printed)
    assert printed.getvalue().encode() == served


def test_the_export_command_writes_the_report_pdf_and_refuses_unknown_exercises(
    played: Played, tmp_path: Path
) -> None:
    out = tmp_path / "report.pdf"
    call_command("export", str(played.exercise_id), "--format", "pdf", "--output", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError, match="pdf only"):
        call_command("export", str(played.exercise_id), "--format", "csv", "--language", "ja")
    with pytest.raises(CommandError, match="No exercise"):
        call_command("export", str(played.exercise_id + 999), "--format", "jsonl")
    with pytest.raises(CommandError, match="research only"):
        call_command("export", str(played.exercise_id), "--format", "csv", "--text", "omit")


@pytest.mark.parametrize(
    "text",
    ["=1+1", '=HYPERLINK("http://x.example","y")', "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"],
)
def test_a_cell_that_begins_like_a_formula_is_written_as_text(text: str) -> None:
    row: dict[str, object] = dict.fromkeys(CSV_COLUMNS, "")
    row |= {"kind": "message", "seq": 3, "text": text}
    data = "".join(csv_lines([row]))
    (read,) = list(csv.DictReader(io.StringIO(data.removeprefix("\ufeff"), newline="")))
    assert read["text"] == "'" + text
    assert read["seq"] == "3"


def test_a_cell_that_merely_contains_a_formula_sign_is_left_alone() -> None:
    row: dict[str, object] = dict.fromkeys(CSV_COLUMNS, "")
    row |= {"kind": "message", "text": "a = b - c, 한국어 @ 東京"}
    data = "".join(csv_lines([row]))
    (read,) = list(csv.DictReader(io.StringIO(data.removeprefix("\ufeff"), newline="")))
    assert read["text"] == "a = b - c, 한국어 @ 東京"
