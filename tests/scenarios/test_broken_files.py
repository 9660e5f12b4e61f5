"""Each file in broken/ holds exactly one mistake, marked `# <- mistake` on its line; its header
says which field the error must name (`# expect-path:`) and what the message must say
(`# expect-message:`). The loader must name that file, that line and that field."""

from __future__ import annotations

from pathlib import Path

import pytest

from wargame.engine.scenario import ScenarioError, load_scenario_file, validate_file

BROKEN = Path(__file__).parent / "broken"
FILES = sorted(BROKEN.glob("*.yaml"), key=lambda p: p.name)


def _expectation(path: Path) -> tuple[int, str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = {
        key.strip(): value.strip()
        for key, _, value in (line.lstrip("# ").partition(":") for line in lines[:3])
    }
    marked = [n for n, line in enumerate(lines, start=1) if line.endswith("# <- mistake")]
    assert len(marked) == 1, f"{path.name} must mark exactly one line"
    return marked[0], header["expect-path"], header["expect-message"]


def test_it_has_a_broken_file_for_every_kind_of_mistake() -> None:
    assert len(FILES) >= 12


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_it_names_the_file_line_and_field_of_the_mistake(path: Path) -> None:
    line, field, message = _expectation(path)
    errors = validate_file(path)
    assert errors, "a broken file must not validate"
    matching = [e for e in errors if e["line"] == line and e["path"] == field]
    assert matching, f"no error at line {line} for {field!r}; got {errors}"
    assert any(message in e["message"] for e in matching), matching
    assert all(e["file"] == str(path) for e in errors)
    assert all(e["column"] >= 1 for e in errors)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_it_reports_one_mistake_only_where_it_was_made(path: Path) -> None:
    line, _field, _message = _expectation(path)
    assert {e["line"] for e in validate_file(path)} == {line}


@pytest.mark.parametrize("path", FILES[:3], ids=lambda p: p.stem)
def test_it_refuses_to_load_a_broken_file_and_says_why(path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_file(path)
    assert caught.value.details == validate_file(path)
    assert str(path) in str(caught.value)
