"""What control may put in place of a team's decision when forking a what-if branch from the
timeline: each action the team may ever take, one choice per value of its single required setting
(a posture level, a missile class). Actions that need more than one setting (a CBM proposal) are
left to the API's ``replace``; the branch checks every choice against that turn's state."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wargame.labels import value_label

if TYPE_CHECKING:
    from wargame.engine.catalogue import ActionDef
    from wargame.engine.scenario import Scenario


@dataclass(frozen=True)
class Choice:
    value: str  # the action as `replace[].actions[]` takes it, as JSON
    label: str


@dataclass(frozen=True)
class TeamChoices:
    code: str
    name: str
    choices: list[Choice]


def _variants(adef: ActionDef, title: str) -> list[Choice]:
    schema: dict[str, Any] = dict(adef.params or {})
    required = list(schema.get("required") or [])
    if not required:
        return [Choice(json.dumps({"action": adef.id}), title)]
    enum = (schema.get("properties") or {}).get(required[0], {}).get("enum")
    if len(required) > 1 or not enum:
        return []
    return [
        Choice(
            json.dumps({"action": adef.id, "params": {required[0]: value}}),
            f"{title}: {value_label(value)}",
        )
        for value in enum
    ]


def replacement_choices(scenario: Scenario, lang: str) -> list[TeamChoices]:
    catalogue = scenario.catalogue()
    return [
        TeamChoices(
            code=code,
            name=brief.name.get(lang),
            choices=[
                choice
                for adef in catalogue.actions.values()
                if code in adef.actors
                for choice in _variants(adef, adef.text("title", lang))
            ],
        )
        for code, brief in scenario.teams.items()
    ]
