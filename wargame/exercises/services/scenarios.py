"""A facilitator's own scenarios: checking a file and keeping it (docs/interface.md#endpoints:
``POST scenarios/``, ``POST scenarios/validate/``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from wargame.engine.scenario import Scenario, ScenarioError, builtin_slugs, load_scenario_text
from wargame.exercises.errors import InvalidScenario
from wargame.exercises.models import ScenarioUpload

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def scenario_checked(text: str) -> Scenario:
    """The scenario a text describes, or every mistake in it (line, column, path, reason)."""
    try:
        return load_scenario_text(text, source_name="upload.yaml")
    except ScenarioError as exc:
        raise InvalidScenario(
            str(exc),
            details=[{k: v for k, v in item.items() if k != "file"} for item in exc.details],
        ) from exc


def _slug_line(text: str) -> int:
    return next((n for n, line in enumerate(text.splitlines(), 1) if line.startswith("slug:")), 1)


def scenario_upload(*, user: User, text: str) -> Scenario:
    """Keep a facilitator's scenario under its slug (one per slug and owner; a new upload of the
    same slug replaces it). A built-in's slug is refused: it would shadow the built-in."""
    scenario = scenario_checked(text)
    if scenario.slug in builtin_slugs():
        raise InvalidScenario(
            _("A built-in scenario already has this slug."),
            details=[
                {
                    "line": _slug_line(text),
                    "column": 1,
                    "path": "slug",
                    "message": f"'{scenario.slug}' is a built-in scenario's slug",
                }
            ],
        )
    ScenarioUpload.objects.update_or_create(owner=user, slug=scenario.slug, defaults={"text": text})
    return scenario
