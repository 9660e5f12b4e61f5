"""Pointers into a state, derived values included: "ci" (crisis instability) and
"agreement/<measure>" (the status of the latest agreement on a measure), which scenario conditions
read beside the state's own variables."""

from __future__ import annotations

from typing import Any

from .crisis import crisis_instability
from .errors import StateError
from .model import Model, load_model
from .state import State, agreement_status, settable_pointers, state_get


def state_pointers(state: State, model: Model | None = None) -> frozenset[str]:
    """Every pointer state_value answers: the settable ones, "ci" and "agreement/<measure>"."""
    model = model or load_model()
    measures = model.data["cbm"]["measures"]
    return settable_pointers(state) | {"ci"} | {f"agreement/{m}" for m in measures}


def state_value(state: State, pointer: str, model: Model | None = None) -> Any:
    """The value at `pointer`; StateError if the pointer is unknown."""
    parts = pointer.split("/")
    if pointer == "ci":
        return crisis_instability(state, model or load_model())
    if parts[0] == "agreement" and len(parts) == 2:
        if parts[1] not in (model or load_model()).data["cbm"]["measures"]:
            raise StateError(pointer, "unknown state pointer.")
        return agreement_status(state, parts[1])
    return state_get(state, pointer)
