"""Structured logs: a line about an exercise says which one, and an event's line says its seq."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import transaction
from django.test import Client

from tests.exercises.factories import exercise_create
from wargame.exercises.events import EventType, TurnPayload
from wargame.exercises.services.log import event_append, exercise_lock
from wargame.logs import ContextFilter, JsonFormatter, PlainFormatter, log_context


def _formatted(record: logging.LogRecord, formatter: logging.Formatter) -> str:
    ContextFilter().filter(record)
    return formatter.format(record)


@pytest.mark.django_db(transaction=True)
def test_each_committed_event_logs_one_json_line_with_its_exercise_seq_and_type(
    caplog: pytest.LogCaptureFixture,
) -> None:
    exercise = exercise_create()
    with caplog.at_level(logging.INFO, logger="wargame.events"), transaction.atomic():
        locked = exercise_lock(exercise_id=exercise.pk)
        event_append(
            exercise=locked,
            type=EventType.EXERCISE_STARTED,
            audience=["team:US"],
            payload=TurnPayload(turn=1),
        )
        event_append(
            exercise=locked,
            type=EventType.EXERCISE_ENDED,
            audience=["observers"],
            payload=TurnPayload(turn=1),
        )

    lines = [
        json.loads(_formatted(r, JsonFormatter()))
        for r in caplog.records
        if r.name == "wargame.events"
    ]
    assert [(line["exercise"], line["seq"], line["type"]) for line in lines] == [
        (exercise.pk, 1, "exercise.started"),
        (exercise.pk, 2, "exercise.ended"),
    ]
    assert {line["level"] for line in lines} == {"INFO"}


@pytest.mark.django_db(transaction=True)
def test_an_event_rolled_back_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    exercise = exercise_create()

    def append_then_fail() -> None:
        with transaction.atomic():
            locked = exercise_lock(exercise_id=exercise.pk)
            event_append(
                exercise=locked,
                type=EventType.EXERCISE_STARTED,
                audience=["team:US"],
                payload=TurnPayload(turn=1),
            )
            raise RuntimeError("the write fails after the append")

    with caplog.at_level(logging.INFO, logger="wargame.events"), pytest.raises(RuntimeError):
        append_then_fail()
    assert [r for r in caplog.records if r.name == "wargame.events"] == []


@pytest.mark.django_db
def test_django_logs_a_refused_request_with_the_exercise_it_was_about(
    caplog: pytest.LogCaptureFixture,
) -> None:
    exercise = exercise_create()
    with caplog.at_level(logging.WARNING, logger="django.request"):
        answer = Client().get(f"/api/v1/exercises/{exercise.pk}/events/")
    assert answer.status_code == 401
    refused = [r for r in caplog.records if r.name == "django.request"]
    assert refused, "Django logs 4xx answers on django.request"
    line = json.loads(_formatted(refused[-1], JsonFormatter()))
    assert line["exercise"] == exercise.pk


def test_a_records_own_fields_win_over_the_running_context() -> None:
    with log_context(exercise=3, task="wargame.exercise_timers"):
        record = logging.LogRecord("t", logging.INFO, __file__, 1, "sweep %s", ("ran",), None)
        record.exercise = 9
        line = json.loads(_formatted(record, JsonFormatter()))
    assert (line["exercise"], line["task"], line["message"]) == (
        9,
        "wargame.exercise_timers",
        "sweep ran",
    )


def test_plain_lines_end_with_the_context_as_key_value_pairs() -> None:
    with log_context(exercise=4, seq=17):
        record = logging.LogRecord("t", logging.WARNING, __file__, 1, "late", (), None)
        text = _formatted(record, PlainFormatter())
    assert text.endswith("WARNING t late [exercise=4 seq=17]")


def test_outside_any_context_a_line_has_no_game_fields() -> None:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "start-up", (), None)
    line = json.loads(_formatted(record, JsonFormatter()))
    assert set(line) == {"at", "level", "logger", "message"}
