"""The de-identified research export: no display name, token, join code or address of the game
in it, pseudonyms stable within an exercise and unrelated across exercises, free text kept
(masked) or omitted."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tests.reports.play import play
from wargame.exercises.models import Event, Participant
from wargame.reports.research import pseudonym, research_key

if TYPE_CHECKING:
    from rest_framework.test import APIClient

    from tests.reports.play import Played

PSEUDONYM_CHARS = 8  # "P-" + 6 hex digits


def _research(played: Played, text: str) -> str:
    response = played.control.get(played.url(f"export.research.jsonl?text={text}"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    return b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]


def _lines(data: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.splitlines()]


def _identifying(played: Played) -> list[str]:
    return [
        *played.names.values(),
        *played.tokens,
        *played.join_codes,
        *played.addresses,
        *played.usernames,
    ]


def _participant_pseudonyms(lines: list[dict[str, Any]]) -> set[str]:
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "participant_id" and isinstance(item, str):
                    found.add(item)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(lines)
    return found


def test_it_contains_no_display_name_token_join_code_or_address_in_either_mode(
    played: Played,
) -> None:
    plain = b"".join(played.control.get(played.url("export.jsonl")).streaming_content).decode()  # type: ignore[attr-defined]
    # the planted names and the quoted join code and address are in the plain export
    assert all(name in plain for name in played.names.values())
    assert played.join_codes[0] in plain or any(code in plain for code in played.join_codes)
    assert "203.0.113.9" in plain
    assert all(username in plain for username in played.usernames)
    for text in ("keep", "omit"):
        data = _research(played, text)
        lowered = data.lower()
        for secret in [*_identifying(played), "203.0.113.9"]:
            assert secret.lower() not in lowered, (text, secret)
        assert "display_name" not in data
        named = [
            line["payload"]["username"]
            for line in _lines(data)
            if line["payload"].get("change") == "facilitator_added"
        ]
        assert named
        assert all(name.startswith("F-") for name in named)
        assert "control" in data  # control's view is still named


def test_it_keeps_free_text_with_the_names_in_it_replaced_by_pseudonyms(played: Played) -> None:
    data = _research(played, "keep")
    for canary in played.free_text:
        assert canary in data, canary
    lines = _lines(data)
    saved = [line for line in lines if line["type"] == "decision.saved"]
    us = next(line for line in saved if line["payload"]["team"] == "US")
    own = pseudonym(research_key(played.exercise_id), "P", played.participant_ids["US"])
    assert own in us["payload"]["rationale"]
    assert "[address]" in us["payload"]["rationale"]
    message = next(line for line in lines if line["type"] == "message.posted")
    assert "[join code]" in message["payload"]["body"]


def test_it_omits_every_planted_free_text_and_reports_its_length(played: Played) -> None:
    data = _research(played, "omit")
    for canary in played.free_text:
        assert canary not in data, canary
    lines = _lines(data)
    message = next(line for line in lines if line["type"] == "message.posted")
    assert "body" not in message["payload"]
    assert message["payload"]["body_length"] > len("zqmessage000x")
    saved = next(line for line in lines if line["type"] == "decision.saved")
    assert "rationale" not in saved["payload"]
    assert saved["payload"]["rationale_length"] > 0
    inject = next(
        line
        for line in lines
        if line["type"] == "inject.released" and line["payload"]["source"] == "control"
    )
    assert inject["payload"]["title_length"] == len("zqinjecttitle000x")
    assert "body" not in inject["payload"]
    overridden = next(line for line in lines if line["type"] == "adjudication.overridden")
    assert overridden["payload"]["overrides"][0]["reason_length"] > 0
    assert overridden["payload"]["overrides"][0]["value"] == 61
    # the game itself is all there: same events, same order, same types
    events = list(
        Event.objects.filter(exercise_id=played.exercise_id)
        .order_by("seq")
        .values_list("seq", "type")
    )
    assert [(line["seq"], line["type"]) for line in lines] == events


def test_it_gives_each_participant_one_stable_pseudonym(played: Played) -> None:
    first, second = _lines(_research(played, "keep")), _lines(_research(played, "omit"))
    key = research_key(played.exercise_id)
    expected = {pseudonym(key, "P", pk) for pk in played.participant_ids.values()}
    assert len(expected) == len(played.participant_ids)
    assert _participant_pseudonyms(first) == expected
    assert _participant_pseudonyms(second) == expected
    assert all(len(p) == PSEUDONYM_CHARS and p.startswith("P-") for p in expected)
    again = _lines(_research(played, "keep"))
    assert again == first
    joined = [line for line in first if line["type"] == "participant.joined"]
    assert {line["payload"]["participant_id"] for line in joined} == expected


def test_it_gives_unrelated_pseudonyms_in_another_exercise(
    played: Played, control: APIClient
) -> None:
    other = play(control, tag="b")
    mine = _lines(_research(played, "keep"))
    theirs = _lines(_research(other, "keep"))
    assert not _participant_pseudonyms(mine) & _participant_pseudonyms(theirs)

    def facilitators(lines: list[dict[str, Any]]) -> set[str]:
        return {
            line["actor"]["user_id"]
            for line in lines
            if isinstance(line["actor"], dict) and "user_id" in line["actor"]
        } | {
            o["by"]
            for line in lines
            if line["type"] == "adjudication.overridden"
            for o in line["payload"]["overrides"]
        }

    # the same facilitator account, a different pseudonym in each exercise
    assert len(facilitators(mine)) == 1
    assert facilitators(mine).pop().startswith("F-")
    assert not facilitators(mine) & facilitators(theirs)
    # and the same participant id would not map alike either
    some = Participant.objects.filter(exercise_id=played.exercise_id).first()
    assert some is not None
    assert pseudonym(research_key(played.exercise_id), "P", some.pk) != pseudonym(
        research_key(other.exercise_id), "P", some.pk
    )
