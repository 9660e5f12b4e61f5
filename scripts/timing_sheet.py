"""The timing sheet of every cut of every built-in scenario, as Markdown for the facilitator guide.

    .venv/bin/python scripts/timing_sheet.py > /tmp/timing.md

Each cut is played by AI teams at the engine level (`wargame.engine.scenario.play`), ten games with
cautious teams and ten with hawkish ones, and each move is timed from what the games released:

- briefing: two minutes for control to open the move, then the reading of what the team with most
  to read receives at the start of the move (on move 1 also its briefing, objectives and red
  lines), in the slowest of the three languages;
- deliberation: as the cut schedules it (injects timed into it are read within it);
- review: three minutes for control to read the proposal and publish it, plus the engine's time;
- reading: the outcome narrative and the injects the outcome sets off, for the team with most to
  read.

Reading speeds: English 228 words a minute and Japanese 357 characters a minute, the silent
reading norms of the International Reading Speed Texts (Trauzettel-Klosinski and Dietz,
Investigative Ophthalmology & Visual Science 53(9), 2012); Korean 350 characters a minute, an
estimate (IReST has no Korean norm). Control's two and three minutes are the project's
estimates, to be replaced by times measured in class.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wargame.engine.scenario import Scenario, builtin_slugs, load_builtin
from wargame.engine.scenario.play import CutRecord, MoveRecord, play_cut

LANGS = ("en", "ja", "ko")
OPEN_MINUTES = 2.0
REVIEW_MINUTES = 3.0
SEEDS = range(1, 11)
POLICIES = ("cautious", "hawkish")


def reading_minutes(text: str, lang: str) -> float:
    if lang == "en":
        return len(text.split()) / 228
    chars = len("".join(text.split()))
    return chars / (357 if lang == "ja" else 350)


def _inject_text(scenario: Scenario, inject_id: str, lang: str) -> str:
    inject = next(i for i in scenario.inject_pool if i.id == inject_id)
    return f"{inject.title.get(lang)} {inject.body.get(lang)}"


def _team_start(scenario: Scenario, team: str, lang: str) -> str:
    brief = scenario.teams[team]
    parts = [scenario.summary.get(lang), brief.briefing.get(lang)]
    parts += [t.get(lang) for t in (*brief.objectives, *brief.red_lines)]
    return " ".join(parts)


def move_times(scenario: Scenario, move: MoveRecord) -> tuple[float, float]:
    """(briefing reading, outcome reading) in minutes for the team with most to read."""
    briefing = outcome = 0.0
    for team in scenario.team_codes:
        view = f"team:{team}"
        received = move.by_view.get(view, [])
        for lang in LANGS:
            start = [
                _inject_text(scenario, i, lang)
                for i in received
                if move.phases[i] in ("briefing", "deliberation")
            ]
            if move.turn == 1:
                start.append(_team_start(scenario, team, lang))
            after = [
                _inject_text(scenario, i, lang) for i in received if move.phases[i] == "outcome"
            ]
            after.append(move.outcome.get(view, {}).get(lang, ""))
            briefing = max(briefing, reading_minutes(" ".join(start), lang))
            outcome = max(outcome, reading_minutes(" ".join(after), lang))
    return briefing, outcome


def sheet(slug: str) -> str:
    base = load_builtin(slug)
    out = [f"### {base.title.en}", ""]
    for cut in base.cuts:
        scenario = base.for_cut(cut.id)
        records: list[CutRecord] = []
        started = time.perf_counter()
        for policy in POLICIES:
            records.extend(play_cut(scenario, seed=seed, policy=policy) for seed in SEEDS)
        engine_minutes = (time.perf_counter() - started) / len(records) / scenario.turn_count / 60
        days = round((cut.hours_per_turn or 0) / 24, 1)
        out += [
            f"**{cut.name.en}** ({cut.session_minutes} minutes; each move stands for "
            f"{days:g} {'day' if days == 1 else 'days'})",
            "",
            "| move | briefing | deliberation | review | reading | move in all |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        total = 0.0
        for n, move in enumerate(cut.moves, start=1):
            times = [move_times(scenario, r.moves[n - 1]) for r in records]
            briefing = OPEN_MINUTES + statistics.mean(t[0] for t in times)
            reading = statistics.mean(t[1] for t in times)
            review = REVIEW_MINUTES + engine_minutes
            deliberation = float(move.deliberation_minutes)
            whole = briefing + deliberation + review + reading
            total += whole
            out.append(
                f"| {n} | {briefing:.0f} | {deliberation:.0f} | {review:.0f} | {reading:.0f} | "
                f"{whole:.0f} |"
            )
        left = cut.session_minutes - total
        out += [
            f"| all moves | | | | | {total:.0f} |",
            "",
            f"That leaves {left:.0f} minutes of the {cut.session_minutes} for the introduction and "
            "the debrief.",
            "",
        ]
    return "\n".join(out)


def main() -> None:
    sys.stdout.write("\n".join(sheet(slug) for slug in builtin_slugs()) + "\n")


if __name__ == "__main__":
    main()
