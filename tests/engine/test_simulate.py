"""The Monte Carlo simulator: deterministic, ordered by seed, whatever the scheduling."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from wargame.engine import stats
from wargame.engine.simulate import (
    RunConfig,
    SimulationError,
    engine_hash,
    main,
    run_games,
    simulate,
    turn_seed,
)

ROOT = Path(__file__).resolve().parents[2]


def _cli_json(*args: str) -> bytes:
    """Run `python -m wargame.engine.simulate` as a user would; stdout only."""
    done = subprocess.run(
        [sys.executable, "-m", "wargame.engine.simulate", *args],
        cwd=ROOT,
        capture_output=True,
        check=False,
        timeout=300,
    )
    assert done.returncode in (0, 1), done.stderr.decode()
    return done.stdout


def test_it_prints_byte_identical_json_for_the_same_arguments() -> None:
    args = (
        "--scenario",
        "default",
        "--seeds",
        "12",
        "--turns",
        "4",
        "--policy",
        "hawkish",
        "--no-checks",
        "--no-calibration",
        "--json",
        "--workers",
        "2",
    )
    first = _cli_json(*args)
    second = _cli_json(*args)
    assert first == second
    payload = json.loads(first)
    assert set(payload) == {"summary", "checks", "check_details"}
    assert payload["summary"]["per_year"]["incidents"] >= 0
    assert payload["summary"]["games"] == 12
    assert first.count(b"\n") == 1


def test_it_gives_the_same_records_with_one_worker_or_two() -> None:
    config = RunConfig("default", "hawkish", 4)
    seeds = list(range(1, 61))
    assert run_games(config, seeds, workers=1) == run_games(config, seeds, workers=2)


def test_it_orders_records_by_seed_whatever_order_the_seeds_come_in() -> None:
    config = RunConfig("default", "cautious", 3)
    forward = run_games(config, [5, 1, 9, 3], workers=1)
    assert [r["seed"] for r in forward] == [1, 3, 5, 9]
    assert forward == run_games(config, [9, 3, 1, 5], workers=1)


def test_different_seeds_play_different_games() -> None:
    config = RunConfig("default", "hawkish", 6)
    records = run_games(config, list(range(1, 31)), workers=1)
    assert len({json.dumps(r, sort_keys=True) for r in [dict(r, seed=0) for r in records]}) > 1


def test_the_summary_has_the_outputs_of_adjudication_section_11() -> None:
    summary = simulate("default", 20, 6, "hawkish", workers=1)
    assert summary["games"] == 20
    assert set(summary["reached_rung"]) == {"5", "7", "8"}
    assert {"DPRK>US", "DPRK>ROK", "DPRK>JPN", "US>DPRK", "ROK>DPRK", "JPN>DPRK"} <= set(
        summary["peak_rung"]
    )
    for dist in summary["peak_rung"].values():
        assert sum(dist["histogram"].values()) == 20
        assert dist["min"] <= dist["mean"] <= dist["max"]
    assert set(summary["nuclear"]["use_rate"]) == {"deny_all", "approve_all"}
    assert summary["nuclear"]["use_rate"]["deny_all"]["estimate"] == 0
    for ally in ("ROK", "JPN"):
        assert len(summary["assurance"][ally]["trajectory"]) == 6
    assert set(summary["hashes"]) == {"model", "scenario", "engine"}
    assert summary["hashes"]["engine"] == engine_hash()
    assert summary["rules"]


def test_turn_seeds_differ_by_turn_and_by_run_seed() -> None:
    seeds = {turn_seed(run, turn) for run in range(1, 20) for turn in range(1, 13)}
    assert len(seeds) == 19 * 12
    assert turn_seed(3, 4) == turn_seed(3, 4)


def test_it_refuses_an_unknown_policy_and_a_missing_scenario() -> None:
    with pytest.raises(SimulationError):
        simulate("default", 2, 2, "reckless", workers=1)
    with pytest.raises(Exception) as caught:  # noqa: PT011  (the loader's own error, or ours)
        simulate("no-such-scenario-slug", 2, 2, "hawkish", workers=1)
    assert "no-such-scenario-slug" in str(caught.value) or "scenario" in str(caught.value)


def test_the_table_shows_the_distributions_and_the_progress_stays_on_stderr() -> None:
    out, err = io.StringIO(), io.StringIO()
    sys_stdout, sys_stderr = sys.stdout, sys.stderr
    try:
        sys.stdout, sys.stderr = out, err
        code = main(
            ["--seeds", "8", "--turns", "3", "--no-checks", "--no-calibration", "--workers", "1"]
        )
    finally:
        sys.stdout, sys.stderr = sys_stdout, sys_stderr
    assert code == 0
    text = out.getvalue()
    assert "Peak rung per dyad" in text
    assert "Games reaching rung" in text
    assert "Misperception path" in text
    assert "Assurance" in text
    assert "8/8" in err.getvalue()
    assert "8/8" not in text


def test_wilson_intervals_bracket_the_share_and_stay_in_bounds() -> None:
    for k, n in ((0, 10), (3, 10), (10, 10), (500, 1000)):
        interval = stats.wilson(k, n)
        assert 0 <= interval["low"] <= k / n <= interval["high"] <= 1
    narrow, wide = stats.wilson(50, 1000), stats.wilson(5, 100)
    assert narrow["high"] - narrow["low"] < wide["high"] - wide["low"]


def test_paired_differences_use_the_same_seeds() -> None:
    paired = stats.paired_difference([1.0, 2.0, 3.0, 1.0], [2.0, 3.0, 3.0, 2.0])
    assert paired["mean_difference"] == -0.75
    assert paired["high"] < 0 or paired["low"] < paired["mean_difference"] < paired["high"]
    with pytest.raises(ValueError, match="same seeds"):
        stats.paired_difference([1.0], [1.0, 2.0])


def test_histograms_and_percentiles_are_exact_on_small_samples() -> None:
    dist = stats.distribution([2, 3, 3, 4, 8])
    assert dist["histogram"] == {"2": 1, "3": 2, "4": 1, "8": 1}
    assert dist["p90"] == 8
    assert dist["mean"] == 4


def test_it_reports_rates_per_simulated_year_on_the_scenarios_clock() -> None:
    """Rates per year divide by the time a game stands for: 12 turns of 4 days (exercise_season)
    are 48 days, 12 monthly turns a year."""
    monthly = simulate("default", 10, 12, "cautious", workers=1)
    short = simulate("exercise_season", 10, 12, "cautious", workers=1)
    assert monthly["years_per_game"] == 1.0
    assert short["years_per_game"] == round(12 * 4 / 365.25, 4)
    inc = short["incidents"]
    assert inc["per_year"]["incidents"] == round(
        inc["per_game"]["estimate"] / short["years_per_game"], 4
    ) or (
        abs(inc["per_year"]["incidents"] - inc["per_game"]["estimate"] / short["years_per_game"])
        < 1e-3
    )


def test_a_scripted_replay_plays_from_its_own_period_and_nowhere_else() -> None:
    summary = simulate("period-2018", 5, 12, "scripted", workers=1)
    assert summary["config"]["scenario"] == "period-2018"
    with pytest.raises(SimulationError, match="period"):
        simulate("default", 2, 2, "scripted", workers=1)


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    sys_stdout, sys_stderr = sys.stdout, sys.stderr
    try:
        sys.stdout, sys.stderr = out, err
        code = main([*args, "--no-checks", "--no-calibration", "--workers", "1"])
    finally:
        sys.stdout, sys.stderr = sys_stdout, sys_stderr
    return code, out.getvalue(), err.getvalue()


def test_the_runner_sweeps_packages_on_the_same_seeds_and_writes_tidy_records(
    tmp_path: Path,
) -> None:
    """--package twice: three arms (base and two packages) on the same seeds, paired against the
    base; --records writes one row per game and per turn, columns as the codebook names them."""
    records = tmp_path / "runs.csv"
    code, out, _ = _run(
        "--seeds",
        "6",
        "--turns",
        "3",
        "--policy",
        "cautious",
        "--json",
        "--package",
        "c.hotline,c.ex_notify",
        "--package",
        "c.swap",
        "--records",
        str(records),
    )
    assert code == 0
    payload = json.loads(out)
    assert set(payload["arms"]) == {"base", "c.hotline+c.ex_notify", "c.swap"}
    paired = payload["arms"]["c.swap"]["paired"]
    assert paired["exchanges"]["n"] == 6
    from wargame.engine.research import columns

    games = list(csv.DictReader(records.open(encoding="utf-8")))
    turns = list(csv.DictReader((tmp_path / "runs-turns.csv").open(encoding="utf-8")))
    assert len(games) == 3 * 6
    assert len(turns) == 3 * 6 * 3
    assert list(games[0]) == columns("games")
    assert list(turns[0]) == columns("turns")
    assert {g["arm"] for g in games} == {"base", "c.hotline+c.ex_notify", "c.swap"}
    assert sorted({int(g["seed"]) for g in games}) == list(range(1, 7))


def test_the_runner_takes_team_policies_rules_off_and_a_seed_offset(tmp_path: Path) -> None:
    records = tmp_path / "runs.jsonl"
    code, out, _ = _run(
        "--seeds",
        "4",
        "--turns",
        "2",
        "--policy",
        "hawkish",
        "--json",
        "--team-policy",
        "DPRK=cautious",
        "--disable-rule",
        "R12",
        "--seed-offset",
        "100",
        "--records",
        str(records),
    )
    assert code == 0
    rows = [json.loads(line) for line in records.read_text(encoding="utf-8").splitlines()]
    assert [r["seed"] for r in rows] == [101, 102, 103, 104]
    assert all(r["team_policies"] == "DPRK=cautious" and r["incidents"] == 0 for r in rows)
    assert "R12" not in json.loads(out)["summary"]["rules"]


def test_it_refuses_a_bad_research_request() -> None:
    assert _run("--seeds", "2", "--turns", "2", "--package", "c.nothing")[0] == 2
    assert _run("--seeds", "2", "--turns", "2", "--team-policy", "DPRK")[0] == 2
    assert _run("--seeds", "2", "--turns", "2", "--records", "runs.txt")[0] == 2


def test_the_codebook_links_every_action_rule_and_inject_to_its_source() -> None:
    """--codebook: the tables' columns, and every action, rule and built-in inject with its source
    and the essay points it names (read from where each is defined)."""
    code, out, _ = _run("--codebook")
    assert code == 0
    book = json.loads(out)
    from wargame.engine.catalogue import load_catalogue
    from wargame.engine.model import load_model

    model = load_model()
    assert set(book["actions"]) == set(load_catalogue(model).actions)
    assert set(book["rules"]) == {f"R{n:02d}" for n in range(1, 23)}
    assert book["rules"]["R13"]["essay"] == ["000 §A", "004 §III"]
    assert book["injects"]
    assert all(a["source"] for a in book["actions"].values())
    assert {c["name"] for c in book["tables"]["games"]["columns"]} >= {"arm", "seed", "exchanges"}
