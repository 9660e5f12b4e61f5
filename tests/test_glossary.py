"""The glossary (wargame/web/data/glossary.yaml) is used: each language says each term one way
across the interface catalogues, the built-in scenarios, the report's texts and the bots' words,
never in a variant the glossary rejects; the rungs are named as the interface names them; and the
page and docs/glossary.md show it."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client
from django.utils import translation

from wargame.engine.scenario.schema import scenarios_dir
from wargame.engine.scenario.semantic import text_paths
from wargame.exercises.bot_words import bot_texts
from wargame.labels import RUNG_NAMES
from wargame.reports.aar.questions import question_data
from wargame.reports.aar.text import report_texts
from wargame.web.glossary import glossary_data, glossary_markdown, glossary_terms

PROJECT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "ja", "ko")
CORPORA = ("catalogue", "scenarios", "report", "bots")


def _msgstrs(po: Path) -> list[str]:
    """Every translation in a .po file, continuation lines joined."""
    found: list[str] = []
    current: list[str] | None = None
    for line in po.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgstr"):
            current = [json.loads(line.split(" ", 1)[1])]
            found.append("")
        elif line.startswith('"') and current is not None:
            current.append(json.loads(line))
        else:
            current = None
        if current is not None:
            found[-1] = "".join(current)
    return [text for text in found if text]


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return []


@cache
def corpus(lang: str, kind: str) -> str:
    """All the text of one kind that a reader of ``lang`` meets."""
    if kind == "catalogue":
        return "\n".join(_msgstrs(PROJECT / "locale" / lang / "LC_MESSAGES" / "django.po"))
    if kind == "scenarios":
        texts = []
        for path in sorted(scenarios_dir().glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            texts += [str(t[lang]) for _, t in text_paths(data) if isinstance(t, dict)]
        return "\n".join(texts)
    if kind == "report":
        questions = question_data()["templates"].values()
        return "\n".join(_strings(report_texts()[lang]) + [q[lang] for q in questions])
    bots = bot_texts()
    tables = [*bots["statements"].values(), *bots["rationales"].values()]
    tables += [stance for kind_ in bots["replies"].values() for stance in kind_.values()]
    return "\n".join(str(table[lang]) for table in tables if lang in table)


AVOIDED = [
    (term["id"], lang, variant)
    for term in glossary_terms()
    for lang in LANGUAGES
    for variant in term[lang].get("avoid", [])
]


def test_every_term_has_a_word_and_a_definition_in_each_language() -> None:
    ids = [term["id"] for term in glossary_terms()]
    assert len(ids) == len(set(ids))
    for term in glossary_terms():
        for lang in LANGUAGES:
            assert str(term[lang]["term"]).strip(), (term["id"], lang)
            assert len(str(term[lang]["text"])) > 4, (term["id"], lang)
    for section in glossary_data()["sections"]:
        assert {"en", "ja", "ko"} <= set(section["title"]), section["id"]


@pytest.mark.parametrize(("term", "lang", "variant"), AVOIDED)
@pytest.mark.parametrize("kind", CORPORA)
def test_no_rejected_variant_is_used(term: str, lang: str, variant: str, kind: str) -> None:
    text = corpus(lang, kind)
    where = [line for line in text.splitlines() if variant in line]
    assert not where, f"{kind} ({lang}) says {variant!r} for {term}: {where[0][:120]}"


@pytest.mark.parametrize(("lang", "word"), [("ja", "統制官"), ("ko", "통제관")])
@pytest.mark.parametrize("kind", ["catalogue", "scenarios", "report"])
def test_control_is_called_by_the_glossarys_one_word(lang: str, word: str, kind: str) -> None:
    control = next(t for t in glossary_terms() if t["id"] == "control")
    assert control[lang]["term"] == word
    assert word in corpus(lang, kind)


@pytest.mark.parametrize("lang", ["ja", "ko"])
@pytest.mark.parametrize("kind", ["catalogue", "scenarios", "report"])
def test_injects_are_called_by_the_glossarys_word(lang: str, kind: str) -> None:
    inject = next(t for t in glossary_terms() if t["id"] == "inject")
    assert inject[lang]["term"] in corpus(lang, kind)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_rungs_are_named_as_the_interface_names_them(lang: str) -> None:
    rungs = {t["rung"]: t[lang]["term"] for t in glossary_terms() if "rung" in t}
    assert sorted(rungs) == list(range(12))
    with translation.override(lang):
        assert rungs == {n: str(name) for n, name in RUNG_NAMES.items()}


def test_the_docs_glossary_is_written_from_the_data() -> None:
    written = (PROJECT / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert written == glossary_markdown(), "run: python -m wargame.web.glossary > docs/glossary.md"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_glossary_page_shows_each_term_in_the_readers_language(lang: str) -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE=lang).get("/glossary/")
    assert page.status_code == 200
    html = page.content.decode()
    for term in glossary_terms():
        assert f'id="term-{term["id"]}"' in html
        assert str(term[lang]["term"]) in html
    others = [x for x in LANGUAGES if x != lang]
    control = next(t for t in glossary_terms() if t["id"] == "control")
    for other in others:
        assert f'<span lang="{other}">{control[other]["term"]}</span>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/join/", "/practice/", "/glossary/", "/accounts/login/"])
def test_every_page_links_to_the_glossary_in_its_footer(path: str) -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="ko").get(path, follow=True)
    assert page.status_code == 200
    assert '<a href="/glossary/" data-testid="glossary-link">용어집</a>' in page.content.decode()
