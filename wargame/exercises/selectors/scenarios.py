"""The scenarios a caller may use: the built-ins for everyone, uploads for their owner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from wargame.engine.scenario import builtin_slugs
from wargame.exercises.errors import NotFound
from wargame.exercises.models import ScenarioUpload
from wargame.exercises.scenarios import builtin_text, scenario_from_text
from wargame.exercises.shapes import ScenarioBody, ScenarioCutBody, ScenarioTeamBody

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from wargame.engine.scenario import Scenario


def scenario_summary(scenario: Scenario, lang: str) -> ScenarioBody:
    """The scenario as docs/interface.md#shapes gives it, its texts in ``lang`` (English where a
    text lacks it)."""
    return ScenarioBody(
        slug=scenario.slug,
        title=scenario.title.get(lang),
        summary=scenario.summary.get(lang),
        teams=[
            ScenarioTeamBody(code=code, name=brief.name.get(lang))
            for code, brief in scenario.teams.items()
        ],
        turns=scenario.turn_count,
        languages=list(scenario.languages),
        cuts=[
            ScenarioCutBody(
                id=cut.id,
                name=cut.name.get(lang),
                session_minutes=cut.session_minutes,
                turns=len(cut.moves),
                deliberation_minutes=cut.usual_minutes,
                default=cut.default,
            )
            for cut in scenario.cuts
        ],
    )


def builtin_scenarios() -> list[Scenario]:
    return [
        scenario_from_text(builtin_text(slug), source_name=f"{slug}.yaml")
        for slug in builtin_slugs()
    ]


def scenarios_visible(user: User | AnonymousUser | None) -> list[Scenario]:
    """Built-ins first, then the user's own uploads by slug (none for anyone not signed in)."""
    found = builtin_scenarios()
    if user is not None and user.is_authenticated:
        uploads = ScenarioUpload.objects.filter(owner_id=user.pk).order_by("slug")
        found += [scenario_from_text(u.text, source_name=f"{u.slug}.yaml") for u in uploads]
    return found


def scenario_visible(user: User | AnonymousUser | None, slug: str) -> Scenario:
    """A built-in scenario, or one of the user's uploads; NotFound for any other slug."""
    if slug in builtin_slugs():
        return scenario_from_text(builtin_text(slug), source_name=f"{slug}.yaml")
    if user is not None and user.is_authenticated:
        upload = ScenarioUpload.objects.filter(owner_id=user.pk, slug=slug).first()
        if upload is not None:
            return scenario_from_text(upload.text, source_name=f"{slug}.yaml")
    raise NotFound(_("Scenario not found."))
