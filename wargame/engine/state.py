"""The game state (docs/model.md §1): built from the model's defaults, set up by pointers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .errors import StateError
from .state_types import (
    AGREEMENT_STATUSES,
    ALL_TEAMS,
    CORE_TEAMS,
    DPRK_INT_VARS,
    DPRK_VARS,
    FRAMINGS,
    OPTIONAL_TEAMS,
    SCHEMA_VERSION,
    VERIFICATION_MODES,
    Advice,
    Agreement,
    Belief,
    Dprk,
    Memory,
    Pair,
    State,
    nest3,
)

if TYPE_CHECKING:
    from .model import Model

# The allies whose assurance the model follows, and the drivers of their fears (docs/model.md §13).
ALLIANCE_ALLIES: tuple[str, ...] = ("ROK", "JPN")
DRIVERS: tuple[str, ...] = (
    "consultation",
    "commitment",
    "unconsulted",
    "traded",
    "threatened",
    "restrained",
    "escalation",
    "split",
)

__all__ = [
    "AGREEMENT_STATUSES",
    "ALL_TEAMS",
    "CORE_TEAMS",
    "DPRK_INT_VARS",
    "DPRK_VARS",
    "OPTIONAL_TEAMS",
    "SCHEMA_VERSION",
    "Advice",
    "Agreement",
    "Belief",
    "Dprk",
    "Memory",
    "Pair",
    "State",
    "initial_state",
    "nest3",
    "state_get",
    "state_with",
]


# --- structure helpers -----------------------------------------------------------------------


def adversaries(model: Model, team: str, teams: Sequence[str]) -> tuple[str, ...]:
    return tuple(t for t in model.data["teams"]["adversaries"].get(team, ()) if t in teams)


def allies(model: Model, team: str, teams: Sequence[str]) -> tuple[str, ...]:
    return tuple(t for t in model.data["teams"]["allies"].get(team, ()) if t in teams)


def ladders(model: Model, teams: Sequence[str]) -> tuple[Pair, ...]:
    """Ordered dyads with an escalation ladder: the DPRK with each adversary, both directions."""
    out: list[Pair] = [(a, b) for a in teams for b in adversaries(model, a, teams)]
    return tuple(sorted(out))


def hidden_pointers(model: Model, teams: Sequence[str]) -> tuple[str, ...]:
    owners = model.data["teams"]["killchain_owners"]
    return tuple(f"dprk/{v}" for v in DPRK_VARS) + tuple(
        f"killchain/{t}" for t in owners if t in teams
    )


def can_see(model: Model, team: str, pointer: str) -> bool:
    """Whether `team` sees the truth of a hidden pointer (§1: owner and control only)."""
    if pointer.startswith("dprk/"):
        return team == "DPRK"
    if pointer.startswith("killchain/"):
        return team in model.data["teams"]["killchain_owners"]
    if pointer.startswith("policy/"):
        _, owner, name = pointer.split("/", 2)
        see = model.data["policies"].get(owner, {}).get(name, {}).get("see", "all")
        return see == "all" or team == owner or team in see
    return True


def policy_spec(model: Model) -> dict[tuple[str, str], Any]:
    """(team, name) -> the policy's spec (values, default, see) from the model."""
    spec = model.data["policies"]
    return {
        (team, name): row
        for team, names in spec.items()
        if team != "source"
        for name, row in names.items()
    }


def policy_value(state: State, model: Model, team: str, name: str) -> str:
    """A team's standing decision; a state that never set it reads the model's default."""
    for t, n, v in state.policy:
        if (t, n) == (team, name):
            return v
    return str(model.data["policies"][team][name]["default"])


def default_policies(model: Model, teams: Sequence[str]) -> tuple[tuple[str, str, str], ...]:
    return tuple(
        sorted(
            (team, name, str(row["default"]))
            for (team, name), row in policy_spec(model).items()
            if team in teams
        )
    )


def true_value(state: State, pointer: str) -> Any:
    if pointer.startswith("dprk/"):
        return getattr(state.dprk, pointer[5:])
    if pointer.startswith("killchain/"):
        return dict(state.killchain)[pointer[10:]]
    raise StateError(pointer, "not a hidden variable.")


# --- initial state and pointers -----------------------------------------------------------


def _pair_value(table: Mapping[str, Mapping[str, Any]], a: str, b: str, default: Any) -> Any:
    row = table.get(a)
    if row is not None and b in row:
        return row[b]
    return default


