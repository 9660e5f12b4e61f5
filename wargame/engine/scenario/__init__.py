"""Scenario files: safe loading, precise errors, and the injects they script.

Public names: load_scenario_file, load_scenario_text, validate_file, validate_text, builtin_slugs,
load_builtin, injects_due, offset_injects, Scenario, Inject, ScenarioError.
"""

from __future__ import annotations

from wargame.engine.scenario.errors import ErrorDetail, ScenarioError, format_detail
from wargame.engine.scenario.injects import Inject
from wargame.engine.scenario.loader import (
    builtin_slugs,
    load_builtin,
    load_scenario_file,
    load_scenario_text,
    validate_file,
    validate_text,
)
from wargame.engine.scenario.scenario import ChannelsConfig, Scenario, TeamBrief, TurnPlan
from wargame.engine.scenario.schedule import injects_due, offset_injects
from wargame.engine.scenario.texts import Text

__all__ = [
    "ChannelsConfig",
    "ErrorDetail",
    "Inject",
    "Scenario",
    "ScenarioError",
    "TeamBrief",
    "Text",
    "TurnPlan",
    "builtin_slugs",
    "format_detail",
    "injects_due",
    "load_builtin",
    "load_scenario_file",
    "load_scenario_text",
    "offset_injects",
    "validate_file",
    "validate_text",
]
