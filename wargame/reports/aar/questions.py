"""The turning points in words (``data/questions.yaml``): one line each for the summary, and the
discussion questions asked about them, each naming the essay point it tests."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from wargame.engine.korean import format_with_particles
from wargame.reports.aar.turning import salient

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from wargame.reports.aar.shapes import Question
    from wargame.reports.aar.text import Words
    from wargame.reports.aar.turning import TurningPoint

QUESTIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "questions.yaml"


@lru_cache(maxsize=1)
def question_data() -> Mapping[str, Any]:
    loaded: Mapping[str, Any] = yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))
    return loaded


def _say(table: Mapping[str, str], words: Words, values: Mapping[str, Any]) -> str:
    return format_with_particles(table.get(words.lang) or table["en"], **values)


def summary_points(words: Words, found: Sequence[TurningPoint]) -> list[Question]:
    """The summary's few turning points, in turn order."""
    data = question_data()
    return [
        {
            "kind": p["kind"],
            "turn": p["turn"],
            "text": _say(data["points"][p["kind"]], words, p["values"]),
            "essay": "",
        }
        for p in salient(found, data["summary_limits"], data["summary_total"])
    ]


def discussion_questions(words: Words, found: Sequence[TurningPoint]) -> list[Question]:
    """Questions about the game's own turning points, in turn order, each with its essay point,
    then one general question."""
    data = question_data()
    asked: list[Question] = [
        {
            "kind": p["kind"],
            "turn": p["turn"],
            "text": _say(data["templates"][p["kind"]], words, p["values"]),
            "essay": _say(data["essays"][p["kind"]], words, {}),
        }
        for p in salient(found, data["limits"], data["total"])
    ]
    general: Question = {
        "kind": "general",
        "turn": 0,
        "text": _say(data["templates"]["general"], words, {}),
        "essay": "",
    }
    return [*asked, general]