def initial_state(
    model: Model,
    *,
    teams: Sequence[str] = CORE_TEAMS,
    overrides: Mapping[str, Any] | None = None,
) -> State:
    """The model's default state (2026 baseline) for `teams`, with pointer overrides applied."""
    for team in teams:
        if team not in ALL_TEAMS:
            raise StateError("teams", f"unknown team '{team}'.")
    for team in CORE_TEAMS:
        if team not in teams:
            raise StateError("teams", f"the core team '{team}' is required.")
    teams = tuple(t for t in ALL_TEAMS if t in teams)
    init = model.data["initial"]
    pairs = [(a, b) for a in teams for b in teams if a != b]
    rung = tuple((a, b, int(_pair_value(init["rung"], a, b, 0))) for a, b in ladders(model, teams))
    threat = tuple(
        sorted(
            (a, b, float(_pair_value(init["threat"], a, b, init["threat_default"])))
            for a, b in pairs
        )
    )
    trust = tuple(
        sorted(
            (a, b, float(_pair_value(init["trust"], a, b, init["trust_default"]))) for a, b in pairs
        )
    )
    assurance = tuple(sorted((k, float(v)) for k, v in init["assurance"].items()))
    killchain = tuple(sorted((k, int(v)) for k, v in init["killchain"].items() if k in teams))
    hotline = tuple(sorted((k, str(v)) for k, v in init["hotline"].items()))
    dprk = Dprk(**{name: init["dprk"][name] for name in DPRK_VARS})
    base = State(
        schema_version=SCHEMA_VERSION,
        turn=1,
        teams=teams,
        rung=rung,
        threat=threat,
        threat0=threat,
        trust=trust,
        assurance=assurance,
        assurance0=assurance,
        sanctions=int(init["sanctions"]),
        killchain=killchain,
        hotline=hotline,
        dprk=dprk,
    )
    base = replace(
        base, beliefs=default_beliefs(model, base), policy=default_policies(model, teams)
    )
    return state_with(model, base, overrides or {}, baseline=True)


def default_beliefs(model: Model, state: State) -> tuple[Belief, ...]:
    conf = float(model.data["initial"]["belief_confidence"])
    hidden = hidden_pointers(model, state.teams)
    out = [
        Belief(team, pointer, true_value(state, pointer), conf)
        for team in state.teams
        for pointer in hidden
        if not can_see(model, team, pointer)
    ]
    return tuple(sorted(out, key=lambda b: (b.team, b.pointer)))


def _domain_check(model: Model, pointer: str, kind: str, value: Any) -> Any:
    domains = model.data["domains"]
    allowed = domains[kind]
    if isinstance(allowed[0], str):
        if value not in allowed:
            raise StateError(pointer, f"must be one of {', '.join(allowed)}; got {value!r}.")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise StateError(pointer, f"must be a number; got {value!r}.")
    lo, hi = allowed
    if not lo <= value <= hi:
        raise StateError(pointer, f"must be between {lo} and {hi}; got {value!r}.")
    if isinstance(lo, int) and kind not in ("threat", "trust", "assurance"):
        if value != int(value):
            raise StateError(pointer, f"must be an integer; got {value!r}.")
        return int(value)
    return float(value)


def _set3(items: tuple[tuple[str, str, Any], ...], a: str, b: str, v: Any) -> tuple[Any, ...]:
    return tuple((x, y, v if (x, y) == (a, b) else w) for x, y, w in items)


def _set2(items: tuple[tuple[str, Any], ...], k: str, v: Any) -> tuple[Any, ...]:
    return tuple((x, v if x == k else w) for x, w in items)


