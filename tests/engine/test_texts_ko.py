"""Korean texts: every action, narrative template and bot reply has one, faithful in its
placeholders and references to the English; the Korean narrative uses them (English fallback)."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

import pytest
import yaml

from wargame.engine import adjudicate, load_catalogue, validate_decision
from wargame.engine.model import DATA_DIR
from wargame.engine.narrative import texts

from .helpers import play, quiet_model, start

BOT_REPLIES = Path(__file__).resolve().parents[2] / "wargame/exercises/data/bot_replies.yaml"
# What a translation must carry over unchanged: rule and section citations, measure ids, code.
REFERENCE = re.compile(r"(?<![A-Za-z])(?:R\d{2}|c\.[a-z_]+)(?![a-z_\d])|§\d+|`[^`]+`")

MODEL = quiet_model()
CATALOGUE = load_catalogue(MODEL)
RAW_ACTIONS: list[dict[str, Any]] = yaml.safe_load(
    (DATA_DIR / "actions.yaml").read_text(encoding="utf-8")
)["actions"]


def _fields(template: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(template) if name is not None)


def _references(text: str) -> list[str]:
    return sorted(REFERENCE.findall(text))


def _bot_texts() -> list[tuple[str, dict[str, str]]]:
    raw = yaml.safe_load(BOT_REPLIES.read_text(encoding="utf-8"))
    found = [(f"statements.{k}", v) for k, v in raw["statements"].items()]
    for kind, stances in raw["replies"].items():
        found += [(f"replies.{kind}.{stance}", v) for stance, v in stances.items()]
    return found


@pytest.mark.parametrize("raw", RAW_ACTIONS, ids=lambda raw: str(raw["id"]))
@pytest.mark.parametrize("kind", ["title", "help"])
def test_it_gives_every_action_a_korean_text_faithful_to_the_english(
    raw: dict[str, Any], kind: str
) -> None:
    table = raw[kind]
    assert str(table.get("ko") or "").strip(), f"{raw['id']}.{kind} has no ko text"
    assert table["ko"] != table["en"]
    assert _fields(table["ko"]) == _fields(table["en"])
    assert _references(table["ko"]) == _references(table["en"])


@pytest.mark.parametrize("section", ["teams", "statuses", "labels", "templates"])
def test_it_gives_every_narrative_text_a_korean_version_with_the_english_placeholders(
    section: str,
) -> None:
    english, korean = texts()[section]["en"], texts()[section].get("ko") or {}
    assert sorted(korean) == sorted(english)
    for key, template in english.items():
        assert str(korean[key]).strip(), f"{section}.{key} is empty in ko"
        assert _fields(korean[key]) == _fields(template), f"{section}.{key}"


@pytest.mark.parametrize(
    ("where", "table"), _bot_texts(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_it_gives_every_bot_text_with_a_japanese_version_a_korean_one_too(
    where: str, table: dict[str, str]
) -> None:
    assert "ja" in table
    assert str(table.get("ko") or "").strip(), f"{where} has no ko text"
    assert _fields(table["ko"]) == _fields(table["en"]), where


def test_it_narrates_in_korean_with_the_korean_titles_and_team_names() -> None:
    state = start(MODEL)
    proposal = play(state, MODEL, DPRK=[{"action": "d.threaten", "target": "US", "params": {}}])
    title = CATALOGUE.actions["d.threaten"].title
    korean, english = proposal.narrative["ko"], proposal.narrative["en"]
    assert title["ko"] in korean
    assert title["en"] not in korean
    assert texts()["teams"]["ko"]["DPRK"] in korean
    assert title["en"] in english
    for narrative in proposal.view_narratives.values():
        assert title["en"] not in narrative["ko"]


def test_it_falls_back_to_the_english_title_where_an_action_has_no_korean_text() -> None:
    catalogue = load_catalogue(
        MODEL, {"override": {"d.threaten": {"title": {"en": "Loud warning", "ja": "強い警告"}}}}
    )
    state = start(MODEL)
    decision = validate_decision(
        catalogue,
        state,
        "DPRK",
        {"actions": [{"action": "d.threaten", "target": "US", "params": {}}]},
        MODEL,
    )
    proposal = adjudicate(state, {"DPRK": decision}, seed=1, model=MODEL, catalogue=catalogue)
    assert "Loud warning" in proposal.narrative["ko"]
    assert "強い警告" in proposal.narrative["ja"]


def test_it_never_narrates_a_nuclear_use_request_in_korean() -> None:
    state = start(MODEL)
    proposal = play(state, MODEL, DPRK=[{"action": "m.nuclear_use", "target": "US", "params": {}}])
    assert proposal.requires_nuclear_approval
    title = CATALOGUE.actions["m.nuclear_use"].title["ko"]
    control = proposal.view_narratives.get("control", proposal.narrative)
    assert texts()["templates"]["ko"]["decision_point"] in control["ko"]
    for narrative in (proposal.narrative, *proposal.view_narratives.values()):
        assert title not in narrative["ko"]


def _reasons(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {str(v) for k, v in node.items() if k in ("reason", "intro") and isinstance(v, str)}
        return found.union(*(_reasons(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_reasons(item) for item in node))
    return set()


@pytest.mark.parametrize("policy", ["cautious", "hawkish"])
def test_it_translates_every_sentence_of_a_bot_policys_rationale(policy: str) -> None:
    """A stand-in team's rationale is shown sentence by sentence in the reader's language."""
    policies = yaml.safe_load((DATA_DIR / "bots.yaml").read_text(encoding="utf-8"))["policies"]
    table = yaml.safe_load(BOT_REPLIES.read_text(encoding="utf-8"))["rationales"]
    sentences = _reasons(policies[policy])
    assert sentences
    untranslated = sorted(
        sentence
        for sentence in sentences
        if not all(str(table.get(sentence, {}).get(lang) or "") for lang in ("ja", "ko"))
    )
    assert untranslated == []
