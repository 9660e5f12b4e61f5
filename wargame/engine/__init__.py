"""The pure adjudication engine (docs/model.md): no Django, no global randomness, no wall clock."""

from __future__ import annotations

from .adjudicate import (
    DecisionPoint,
    OutcomeEvent,
    PerceivedEvent,
    Proposal,
    adjudicate,
    apply_decision_points,
)
from .catalogue import ActionDef, Catalogue, actions_for, load_catalogue, validate_decision
from .crisis import crisis_instability
from .decisions import ActionChoice, Decision
from .errors import EngineError, ModelError, RuleViolation, StateError
from .model import Model, load_model
from .pointers import state_pointers, state_value
from .rng import Die, draw
from .state import (
    CORE_TEAMS,
    OPTIONAL_TEAMS,
    Agreement,
    Belief,
    State,
    initial_state,
    state_get,
    state_with,
)
from .views import (
    agreements_for,
    outcome_for,
    view_for,
    view_for_control,
    view_for_observers,
)

__all__ = [
    "CORE_TEAMS",
    "OPTIONAL_TEAMS",
    "ActionChoice",
    "ActionDef",
    "Agreement",
    "Belief",
    "Catalogue",
    "Decision",
    "DecisionPoint",
    "Die",
    "EngineError",
    "Model",
    "ModelError",
    "OutcomeEvent",
    "PerceivedEvent",
    "Proposal",
    "RuleViolation",
    "State",
    "StateError",
    "actions_for",
    "adjudicate",
    "agreements_for",
    "apply_decision_points",
    "crisis_instability",
    "draw",
    "initial_state",
    "load_catalogue",
    "load_model",
    "outcome_for",
    "state_get",
    "state_pointers",
    "state_value",
    "state_with",
    "validate_decision",
    "view_for",
    "view_for_control",
    "view_for_observers",
]
