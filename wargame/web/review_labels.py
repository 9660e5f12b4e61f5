"""Interface names of the escalation ladder's rungs (docs/model.md#2-the-escalation-ladder) and the
dashboard's alert levels (``data/dashboard.yaml``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
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

DASHBOARD_DATA = Path(__file__).resolve().parent / "data" / "dashboard.yaml"


def rung_name(rung: int) -> str:
    """The rung's name, or its number alone for a rung a scenario's model adds beyond the list."""
    return str(RUNG_NAMES[rung]) if 0 <= rung < len(RUNG_NAMES) else str(rung)


@lru_cache(maxsize=1)
def ci_alert_level() -> float:
    data = yaml.safe_load(DASHBOARD_DATA.read_text(encoding="utf-8"))
    return float(data["ci_alert"]["level"])


# What each kind of die decides, as a question (the engine's draw purposes, docs/model.md §10):
# the review shows these words, with the draw's identity beside them for whoever checks it.
DIE_QUESTIONS: dict[str, _StrPromise] = {
    "perception:detect": _("Does %(observer)s detect %(actor)s's move?"),
    "perception:share": _("Is %(actor)s's launch passed on to %(observer)s?"),
    "perception:misread": _("Does %(observer)s misread %(actor)s's move?"),
    "perception:false_alarm": _("Does %(observer)s see a false alarm?"),
    "cbm:violation": _("Does %(actor)s's move break an agreement with %(observer)s?"),
    "cbm:verify": _("Is a breach of the agreement found?"),
    "cbm:lapse": _("Does the agreement lapse?"),
    "hotline:fail": _("Does the hotline fail?"),
    "ladder:ratchet": _("Does %(actor)s → %(observer)s climb a further rung?"),
    "capability:veto": _("Is %(actor)s's call for sanctions vetoed?"),
    "capability:warheads": _(
        "How many warheads does the DPRK make this turn? (The threshold is the mean.)"
    ),
}
RULE_DIE_QUESTION = _("Rule %(rule)s: does it take effect?")


def die_question(purpose: str, key: str) -> str:
    """The die's question in words, from its purpose and its key (``actor|action|observer``)."""
    actor, _action, observer = ([*key.split("|"), "", ""])[:3]
    names = {"actor": actor or "-", "observer": observer or "-"}
    if purpose in DIE_QUESTIONS:
        return str(DIE_QUESTIONS[purpose]) % names
    if purpose.startswith("rule:"):
        return str(RULE_DIE_QUESTION) % {"rule": purpose.removeprefix("rule:")}
    return purpose
