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
