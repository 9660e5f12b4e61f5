"""The research runner's pieces (docs/model.md §16): arms from packages and team policies, tidy
records per game and per turn as CSV or JSON Lines, and the codebook with every link resolved."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .catalogue import load_catalogue
from .errors import EngineError
from .model import Model, data_file, load_model, thaw
from .montecarlo import BASE, Condition, RunConfig
from .scenario import builtin_slugs, load_builtin

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .tally import GameRecord

ESSAY_POINT = re.compile(r"\b(000|004) (§[A-Z0-9IVX]+(?:[.\-][0-9A-Z]+)*)")
PEAKS = (
    ("US", "DPRK"),
    ("DPRK", "US"),
    ("ROK", "DPRK"),
    ("DPRK", "ROK"),
    ("JPN", "DPRK"),
    ("DPRK", "JPN"),
)


class ResearchError(EngineError):
    """A bad research request: an unknown measure or team, a file that cannot be written."""

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(field, reason)


def codebook() -> Mapping[str, Any]:
    return data_file("codebook")


def columns(table: str) -> list[str]:
    return [str(c["name"]) for c in codebook()["tables"][table]["columns"]]


def essay_points(source: str) -> list[str]:
    """The essay points a source names ("000 §A", "004 §IV.2"); none for ext sources alone."""
    return [f"{essay} {point}" for essay, point in ESSAY_POINT.findall(source)]


def resolved_codebook(model: Model | None = None) -> dict[str, Any]:
    """The codebook with the links read from where they are defined: actions, rules, injects."""
    model = model or load_model()
    catalogue = load_catalogue(model)
    out: dict[str, Any] = dict(thaw(codebook()))
    out["actions"] = {
        aid: {"title": a.text("title", "en"), "source": a.source, "essay": essay_points(a.source)}
        for aid, a in sorted(catalogue.actions.items())
    }
    rules = model.data["rules"]
    out["rules"] = {
        rid: {"source": rules[rid]["source"], "essay": essay_points(rules[rid]["source"])}
        for rid in sorted(k for k in rules if k.startswith("R"))
    }
    out["injects"] = {
        f"{slug}/{inject.id}": {"source": inject.source, "essay": essay_points(inject.source)}
        for slug in builtin_slugs()
        for inject in load_builtin(slug).injects
    }
    return out


def team_policies(raw: Sequence[str]) -> dict[str, str]:
    """`--team-policy TEAM=POLICY` pairs as a mapping."""
    out: dict[str, str] = {}
    for item in raw:
        team, sep, policy = item.partition("=")
        if not sep or not team or not policy:
            raise ResearchError("team-policy", f"Expected TEAM=POLICY, got {item!r}.")
        out[team.strip().upper()] = policy.strip()
    return out


def package_condition(
    measures: Sequence[str], base: Condition = BASE, model: Model | None = None
) -> Condition:
    """An arm with the measures in force from turn 1 between their default parties (kept
    treaties, as the checks measure them); the base condition's overrides are kept."""
    model = model or load_model()
    specs = model.data["cbm"]["measures"]
    agreements = []
    for measure in measures:
        spec = specs.get(measure)
        if spec is None:
            raise ResearchError("package", f"Unknown measure {measure!r}.")
        agreements.append(
            {
                "measure": measure,
                "parties": list(spec["parties"]),
                "status": "implemented",
                "verification": spec["verification"],
                "framing": "interim_step",
            }
        )
    state = dict(base.state_overrides)
    state["agreements"] = [*state.get("agreements", ()), *agreements]
    return Condition(
        name="+".join(measures) or base.name,
        state_overrides=state,
        standing_orders=base.standing_orders,
        script=base.script,
        team_policies=base.team_policies,
        model_overrides=base.model_overrides,
    )


def _joined(counter: Mapping[str, Any]) -> str:
    return ";".join(f"{k}:{v}" for k, v in counter.items())


def game_row(record: GameRecord, arm: str, config: RunConfig, years: float) -> dict[str, Any]:
    peaks = record["peak"]
    detected = record["launches_detected"]
    row: dict[str, Any] = {
        "arm": arm,
        "scenario": config.scenario,
        "policy": config.policy,
        "team_policies": ";".join(
            f"{t}={p}" for t, p in sorted(config.condition.team_policies.items())
        ),
        "seed": record["seed"],
        "turns": config.turns,
        "years": round(years, 4),
        "max_rung": record["max_rung"],
        **{f"peak_{a.lower()}_{b.lower()}": peaks.get(f"{a}>{b}", 0) for a, b in PEAKS},
        "decision_points": record["decision_points"],
        "use_candidates": record["use_candidates"],
        "approval_turns": record["approval_turns"],
        "misperceptions": sum(record["misperceptions"].values()),
        "misperception_escalations": sum(record["misperception_escalations"].values()),
        "incidents": record["incidents"],
        "exchanges": record["exchanges"],
        "spirals": record["spirals"],
        "launches": record["launches"],
        "detected_us": detected.get("US", 0),
        "detected_rok": detected.get("ROK", 0),
        "detected_jpn": detected.get("JPN", 0),
        "proposals": record["proposals"],
        "agreements": record["agreements"],
        "assurance_rok": (record["assurance"].get("ROK") or [0.0])[-1],
        "assurance_jpn": (record["assurance"].get("JPN") or [0.0])[-1],
        "icbm": record["icbm"],
        "warheads_added": record["warheads_added"],
        "cbm": _joined(record["cbm"]),
        "rules": _joined(record["rules"]),
    }
    return {name: row[name] for name in columns("games")}


def turn_rows(record: GameRecord, arm: str, config: RunConfig) -> list[dict[str, Any]]:
    fixed = {
        "arm": arm,
        "scenario": config.scenario,
        "policy": config.policy,
        "seed": record["seed"],
    }
    names = columns("turns")
    return [{name: {**fixed, **row}[name] for name in names} for row in record["turns"]]


def records_paths(path: str | Path) -> tuple[Path, Path]:
    """Games go to PATH, turns beside it: runs.csv -> runs.csv and runs-turns.csv."""
    games = Path(path)
    if games.suffix not in (".csv", ".jsonl"):
        raise ResearchError("records", "Name the records file .csv or .jsonl.")
    return games, games.with_name(f"{games.stem}-turns{games.suffix}")


def write_records(
    path: str | Path,
    arms: Mapping[str, tuple[RunConfig, float, list[GameRecord]]],
) -> tuple[Path, Path]:
    """Write every arm's games and turns as tidy tables (CSV with a header, or JSON Lines)."""
    games_path, turns_path = records_paths(path)
    games = [game_row(r, arm, cfg, years) for arm, (cfg, years, rs) in arms.items() for r in rs]
    turns = [
        row for arm, (cfg, _y, rs) in arms.items() for r in rs for row in turn_rows(r, arm, cfg)
    ]
    try:
        for target, rows, table in ((games_path, games, "games"), (turns_path, turns, "turns")):
            _write(target, rows, columns(table))
    except OSError as exc:
        raise ResearchError("records", f"Cannot write {exc.filename}: {exc.strerror}.") from exc
    return games_path, turns_path


def _write(path: Path, rows: Sequence[Mapping[str, Any]], names: Sequence[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        if path.suffix == ".jsonl":
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
            return
        writer = csv.DictWriter(handle, fieldnames=list(names), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
