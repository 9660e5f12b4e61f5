"""The report's words in one language: its own labels (texts.yaml), and the names the engine and
the scenario give to teams, actions and agreement statuses. English is the fallback throughout."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from django.utils import translation

from wargame.engine.korean import format_with_particles
from wargame.engine.narrative import texts as engine_texts
from wargame.labels import measure_name
from wargame.languages import LANGUAGES

if TYPE_CHECKING:
    from collections.abc import Mapping

    from wargame.engine.catalogue import Catalogue
    from wargame.engine.scenario.scenario import Scenario

TEXTS_FILE = Path(__file__).resolve().parent / "texts.yaml"


@lru_cache(maxsize=1)
def report_texts() -> Mapping[str, Any]:
    loaded: Mapping[str, Any] = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    return loaded


def report_language(lang: str | None, default: str) -> str:
    """``lang`` when the report is written in it, else ``default``, else English."""
    for candidate in (lang, default):
        if candidate in LANGUAGES:
            return str(candidate)
    return "en"


def _merged(lang: str) -> dict[str, Any]:
    english: dict[str, Any] = dict(report_texts()["en"])
    own: Mapping[str, Any] = report_texts().get(lang) or {}
    out: dict[str, Any] = {}
    for key, value in english.items():
        if isinstance(value, dict):
            out[key] = {**value, **(own.get(key) or {})}
        else:
            out[key] = own.get(key) or value
    return out


@dataclass(frozen=True)
class Words:
    """Everything the report writes in ``lang``; templates read ``words.t`` section by section."""

    lang: str
    t: dict[str, Any]
    scenario: Scenario
    catalogue: Catalogue

    @classmethod
    def build(cls, lang: str, scenario: Scenario) -> Words:
        return cls(lang=lang, t=_merged(lang), scenario=scenario, catalogue=scenario.catalogue())

    def label(self, key: str, **values: object) -> str:
        text = str(self.t["labels"].get(key, key))
        return format_with_particles(text, **values) if values else text

    def summary(self, key: str, **values: object) -> str:
        """A sentence of the summary's account of what happened."""
        return format_with_particles(str(self.t["summary"][key]), **values)

    def team(self, code: str | None) -> str:
        if not code:
            return ""
        # The scenario's own name where it was written in this language, else the engine's.
        brief = self.scenario.teams.get(code)
        if brief is not None and brief.name.has(self.lang):
            return brief.name.get(self.lang)
        engine = self._engine("teams", code)
        if engine != code or brief is None:
            return engine
        return brief.name.get(self.lang)

    def action(self, action: str | None) -> str:
        """An action's title, or the engine's words for what a misreading took it to be."""
        if not action:
            return ""
        found = self.catalogue.actions.get(action)
        if found is not None:
            return found.text("title", self.lang)
        return self._engine("labels", action)

    def measure(self, measure: str | None) -> str:
        """A confidence-building measure's name (``c.*``), as the team rooms name it."""
        if not measure:
            return ""
        with translation.override(self.lang):
            return measure_name(measure)

    def status(self, status: str) -> str:
        return self._engine("statuses", status)

    def in_language(self, texts: object) -> str:
        """A per-language text of the log ({en, ja, ko}), falling back to English."""
        if isinstance(texts, dict):
            return str(texts.get(self.lang) or texts.get("en") or "")
        return str(texts or "")

    def _engine(self, table: str, key: str) -> str:
        tables: Mapping[str, Mapping[str, str]] = engine_texts()[table]
        return tables.get(self.lang, {}).get(key) or tables["en"].get(key) or key
