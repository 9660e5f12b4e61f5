"""Joint actions: who the partners of a joint action are, what a partner takes to join it, and
whether it did. One rule for the adjudication, the proposals teams make to each other and the
AI teams (R06, R10: an extended-deterrence consultation or a combined exercise happens only if
every named party takes it the same turn).

A joint action names its partners in one of two ways. If its parameters have a ``with`` list
(a combined exercise), those teams are the partners and each takes the same action naming the
others. Otherwise its target is the partner (a consultation with an ally), who joins by taking the
action aimed back at the proposer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

    from .catalogue import ActionDef

WITH = "with"


def names_partners_with(adef: ActionDef) -> bool:
    """Whether the action names its partners in a ``with`` parameter (else by its target)."""
    properties = (adef.params or {}).get("properties", {})
    return WITH in properties


def partners(
    adef: ActionDef, actor: str, target: str | None, params: Mapping[str, Any]
) -> tuple[str, ...]:
    """The teams that must take ``adef`` this turn for the actor's to take effect."""
    if not adef.joint:
        return ()
    if names_partners_with(adef):
        return tuple(sorted({str(p) for p in params.get(WITH) or ()} - {actor}))
    return (target,) if target and target != actor else ()


def counterpart(
    adef: ActionDef, actor: str, target: str | None, params: Mapping[str, Any], partner: str
) -> dict[str, Any]:
    """The action choice (as a decision lists it) by which ``partner`` joins the actor's."""
    if names_partners_with(adef):
        others = sorted((set(partners(adef, actor, target, params)) | {actor}) - {partner})
        choice: dict[str, Any] = {"action": adef.id, "params": {**params, WITH: others}}
        if target:
            choice["target"] = target
        return choice
    return {"action": adef.id, "target": actor, "params": dict(params)}


def joined(
    adef: ActionDef, actor: str, partner: str, taken: Collection[tuple[str, str | None]]
) -> bool:
    """Whether ``partner``, taking the (action, target) pairs ``taken``, joined the actor's."""
    if names_partners_with(adef):
        return any(action == adef.id for action, _target in taken)
    return (adef.id, actor) in taken
