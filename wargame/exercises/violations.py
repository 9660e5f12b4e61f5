"""The engine's refusal of a decision, told to a player in their language and in words.

The engine says which rule a decision broke (`RuleViolation.code`) and with what (action and team
ids, a parameter's name, a number); here each rule has its sentence, the action named by its
title, a parameter by its label, a team by its name. The engine's own English ``reason`` is for
logs: it carries ids (`d.consult needs a target.`) no player should meet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wargame.exercises.bot_words import team_name
from wargame.labels import AGREEMENT_STATUS, PARAM_LABELS
from wargame.languages import FALLBACK, LANGUAGES

if TYPE_CHECKING:
    from collections.abc import Callable

    from wargame.engine.catalogue import Catalogue
    from wargame.engine.errors import RuleViolation


def _language() -> str:
    lang = (get_language() or FALLBACK).split("-")[0]
    return lang if lang in LANGUAGES else FALLBACK


def _sentences() -> dict[str, Callable[[], str]]:
    """One sentence per rule, built when asked so that it is in the active language."""
    return {
        "team_unknown": lambda: _("That team is not in this game."),
        "rationale_text": lambda: _("The rationale must be text."),
        "rationale_long": lambda: _("The rationale is limited to %(limit)s characters."),
        "actions_shape": lambda: _(
            "The decision could not be read: reload the page and try again."
        ),
        "action_unknown": lambda: _("This action is not one the game offers."),
        "action_not_yours": lambda: _("This team cannot take “%(action)s”."),
        "target_missing": lambda: _("Choose a target for “%(action)s”."),
        "target_none": lambda: _("“%(action)s” takes no target."),
        "target_self": lambda: _("A team cannot aim an action at itself."),
        "target_wrong": lambda: _("“%(action)s” cannot be aimed at this target (%(target)s)."),
        "param_missing": lambda: _("Choose “%(param)s” for “%(action)s”."),
        "param_invalid": lambda: _("Check “%(param)s” for “%(action)s”."),
        "line_not_party": lambda: _("This team is not at either end of that line."),
        "proposer_not_party": lambda: _("The team proposing a measure must be one of its parties."),
        "agreement_unknown": lambda: _("That agreement does not exist."),
        "agreement_not_party": lambda: _("This team is not a party to that agreement."),
        "agreement_not_proposed": lambda: _(
            "That agreement is no longer open for an answer (%(status)s)."
        ),
        "agreement_not_in_force": lambda: _("That agreement is not in force (%(status)s)."),
        "over_budget": lambda: _(
            "At most %(limit)s actions a turn (accepting or rejecting a proposal is free)."
        ),
        "over_free_budget": lambda: _("At most %(limit)s answers to proposals a turn."),
    }


def violation_reason(exc: RuleViolation, catalogue: Catalogue) -> str:
    """What the player reads for the engine's refusal ``exc``."""
    lang = _language()
    detail: dict[str, Any] = dict(exc.detail)
    action = catalogue.actions.get(str(detail.get("action", "")))
    if action is not None:
        detail["action"] = action.text("title", lang)
    if "target" in detail:
        detail["target"] = team_name(str(detail["target"]), lang)
    if "status" in detail:
        detail["status"] = str(AGREEMENT_STATUS.get(str(detail["status"]), detail["status"]))
    if "param" in detail:
        param = str(detail["param"])
        if not param and action is not None:
            return _("Check the choices for “%(action)s”.") % detail
        detail["param"] = str(PARAM_LABELS.get(param, param))
    if "limit" in detail:
        detail["limit"] = f"{int(detail['limit']):,}"
    sentence = _sentences().get(exc.code)
    if sentence is None:
        return _("This decision is not allowed.")
    return sentence() % detail
