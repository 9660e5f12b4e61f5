"""Languages of a scenario: a built-in one has every text in English, Japanese and Korean, and
the validator names the line and the field of a text that lacks one; an uploaded one may leave
Japanese or Korean out, with a warning."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from tests.scenarios.helpers import MINIMAL, PROJECT, minimal_text
from wargame.engine.scenario.loader import check_file, check_text, is_builtin_file
from wargame.engine.scenario.schema import scenarios_dir

if TYPE_CHECKING:
    from pathlib import Path

BUILTINS = sorted(scenarios_dir().glob("*.yaml"))


def _builtin_text(slug: str) -> str:
    return (scenarios_dir() / f"{slug}.yaml").read_text(encoding="utf-8")


def _without_line(text: str, pattern: str) -> tuple[str, int]:
    """The text without the first line matching ``pattern``, and that line's number."""
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if re.search(pattern, line))
    return "\n".join(lines[:index] + lines[index + 1 :]), index + 1


@pytest.mark.parametrize("path", BUILTINS, ids=lambda p: p.stem)
def test_every_builtin_is_held_to_three_languages_and_passes(path: Path) -> None:
    assert is_builtin_file(path)
    checked = check_file(path)
    assert checked.errors == []
    assert checked.warnings == []
    assert checked.scenario is not None
    assert checked.scenario.languages == ("en", "ja", "ko")


def test_a_builtin_missing_a_korean_briefing_fails_at_that_line_and_field() -> None:
    text, removed = _without_line(_builtin_text("border_clash"), r"^      ko: >-$")
    errors = check_text(text, source_name="border_clash.yaml", builtin=True).errors
    assert [(e["path"], e["message"]) for e in errors] == [
        ("teams.US.briefing", "no ko text; a built-in scenario has every text in en, ja and ko")
    ]
    # The text's map starts on the line after the key, a few lines above the removed ko.
    assert removed - 12 < errors[0]["line"] < removed


def test_a_builtin_missing_a_japanese_inject_title_fails_at_that_line() -> None:
    original = _builtin_text("exercise_season")
    text = original.replace(
        'title: {en: "Armed incident", ja: "武力衝突の発生", ko: "무력 충돌 발생"}',
        'title: {en: "Armed incident", ko: "무력 충돌 발생"}',
    )
    assert text != original
    line = text[: text.index('title: {en: "Armed incident"')].count("\n") + 1
    errors = check_text(text, source_name="exercise_season.yaml", builtin=True).errors
    assert len(errors) == 1
    assert errors[0]["line"] == line
    assert re.fullmatch(r"injects\[\d+\]\.title", errors[0]["path"])
    assert errors[0]["message"].startswith("no ja text")


def test_a_builtin_must_list_all_three_languages() -> None:
    text = _builtin_text("arms_control_opening").replace(
        "languages: [en, ja, ko]", "languages: [en, ja]"
    )
    errors = check_text(text, source_name="arms_control_opening.yaml", builtin=True).errors
    assert [(e["path"], e["message"]) for e in errors] == [
        ("languages", "a built-in scenario lists en, ja and ko")
    ]


def test_an_upload_without_korean_loads_with_a_warning_on_its_languages_line() -> None:
    text = minimal_text()
    checked = check_text(text, source_name="upload.yaml")
    assert checked.errors == []
    assert checked.scenario is not None
    (warning,) = checked.warnings
    assert warning["path"] == "languages"
    assert warning["line"] == text.split("\n").index("languages: [en, ja]") + 1
    assert "no Korean (ko) text" in warning["message"]


def test_an_upload_in_english_only_warns_of_both_other_languages() -> None:
    text = minimal_text().replace("languages: [en, ja]", "languages: [en]")
    checked = check_text(text, source_name="upload.yaml")
    assert checked.errors == []
    assert [w["message"].split(" text")[0] for w in checked.warnings] == [
        "no Japanese (ja)",
        "no Korean (ko)",
    ]


def test_the_command_warns_for_an_upload_and_still_succeeds() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "wargame.engine.scenario", str(MINIMAL)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert f"{MINIMAL}:6:12: languages: warning: no Korean (ko) text" in done.stdout
    assert "OK: minimal" in done.stdout


def test_the_command_holds_a_file_to_the_builtin_rule_on_request(tmp_path: Path) -> None:
    copy = tmp_path / "minimal.yaml"
    shutil.copy(MINIMAL, copy)
    done = subprocess.run(
        [sys.executable, "-m", "wargame.engine.scenario", "--builtin", str(copy)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 1
    assert f"{copy}:6:12: languages: a built-in scenario lists en, ja and ko" in done.stdout
    assert re.search(rf"{re.escape(str(copy))}:4:\d+: title: no ko text", done.stdout)
