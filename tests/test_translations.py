"""The interface's catalogues: complete in Japanese and Korean, and the committed .mo files are
exactly what their .po files compile to (so a fresh machine needs no gettext)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("ja", "ko")


def _msgfmt() -> str:
    found = shutil.which("msgfmt")
    if found is None:
        pytest.fail("msgfmt (GNU gettext) is needed: apt-get install gettext", pytrace=False)
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_interface_string_is_translated(lang: str) -> None:
    po = LOCALE / lang / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        [_msgfmt(), "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"\d+ translated messages?\.$", result.stderr.strip()), result.stderr


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_committed_catalogue_is_the_compiled_po(lang: str, tmp_path: Path) -> None:
    folder = LOCALE / lang / "LC_MESSAGES"
    compiled = tmp_path / "django.mo"
    subprocess.run(
        [_msgfmt(), "--check", "-o", str(compiled), str(folder / "django.po")], check=True
    )
    assert compiled.read_bytes() == (folder / "django.mo").read_bytes(), "run: make messages"
