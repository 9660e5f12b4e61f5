"""Finding a scenario by slug: the built-ins, and a facilitator's own uploads."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from wargame.engine.scenario import Scenario, ScenarioError, builtin_slugs, load_scenario_text
from wargame.engine.scenario.schema import scenarios_dir
from wargame.exercises.errors import InvalidInput, InvalidScenario
from wargame.exercises.models import ScenarioUpload

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


@lru_cache(maxsize=64)
def _parsed(text_hash: str, text: str, source_name: str) -> Scenario:
    # Keyed by content: an exercise keeps the text it was created with, so every process parses
    # each distinct text once.
    return load_scenario_text(text, source_name=source_name)


@lru_cache(maxsize=128)
def _in_cut(text_hash: str, text: str, source_name: str, cut: str) -> Scenario:
    return _parsed(text_hash, text, source_name).for_cut(cut or None)


def scenario_from_text(text: str, *, source_name: str, cut: str = "") -> Scenario:
    """The scenario a text holds, played in `cut` ("": its default cut, if it has cuts)."""
    text_hash = hashlib.sha256(text.encode()).hexdigest()
    try:
        return _in_cut(text_hash, text, source_name, cut)
    except ScenarioError as exc:
        raise InvalidScenario(str(exc), details=list(exc.details)) from exc
    except KeyError as exc:
        raise InvalidInput.on("cut", _("This scenario has no such cut.")) from exc


def builtin_text(slug: str) -> str:
    return (scenarios_dir() / f"{slug}.yaml").read_text(encoding="utf-8")


def scenario_text_for(*, user: User | AnonymousUser | None, slug: str) -> str:
    """The text of a scenario this caller may use: a built-in, or the caller's own upload."""
    if slug in builtin_slugs():
        return builtin_text(slug)
    if user is not None and user.is_authenticated:
        upload = ScenarioUpload.objects.filter(owner_id=user.pk, slug=slug).first()
        if upload is not None:
            return upload.text
    raise InvalidInput.on("scenario", _("Unknown scenario %(slug)s.") % {"slug": slug})