def state_with(
    model: Model, state: State, overrides: Mapping[str, Any], *, baseline: bool = False
) -> State:
    """A copy of `state` with pointer values set (also "agreements"); `baseline` also moves the
    reversion baselines of threat and assurance (a scenario's start values)."""
    valid = settable_pointers(state)
    # Beliefs last: a moved start value refreshes default beliefs, explicit beliefs then win.
    for pointer in sorted(overrides, key=lambda p: (p.startswith("belief/"), p)):
        value = overrides[pointer]
        if pointer == "agreements":
            state = _with_agreements(model, state, value)
            continue
        if pointer not in valid:
            raise StateError(pointer, "unknown state pointer.")
        parts = pointer.split("/")
        head = parts[0]
        if head == "rung":
            v = _domain_check(model, pointer, "rung", value)
            state = replace(state, rung=_set3(state.rung, parts[1], parts[2], v))
        elif head in ("threat", "threat0"):
            v = _domain_check(model, pointer, "threat", value)
            if head == "threat":
                state = replace(state, threat=_set3(state.threat, parts[1], parts[2], v))
            if head == "threat0" or baseline:
                state = replace(state, threat0=_set3(state.threat0, parts[1], parts[2], v))
        elif head == "trust":
            v = _domain_check(model, pointer, "trust", value)
            state = replace(state, trust=_set3(state.trust, parts[1], parts[2], v))
        elif head in ("assurance", "assurance0"):
            v = _domain_check(model, pointer, "assurance", value)
            if head == "assurance":
                state = replace(state, assurance=_set2(state.assurance, parts[1], v))
            if head == "assurance0" or baseline:
                state = replace(state, assurance0=_set2(state.assurance0, parts[1], v))
        elif head == "sanctions":
            state = replace(state, sanctions=_domain_check(model, pointer, "sanctions", value))
        elif head == "killchain":
            v = _domain_check(model, pointer, "killchain", value)
            state = replace(state, killchain=_set2(state.killchain, parts[1], v))
            if baseline:
                state = _refresh_belief(model, state, pointer)
        elif head == "hotline":
            v = _domain_check(model, pointer, "hotline", value)
            state = replace(state, hotline=_set2(state.hotline, parts[1], v))
        elif head == "dprk":
            v = _domain_check(model, pointer, parts[1], value)
            state = replace(state, dprk=replace(state.dprk, **{parts[1]: v}))
            if baseline:
                state = _refresh_belief(model, state, pointer)
        elif head == "belief":
            state = _with_belief(model, state, pointer, parts[1], "/".join(parts[2:]), value)
        elif head == "policy":
            allowed = policy_spec(model)[(parts[1], parts[2])]["values"]
            if value not in allowed:
                raise StateError(pointer, f"must be one of {', '.join(allowed)}; got {value!r}.")
            state = replace(state, policy=_set3(state.policy, parts[1], parts[2], str(value)))
        elif head == "alliance":
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise StateError(pointer, f"must be a number between 0 and 1; got {value!r}.")
            stocks = dict(state.alliance_map())
            stocks[(parts[1], parts[2])] = float(value)
            state = replace(
                state, alliance=tuple(sorted((a, d, v) for (a, d), v in stocks.items()))
            )
        else:  # pragma: no cover - state_pointers lists only the heads above
            raise StateError(pointer, "unknown state pointer.")
    return state


def _refresh_belief(model: Model, state: State, pointer: str) -> State:
    """At set-up, a moved true start value moves the default beliefs with it (§1)."""
    conf = float(model.data["initial"]["belief_confidence"])
    value = true_value(state, pointer)
    beliefs = tuple(
        Belief(b.team, b.pointer, value, b.confidence)
        if b.pointer == pointer and b.confidence == conf
        else b
        for b in state.beliefs
    )
    return replace(state, beliefs=beliefs)


def _with_belief(
    model: Model, state: State, pointer: str, team: str, var: str, value: Any
) -> State:
    if not isinstance(value, Mapping) or set(value) != {"estimate", "confidence"}:
        raise StateError(pointer, "a belief is {estimate, confidence}.")
    conf = value["confidence"]
    if isinstance(conf, bool) or not isinstance(conf, int | float) or not 0 <= conf <= 1:
        raise StateError(pointer, "confidence must be between 0 and 1.")
    kind = var.split("/")[-1] if var.startswith("dprk/") else "killchain"
    estimate = _domain_check(model, pointer, kind, value["estimate"])
    beliefs = tuple(
        Belief(team, var, estimate, float(conf)) if (b.team, b.pointer) == (team, var) else b
        for b in state.beliefs
    )
    return replace(state, beliefs=beliefs)


