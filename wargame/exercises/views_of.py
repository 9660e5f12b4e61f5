"""The views an event can be addressed to (docs/interface.md#roles-and-views): control, team:<CODE>,
observers."""

from __future__ import annotations

import re

CONTROL = "control"
OBSERVERS = "observers"
_TEAM_VIEW = re.compile(r"^team:(US|ROK|JPN|DPRK|PRC|RUS)$")


def team_view(code: str) -> str:
    return f"team:{code}"


def is_view(name: str) -> bool:
    return name in (CONTROL, OBSERVERS) or bool(_TEAM_VIEW.match(name))


def team_of_view(view: str) -> str | None:
    """The team code of a team's view (``team:US`` -> ``US``), None for control and observers."""
    match = _TEAM_VIEW.match(view)
    return match.group(1) if match else None
