"""Interface names of the escalation ladder's rungs (ADJUDICATION.md §2) and the dashboard's
alert levels (``data/dashboard.yaml``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

RUNG_NAMES: tuple[_StrPromise, ...] = (
    _("peacetime competition"),
    _("political signalling"),
    _("demonstration"),
    _("show of force"),
    _("crisis"),
    _("armed incident"),
    _("limited conventional strikes"),
    _("conventional war"),
    _("nuclear alert"),
    _("nuclear demonstration"),
    _("limited nuclear use"),
    _("general nuclear war"),
)

LANGUAGES = ("en", "ja", "ko")
DASHBOARD_DATA = Path(__file__).resolve().parent / "data" / "dashboard.yaml"


def rung_name(rung: int) -> str:
    """The rung's name, or its number alone for a rung a scenario's model adds beyond the list."""
    return str(RUNG_NAMES[rung]) if 0 <= rung < len(RUNG_NAMES) else str(rung)


@lru_cache(maxsize=1)
def ci_alert_level() -> float:
    data = yaml.safe_load(DASHBOARD_DATA.read_text(encoding="utf-8"))
    return float(data["ci_alert"]["level"])


def active_language() -> str:
    """The interface language, for scenario and engine texts kept per language."""
    lang = (get_language() or "en")[:2]
    return lang if lang in LANGUAGES else "en"


def in_language(texts: object, lang: str) -> str:
    """A per-language text in ``lang``, falling back to English."""
    if not isinstance(texts, dict):
        return str(texts or "")
    return str(texts.get(lang) or texts.get("en") or "")


PHASE_NAMES = {
    "briefing": _("Briefing"),
    "deliberation": _("Deliberation"),
    "adjudication": _("Adjudication"),
    "outcome": _("Outcome"),
}
STATUS_NAMES = {
    "draft": _("Draft"),
    "lobby": _("Lobby"),
    "running": _("Running"),
    "paused": _("Paused"),
    "ended": _("Ended"),
}


def phase_name(phase: str | None) -> str:
    return str(PHASE_NAMES[phase]) if phase in PHASE_NAMES else ""


def status_name(status: str) -> str:
    return str(STATUS_NAMES[status]) if status in STATUS_NAMES else status
