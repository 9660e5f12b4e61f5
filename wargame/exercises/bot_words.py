"""What a bot-played team says, in words a reader of each language can read: its statements and
replies name teams as the engine's narratives do (Korean particles chosen by the name), and the
rationale the engine writes in English is shown sentence by sentence in the reader's language
(``data/bot_replies.yaml``)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from wargame.engine.korean import format_with_particles
from wargame.engine.narrative import texts as narrative_texts

if TYPE_CHECKING:
    from collections.abc import Mapping

DATA_FILE = Path(__file__).resolve().parent / "data" / "bot_replies.yaml"


@functools.cache
def bot_texts() -> Mapping[str, Any]:
    with DATA_FILE.open(encoding="utf-8") as handle:
        loaded = yaml.safe_load(handle)
    if not isinstance(loaded, dict):
        raise ValueError(f"{DATA_FILE.name} must hold a mapping")
    return loaded


def team_name(code: str, lang: str) -> str:
    """A team as a sentence names it ("the United States", "북한"), as the narratives do."""
    names: Mapping[str, Mapping[str, str]] = narrative_texts()["teams"]
    return names.get(lang, {}).get(code) or names["en"].get(code) or code


def bot_sentence(texts: Mapping[str, str], lang: str, **teams: str) -> str:
    """One of the bot's texts in ``lang`` with the teams named; a sentence starts upper-case."""
    template = str(texts.get(lang) or texts["en"])
    chosen = lang if texts.get(lang) else "en"
    named = {key: team_name(code, chosen) if code else "" for key, code in teams.items()}
    text = format_with_particles(template, **named)
    return text[:1].upper() + text[1:]


def rationale_in(text: str, lang: str) -> str:
    """A bot's rationale, which the engine writes in English one sentence per step, in ``lang``:
    each sentence the table knows is replaced by its translation; any other stays as written."""
    table: Mapping[str, Mapping[str, str]] = bot_texts().get("rationales") or {}
    if lang == "en" or not text:
        return text
    out = text
    for english in sorted(table, key=len, reverse=True):
        translated = table[english].get(lang)
        if translated:
            out = out.replace(english, translated)
    # Japanese runs its sentences on without a space.
    return out.replace("。 ", "。") if lang == "ja" else out
