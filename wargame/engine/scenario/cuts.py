"""Cuts: the same scenario played in a 90-minute class, a half day or a full day.

A cut lists its moves; each move has its deliberation minutes, the time it stands for (the cut's
`hours_per_turn`, which the model's clock reads) and the injects released in it. Condition injects
(`when:`) belong to no cut: they fire in whichever cut the game reaches them. Projecting a scenario
onto a cut gives a plain scenario whose turns are the cut's moves, so everything that plays a
scenario plays a cut the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wargame.engine.scenario.texts import Text

if TYPE_CHECKING:
    from collections.abc import Iterator

    from wargame.engine.scenario.yaml_reader import Path

    Finding = tuple[Path, bool, str]

DEFAULT_DELIBERATION_MINUTES = 20
# What a built-in scenario offers: (session minutes at most, moves) for the short and half-day
# cuts, and a full day of at least six hours.
BUILTIN_CUTS = ((90, 3), (180, 5))
FULL_DAY_MINUTES = 360
FULL_DAY_MOVES = 10


@dataclass(frozen=True, slots=True)
class Placement:
    inject: str
    phase: str | None = "briefing"
    offset_minutes: int | None = None


@dataclass(frozen=True, slots=True)
class Move:
    n: int
    represents: Text | None
    deliberation_minutes: int
    injects: tuple[Placement, ...]


@dataclass(frozen=True, slots=True)
class Cut:
    id: str
    name: Text
    session_minutes: int
    hours_per_turn: float | None
    moves: tuple[Move, ...]
    learning_objectives: tuple[int, ...]
    default: bool = False

    @property
    def usual_minutes(self) -> int:
        """The deliberation most of its moves have: the cut's default (the setup form's)."""
        counts = Counter(m.deliberation_minutes for m in self.moves)
        return min(counts, key=lambda minutes: (-counts[minutes], minutes))

    def placed(self) -> dict[str, tuple[int, Placement]]:
        """Each inject this cut places, with the move it falls in."""
        return {p.inject: (move.n, p) for move in self.moves for p in move.injects}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _placement(raw: Any) -> Placement:
    if isinstance(raw, str):
        return Placement(raw)
    offset = raw.get("offset_minutes")
    if offset is not None:
        return Placement(str(raw["id"]), None, int(offset))
    return Placement(str(raw["id"]), str(raw.get("phase", "briefing")))


def parse_cuts(data: Mapping[str, Any]) -> tuple[Cut, ...]:
    """The cuts of checked data (none for a scenario that has no `cuts:`)."""
    duration = _mapping(data.get("duration"))
    default_minutes = int(duration.get("deliberation_minutes") or DEFAULT_DELIBERATION_MINUTES)
    default_hours = duration.get("hours_per_turn")
    count = len(_list(data.get("learning_objectives")))
    raw_cuts = _list(data.get("cuts"))
    has_default = any(_mapping(c).get("default") for c in raw_cuts)
    cuts = []
    for index, raw in enumerate(raw_cuts):
        moves = tuple(
            Move(
                n=n,
                represents=None if m.get("represents") is None else Text.from_raw(m["represents"]),
                deliberation_minutes=int(m.get("deliberation_minutes") or default_minutes),
                injects=tuple(_placement(p) for p in _list(m.get("injects"))),
            )
            for n, m in enumerate((_mapping(m) for m in _list(raw.get("moves"))), start=1)
        )
        hours = raw.get("hours_per_turn", default_hours)
        objectives = raw.get("learning_objectives")
        cuts.append(
            Cut(
                id=str(raw["id"]),
                name=Text.from_raw(raw["name"]),
                session_minutes=int(raw["session_minutes"]),
                hours_per_turn=None if hours is None else float(hours),
                moves=moves,
                learning_objectives=tuple(range(count))
                if objectives is None
                else tuple(int(i) for i in objectives),
                default=bool(raw.get("default")) or (not has_default and index == 0),
            )
        )
    return tuple(cuts)


# --- checks -------------------------------------------------------------------------------------


def _inject_index(data: Mapping[str, Any]) -> dict[str, tuple[int, Mapping[str, Any]]]:
    out: dict[str, tuple[int, Mapping[str, Any]]] = {}
    for i, inject in enumerate(_list(data.get("injects"))):
        inject = _mapping(inject)
        if isinstance(inject.get("id"), str) and inject["id"] not in out:
            out[inject["id"]] = (i, inject)
    return out


def cut_findings(data: Mapping[str, Any], *, builtin: bool = False) -> Iterator[Finding]:
    """What is wrong with the cuts and the turn plan they replace, each at its field."""
    from wargame.engine.scenario.schema import did_you_mean

    raw_cuts = _list(data.get("cuts"))
    duration = _mapping(data.get("duration"))
    injects = _inject_index(data)
    if not raw_cuts:
        if "turns" not in duration and "duration" in data:
            yield ("duration",), False, "missing required key 'turns' (or give the scenario cuts)"
        if builtin:
            yield (
                ("cuts",),
                False,
                "a built-in scenario offers cuts: 90 minutes (3 moves), 3 hours (5 moves) and a "
                "full day (10 moves)",
            )
        return
    if "turns" in duration:
        yield (
            ("duration", "turns"),
            True,
            "a scenario with cuts takes its number of turns from each cut's moves; remove it",
        )
    if "turns" in data:
        yield (
            ("turns",),
            True,
            "a scenario with cuts plans its turns in each cut's moves; remove it",
        )
    for i, inject in enumerate(_list(data.get("injects"))):
        if "at" in _mapping(inject):
            yield (
                ("injects", i, "at"),
                True,
                "in a scenario with cuts each cut places its injects (cuts[].moves[].injects); "
                "remove 'at'",
            )
    seen: dict[str, int] = {}
    defaults = []
    placed_anywhere: set[str] = set()
    lo_count = len(_list(data.get("learning_objectives")))
    default_minutes = duration.get("deliberation_minutes") or DEFAULT_DELIBERATION_MINUTES
    for c, raw in enumerate(raw_cuts):
        raw = _mapping(raw)
        base: Path = ("cuts", c)
        cut_id = raw.get("id")
        if isinstance(cut_id, str):
            if cut_id in seen:
                yield (
                    (*base, "id"),
                    False,
                    f"duplicate cut id '{cut_id}' (first used by cuts[{seen[cut_id]}])",
                )
            seen.setdefault(cut_id, c)
        if raw.get("default"):
            defaults.append(c)
        if raw.get("hours_per_turn") is None and duration.get("hours_per_turn") is None:
            yield (
                base,
                False,
                "a cut needs 'hours_per_turn' (the time each move stands for), or give "
                "duration.hours_per_turn",
            )
        for j, index in enumerate(_list(raw.get("learning_objectives"))):
            if isinstance(index, int) and not 0 <= index < lo_count:
                yield (
                    (*base, "learning_objectives", j),
                    False,
                    f"no learning objective {index}: the scenario has {lo_count} (numbered from 0)",
                )
        total = 0
        placed: dict[str, Path] = {}
        for m, move in enumerate(_list(raw.get("moves"))):
            move = _mapping(move)
            mbase: Path = (*base, "moves", m)
            minutes = move.get("deliberation_minutes") or default_minutes
            total += minutes if isinstance(minutes, int) else 0
            unconditional = 0
            for k, entry in enumerate(_list(move.get("injects"))):
                where: Path = (*mbase, "injects", k)
                inject_id = entry if isinstance(entry, str) else _mapping(entry).get("id")
                if not isinstance(inject_id, str):
                    continue
                if not isinstance(entry, str):
                    where_id: Path = (*where, "id")
                else:
                    where_id = where
                if inject_id not in injects:
                    hint = did_you_mean(inject_id, list(injects))
                    yield where_id, False, f"unknown inject '{inject_id}'{hint}"
                    continue
                _i, inject = injects[inject_id]
                if "when" in inject:
                    yield (
                        where_id,
                        False,
                        f"inject '{inject_id}' has a condition ('when'): it fires on its own and "
                        "is not placed in a move",
                    )
                    continue
                if inject_id in placed:
                    yield (
                        where_id,
                        False,
                        f"inject '{inject_id}' is placed twice in this cut",
                    )
                    continue
                placed[inject_id] = where
                placed_anywhere.add(inject_id)
                if "if" not in inject:
                    unconditional += 1
                entry_map = _mapping(entry)
                offset = entry_map.get("offset_minutes")
                if "phase" in entry_map and offset is not None:
                    yield (
                        (*where, "offset_minutes"),
                        False,
                        "give either 'phase' or 'offset_minutes', not both",
                    )
                if isinstance(offset, int) and isinstance(minutes, int) and offset >= minutes:
                    yield (
                        (*where, "offset_minutes"),
                        False,
                        f"{offset} minutes is past the end of move {m + 1}'s deliberation "
                        f"({minutes} minutes)",
                    )
            if builtin and unconditional == 0:
                yield (
                    mbase,
                    False,
                    f"move {m + 1} has no inject that is sure to be released: place at least one "
                    "without a branch ('if')",
                )
        session = raw.get("session_minutes")
        if isinstance(session, int) and total > session:
            yield (
                (*base, "session_minutes"),
                False,
                f"the moves' deliberation alone takes {total} minutes, more than the "
                f"{session}-minute session",
            )
    if len(defaults) > 1:
        yield ("cuts", defaults[1], "default"), False, "only one cut can be the default"
    for inject_id, (i, inject) in injects.items():
        if "when" not in inject and inject_id not in placed_anywhere:
            yield (
                ("injects", i, "id"),
                False,
                f"inject '{inject_id}' is placed in no cut and has no condition: it would never "
                "be released",
            )
    if builtin:
        yield from _builtin_offer(raw_cuts)


def _builtin_offer(raw_cuts: list[Any]) -> Iterator[Finding]:
    shapes = [
        (_mapping(c).get("session_minutes"), len(_list(_mapping(c).get("moves")))) for c in raw_cuts
    ]
    wanted = [*BUILTIN_CUTS]
    for minutes, moves in wanted:
        if not any(isinstance(s, int) and s <= minutes and n == moves for s, n in shapes):
            yield (
                ("cuts",),
                False,
                f"a built-in scenario offers a {minutes}-minute cut of {moves} moves",
            )
    if not any(
        isinstance(s, int) and s >= FULL_DAY_MINUTES and n == FULL_DAY_MOVES for s, n in shapes
    ):
        yield (
            ("cuts",),
            False,
            f"a built-in scenario offers a full-day cut ({FULL_DAY_MINUTES} minutes or more) of "
            f"{FULL_DAY_MOVES} moves",
        )
