"""A cohort: several exercises of one scenario that one facilitator sets side by side (the cohort
export, the cohort page). Only exercises the account facilitates can be in it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from wargame.exercises.errors import InvalidInput, NotFound
from wargame.exercises.models import Exercise

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Enough for a term of seminar groups; more is a research run (simulate), not a cohort.
MAX_EXERCISES = 50


def _ids(raw: str) -> list[int]:
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if not parts or not all(part.isdigit() for part in parts):
        raise InvalidInput.on("exercises", _("Give exercise ids separated by commas."))
    ids = list(dict.fromkeys(int(part) for part in parts))
    if len(ids) > MAX_EXERCISES:
        raise InvalidInput.on(
            "exercises", _("At most %(n)s exercises at once.") % {"n": MAX_EXERCISES}
        )
    return ids


def cohort_exercises(user: User, *, exercises: str | None, cohort: str | None) -> list[Exercise]:
    """The exercises named by id (``"3,5,8"``) or by cohort label, all of one scenario, each
    facilitated by ``user``; an id the user does not facilitate is not found (404)."""
    mine = Exercise.objects.filter(facilitators__user=user, practice=False)
    if exercises:
        ids = _ids(exercises)
        found = {e.pk: e for e in mine.filter(pk__in=ids)}
        missing = [i for i in ids if i not in found]
        if missing:
            raise NotFound(_("Exercise not found."))
        chosen = [found[i] for i in ids]
    elif cohort and cohort.strip():
        chosen = list(mine.filter(cohort=cohort.strip()).order_by("id"))
        if not chosen:
            raise InvalidInput.on("cohort", _("No exercise of yours has this cohort."))
    else:
        raise InvalidInput.on("exercises", _("Give exercise ids or a cohort."))
    if len({e.scenario_slug for e in chosen}) > 1:
        raise InvalidInput.on("exercises", _("A cohort's exercises must share one scenario."))
    return chosen
