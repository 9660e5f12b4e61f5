"""The event types' module: every type has its shapes and audience, and the files written from
it (``docs/events.md``, ``static/js/wargame/events.js``) are the committed ones."""

from __future__ import annotations

import typing

import pytest

from wargame.exercises import events_docs
from wargame.exercises.events import SPECS, EventPayloadError, EventType, payload_check


def test_every_event_type_has_its_payload_shapes_and_audience() -> None:
    assert set(SPECS) == set(EventType)
    for event_type, spec in SPECS.items():
        assert spec.shapes, event_type
        assert all(typing.is_typeddict(shape) for shape in spec.shapes), event_type
        assert spec.audience, event_type
        assert spec.summary, event_type


def test_the_public_names_are_noun_dot_verb() -> None:
    for event_type in EventType:
        noun, _dot, verb = event_type.value.partition(".")
        assert noun.isidentifier(), event_type
        assert verb.isidentifier(), event_type


def test_a_payload_must_carry_every_required_key_and_no_unknown_one() -> None:
    payload_check(EventType.TEAM_AI_CHANGED, {"team": "US", "ai": True})
    with pytest.raises(EventPayloadError):
        payload_check(EventType.TEAM_AI_CHANGED, {"team": "US"})
    with pytest.raises(EventPayloadError):
        payload_check(EventType.TEAM_AI_CHANGED, {"team": "US", "ai": True, "extra": 1})


def test_an_engine_record_may_carry_keys_the_module_does_not_list() -> None:
    """The engine may add to its own records (an agreement, a proposal) without a change here."""
    agreement = {
        "id": "a1",
        "measure": "c.hotline",
        "parties": ["US", "DPRK"],
        "status": "proposed",
        "proposed_by": "US",
        "proposed_turn": 1,
        "accepted": [],
        "steps": {},
        "verification": None,
        "framing": None,
        "new_engine_field": 3,
    }
    payload_check(EventType.AGREEMENT_CHANGED, agreement)
    del agreement["parties"]
    with pytest.raises(EventPayloadError):
        payload_check(EventType.AGREEMENT_CHANGED, agreement)


def test_the_event_reference_and_the_browser_list_are_current() -> None:
    """``make docs`` writes them; run it after changing wargame/exercises/events.py."""
    assert events_docs.MARKDOWN.read_text(encoding="utf-8") == events_docs.events_markdown()
    assert events_docs.JAVASCRIPT.read_text(encoding="utf-8") == events_docs.events_js()


def test_the_reference_names_every_type_and_every_field_of_its_shapes() -> None:
    text = events_docs.events_markdown()
    for event_type, spec in SPECS.items():
        assert f"| `{event_type}` |" in text
        for shape in spec.shapes:
            section = text.split(f"### {shape.__name__}\n", 1)[1].split("\n### ", 1)[0]
            for field in typing.get_type_hints(shape):
                assert f"| `{field}` |" in section, (shape.__name__, field)
