"""A scenario's own orders for its AI stand-ins (`bots:`): what a team's bot does in this
scenario before its general policy, such as China's moves in 2018, which no general policy holds.

Each order is an action as a decision carries it (`action`, `target`, `params`), with the chance
of taking it each move (`p`), optionally only every few moves (`every`, `offset`), the reason the
bot gives (a text in each language) and its source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wargame.engine.scenario.texts import Text

if TYPE_CHECKING:
    from collections.abc import Iterator

    from wargame.engine.catalogue import Catalogue
    from wargame.engine.model import Model
    from wargame.engine.scenario.yaml_reader import Path
    from wargame.engine.state import State

    Finding = tuple[Path, bool, str]


@dataclass(frozen=True, slots=True)
class BotOrder:
    action: str
    target: str | None
    params: Mapping[str, Any]
    p: float
    every: int
    offset: int
    reason: Text
    source: str

    def entry(self) -> dict[str, Any]:
        """The order as the engine's bots take a standing order (reason in English: the rationale
        is translated where it is shown)."""
        out: dict[str, Any] = {
            "action": self.action,
            "p": self.p,
            "every": self.every,
            "offset": self.offset,
            "reason": self.reason.en,
            "source": self.source,
        }
        if self.target is not None:
            out["target"] = self.target
        if self.params:
            out["params"] = dict(self.params)
        return out


def parse_orders(raw: Any) -> dict[str, tuple[BotOrder, ...]]:
    return {
        team: tuple(
            BotOrder(
                action=str(o["action"]),
                target=o.get("target"),
                params=dict(o.get("params") or {}),
                p=float(o.get("p", 1.0)),
                every=int(o.get("every", 1)),
                offset=int(o.get("offset", 0)),
                reason=Text.from_raw(o["reason"]),
                source=str(o["source"]),
            )
            for o in orders or ()
        )
        for team, orders in (raw or {}).items()
    }


def order_findings(
    data: Mapping[str, Any], teams: list[str], catalogue: Catalogue, state: State, model: Model
) -> Iterator[Finding]:
    """Each order is an action its team could put in a decision on day one."""
    from wargame.engine.catalogue import validate_decision
    from wargame.engine.errors import EngineError
    from wargame.engine.scenario.schema import did_you_mean

    raw = data.get("bots")
    if not isinstance(raw, Mapping):
        return
    for team, orders in raw.items():
        if team not in teams:
            yield ("bots", team), True, f"team '{team}' does not play in this scenario"
            continue
        for i, order in enumerate(orders if isinstance(orders, list) else ()):
            if not isinstance(order, Mapping):
                continue
            action = str(order.get("action"))
            adef = catalogue.actions.get(action)
            if adef is None:
                hint = did_you_mean(action, sorted(catalogue.actions))
                yield ("bots", team, i, "action"), False, f"unknown action '{action}'{hint}"
            elif team not in adef.actors:
                yield ("bots", team, i, "action"), False, f"{team} cannot take '{action}'"
            target = order.get("target")
            if target is not None and target not in teams:
                yield ("bots", team, i, "target"), False, f"team '{target}' does not play here"
            elif adef is not None and team in adef.actors:
                entry = {k: order[k] for k in ("action", "target", "params") if k in order}
                try:
                    validate_decision(catalogue, state, team, {"actions": [entry]}, model)
                except EngineError as exc:
                    reason = str(getattr(exc, "reason", "") or exc)
                    yield ("bots", team, i), False, f"not a decision {team} could take: {reason}"
