"""The glossary: the game's words in English, Japanese and Korean (``data/glossary.yaml``), for
the glossary page and for ``docs/glossary.md``, which ``python -m wargame.web.glossary`` writes."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import Any, TypedDict

import yaml

from wargame.languages import LANGUAGES, language_or_fallback

GLOSSARY_FILE = Path(__file__).resolve().parent / "data" / "glossary.yaml"
LANGUAGE_NAMES = {"en": "English", "ja": "日本語", "ko": "한국어"}


class Equivalent(TypedDict):
    lang: str
    language: str
    term: str


class Entry(TypedDict):
    """One term in the reader's language, with its equivalents in the other two."""

    id: str
    term: str
    also: str
    text: str
    rung: int | None
    elsewhere: list[Equivalent]  # the term in the other two languages


class Section(TypedDict):
    id: str
    title: str
    intro: str
    entries: list[Entry]


@cache
def glossary_data() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(GLOSSARY_FILE.read_text(encoding="utf-8"))
    return loaded


def glossary_terms() -> list[dict[str, Any]]:
    """Every term of every section, as the file gives it."""
    return [term for section in glossary_data()["sections"] for term in section["terms"]]


def glossary_for(lang: str) -> list[Section]:
    """The glossary in ``lang``, section by section."""
    lang = language_or_fallback(lang)
    sections: list[Section] = []
    for raw in glossary_data()["sections"]:
        entries: list[Entry] = [
            {
                "id": str(term["id"]),
                "term": str(term[lang]["term"]),
                "also": str(term[lang].get("also") or ""),
                "text": str(term[lang]["text"]),
                "rung": term.get("rung"),
                "elsewhere": [
                    {
                        "lang": other,
                        "language": LANGUAGE_NAMES[other],
                        "term": str(term[other]["term"]),
                    }
                    for other in LANGUAGES
                    if other != lang
                ],
            }
            for term in raw["terms"]
        ]
        sections.append(
            {
                "id": str(raw["id"]),
                "title": str(raw["title"][lang]),
                "intro": str((raw.get("intro") or {}).get(lang) or ""),
                "entries": entries,
            }
        )
    return sections


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def glossary_markdown() -> str:
    """``docs/glossary.md``: the terms side by side, then the glossary in each language."""
    lines = [
        "# Glossary",
        "",
        "The words the game uses, one for each term in each language: the interface, the",
        "built-in scenarios and the after-action report all use them (a test checks it). The",
        "same glossary is a page of the server, `/glossary/`, linked from the foot of every",
        "page, in the reader's language. Its source is `wargame/web/data/glossary.yaml`; this",
        "file is written from it with `python -m wargame.web.glossary > docs/glossary.md`.",
        "",
        "## The terms side by side",
        "",
        "| English | 日本語 | 한국어 |",
        "| --- | --- | --- |",
    ]
    lines += [
        "| " + " | ".join(_cell(str(term[lang]["term"])) for lang in LANGUAGES) + " |"
        for term in glossary_terms()
    ]
    for lang in LANGUAGES:
        lines += ["", f"## {LANGUAGE_NAMES[lang]}"]
        for section in glossary_for(lang):
            lines += ["", f"### {section['title']}", ""]
            if section["intro"]:
                lines += [section["intro"], ""]
            for entry in section["entries"]:
                rung = f"{entry['rung']}. " if entry["rung"] is not None else ""
                also = f" ({entry['also']})" if entry["also"] else ""
                lines.append(f"- **{rung}{entry['term']}**{also}: {entry['text']}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(glossary_markdown())
