"""The numbers a view reads for agreements (docs/interface.md#ids).

The engine numbers agreements across the whole game; a team reads its own numbers, 1, 2, 3, ...
in the order it learned of each agreement it is party to, so that its agreement 2 says nothing
of agreements between other teams. Control reads the engine's ids. Observers are party to no
agreement and read none.

Agreements only ever join the registry (a proposal, or a scenario's set-up), each with the next
id and its parties fixed, and every party learns of one when it joins: a team's numbers are the
ranks of the ids of its agreements, stable for the rest of the game.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .errors import RuleViolation

if TYPE_CHECKING:
    from .state import State

CONTROL = "control"
# The parameters and event data that name an agreement by its id.
AGREEMENT_KEYS = ("proposal", "agreement")


def agreement_numbers(state: State, view: str) -> dict[int, int]:
    """Engine id -> the view's number, for every agreement the view knows."""
    if view == CONTROL:
        return {a.id: a.id for a in state.agreements}
    team = view.removeprefix("team:") if view.startswith("team:") else None
    ids = sorted(a.id for a in state.agreements if team in a.parties)
    return {aid: n for n, aid in enumerate(ids, start=1)}


def _reference(value: Any) -> int | None:
    """An agreement named in params: an integer (a bool is not one), else None."""
    return None if isinstance(value, bool) or not isinstance(value, int) else value


def numbered(value: Any, numbers: Mapping[int, int]) -> int | None:
    """The view's number for an engine id (None: the view does not know that agreement)."""
    reference = _reference(value)
    return None if reference is None else numbers.get(reference)


def numbered_params(params: Mapping[str, Any], numbers: Mapping[int, int]) -> dict[str, Any]:
    """`params` (an act's or an event's) with each agreement it names by the view's number; a
    reference to an agreement the view does not know is left out."""
    out = dict(params)
    for key in AGREEMENT_KEYS:
        if key in out:
            found = numbered(out[key], numbers)
            if found is None:
                del out[key]
            else:
                out[key] = found
    return out


def actions_numbered(actions: Any, numbers: Mapping[int, int]) -> Any:
    """Stored actions (engine ids) as a view reads them (`numbered_params` on each)."""
    if not isinstance(actions, list):
        return actions
    return [
        {**a, "params": numbered_params(a["params"], numbers)}
        if isinstance(a, Mapping) and isinstance(a.get("params"), Mapping)
        else a
        for a in actions
    ]


def actions_from_view(actions: Any, numbers: Mapping[int, int]) -> Any:
    """A view's actions as it sent them, each agreement it names (by its number) named by the
    engine's id. A number the view does not hold is refused on its field (`agreement_unknown`),
    whether or not the engine has an agreement with that id. Anything else is left for the
    catalogue's checks."""
    if not isinstance(actions, list):
        return actions
    ids = {n: aid for aid, n in numbers.items()}
    out: list[Any] = []
    for index, action in enumerate(actions):
        params = action.get("params") if isinstance(action, Mapping) else None
        if not isinstance(params, Mapping) or not str(action.get("action", "")).startswith("c."):
            out.append(action)
            continue
        changed = dict(params)
        for key in AGREEMENT_KEYS:
            value = _reference(changed.get(key))
            if value is None:
                continue
            if value not in ids:
                raise RuleViolation(
                    f"actions.{index}.params.{key}", f"No agreement {value}.", "agreement_unknown"
                )
            changed[key] = ids[value]
        out.append({**action, "params": changed})
    return out