def _with_agreements(model: Model, state: State, raw: Any) -> State:
    if not isinstance(raw, list | tuple):
        raise StateError("agreements", "must be a list of agreements.")
    measures = model.data["cbm"]["measures"]
    out = list(state.agreements)
    next_id = state.memory.next_agreement_id
    for n, item in enumerate(raw):
        where = f"agreements/{n}"
        if not isinstance(item, Mapping):
            raise StateError(where, "an agreement is a mapping.")
        measure = item.get("measure")
        if measure not in measures:
            raise StateError(f"{where}/measure", f"unknown measure {measure!r}.")
        parties = item.get("parties")
        if not isinstance(parties, list | tuple) or len(parties) < 1:
            raise StateError(f"{where}/parties", "parties must be a non-empty list of teams.")
        for team in parties:
            if team not in state.teams:
                raise StateError(f"{where}/parties", f"'{team}' is not a team in this game.")
        status = item.get("status", "agreed")
        if status not in AGREEMENT_STATUSES:
            raise StateError(f"{where}/status", f"unknown status {status!r}.")
        verification = item.get("verification", measures[measure]["verification"])
        if verification not in VERIFICATION_MODES:
            raise StateError(f"{where}/verification", f"unknown mode {verification!r}.")
        framing = item.get("framing", "none")
        if framing not in FRAMINGS:
            raise StateError(f"{where}/framing", f"unknown framing {framing!r}.")
        ordered = tuple(t for t in ALL_TEAMS if t in parties)
        stepped = status in ("implemented", "verified")
        turn = state.turn - 1
        out.append(
            Agreement(
                id=next_id,
                measure=str(measure),
                parties=ordered,
                status=status,
                proposed_by=str(item.get("proposed_by", ordered[0])),
                proposed_turn=int(item.get("proposed_turn", turn)),
                accepted=ordered
                if status != "proposed"
                else (str(item.get("proposed_by", ordered[0])),),
                steps=tuple((t, turn if stepped else None) for t in ordered),
                verification=verification,
                framing=framing,
                status_turn=turn,
                phase=1 if stepped else 0,
                phase_turn=turn if stepped else -1,
            )
        )
        next_id += 1
    return replace(
        state, agreements=tuple(out), memory=replace(state.memory, next_agreement_id=next_id)
    )


def settable_pointers(state: State) -> frozenset[str]:
    """Every scalar pointer of this state that set-up may override."""
    out: set[str] = {"sanctions"}
    out.update(f"rung/{a}/{b}" for a, b, _ in state.rung)
    out.update(f"threat/{a}/{b}" for a, b, _ in state.threat)
    out.update(f"threat0/{a}/{b}" for a, b, _ in state.threat0)
    out.update(f"trust/{a}/{b}" for a, b, _ in state.trust)
    out.update(f"assurance/{k}" for k, _ in state.assurance)
    out.update(f"assurance0/{k}" for k, _ in state.assurance0)
    out.update(f"killchain/{k}" for k, _ in state.killchain)
    out.update(f"hotline/{k}" for k, _ in state.hotline)
    out.update(f"dprk/{v}" for v in DPRK_VARS)
    out.update(f"belief/{b.team}/{b.pointer}" for b in state.beliefs)
    out.update(f"policy/{t}/{name}" for t, name, _ in state.policy)
    out.update(f"alliance/{ally}/{driver}" for ally in ALLIANCE_ALLIES for driver in DRIVERS)
    return frozenset(out)


def agreement_status(state: State, measure: str) -> str:
    """The most recent agreement on `measure` ("none" if there is none)."""
    found = [a for a in state.agreements if a.measure == measure]
    return found[-1].status if found else "none"


def state_get(state: State, pointer: str) -> Any:
    """The value at a settable pointer; StateError if the pointer is unknown. Derived values
    ("ci", "agreement/<measure>") are read through wargame.engine.pointers.state_value."""
    parts = pointer.split("/")
    head = parts[0]
    try:
        if head == "sanctions" and len(parts) == 1:
            return state.sanctions
        if head in ("rung", "threat", "threat0", "trust") and len(parts) == 3:
            table = {
                "rung": state.rung,
                "threat": state.threat,
                "threat0": state.threat0,
                "trust": state.trust,
            }[head]
            for a, b, v in table:
                if (a, b) == (parts[1], parts[2]):
                    return v
            raise KeyError(pointer)
        if head in ("assurance", "assurance0", "killchain", "hotline") and len(parts) == 2:
            pairs: tuple[tuple[str, Any], ...] = getattr(state, head)
            return dict(pairs)[parts[1]]
        if head == "dprk" and len(parts) == 2 and parts[1] in DPRK_VARS:
            return getattr(state.dprk, parts[1])
        if head == "policy" and len(parts) == 3:
            return state.policy_map()[(parts[1], parts[2])]
        if head == "alliance" and len(parts) == 3:
            if parts[1] not in ALLIANCE_ALLIES or parts[2] not in DRIVERS:
                raise KeyError(pointer)
            return state.alliance_map().get((parts[1], parts[2]), 0.0)
        if head == "belief" and len(parts) >= 3:
            var = "/".join(parts[2:])
            for belief in state.beliefs:
                if (belief.team, belief.pointer) == (parts[1], var):
                    return {"estimate": belief.estimate, "confidence": belief.confidence}
            raise KeyError(pointer)
    except KeyError:
        pass
    raise StateError(pointer, "unknown state pointer.")
