"""Japanese and Korean reports on a machine with no CJK font of its own.

The PDFs are rendered in a separate process whose fontconfig sees DejaVu Sans and nothing else
(the project's fonts reach WeasyPrint only through the report's ``@font-face`` rules, as on a
fresh machine) and whose matplotlib starts from an empty configuration folder (so its font cache
is built anew and knows no CJK font but those the chart code registers). Whatever this machine
has installed, a missing piece of that wiring shows as a box, a missing glyph or a warning.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl
import pytest
from django.conf import settings

from tests.realtime.harness import database_url
from tests.reports.pdf import (
    embedded_font_names,
    font_key,
    fonts_by_character,
    pdf_pages,
    squeezed,
)
from wargame.exercises.management.commands.sample_report import sample_play
from wargame.reports.aar.fonts import CJK_FACES, faces_for
from wargame.reports.aar.text import report_texts

if TYPE_CHECKING:
    from tests.services import PostgresServer

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ("ja", "ko")
# Besides every section heading and chart title of the report's texts: a team name from the
# engine's texts. Each must come out of the PDF as the characters that went in.
TEAM_NAMES = {"ja": "北朝鮮", "ko": "북한"}
PROJECT_FONTS = {font_key(face.family) for face in CJK_FACES}
LATIN_FONTS = {"dejavusans", "dejavusansbold"}
RENDER_TIMEOUT = 300


def isolated_fontconfig(folder: Path) -> Path:
    """A fontconfig file that lists one folder holding DejaVu Sans (matplotlib's copy, present
    wherever the project is installed) and no system font folder at all."""
    fonts = folder / "fonts"
    fonts.mkdir()
    for source in (Path(mpl.get_data_path()) / "fonts" / "ttf").glob("DejaVuSans*.ttf"):
        shutil.copy(source, fonts / source.name)
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><dir>{fonts}</dir><cachedir>{folder / 'fc-cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    return config


def cjk(text: str) -> set[str]:
    return {c for c in text if ord(c) >= 0x2E80 and not c.isspace()}


def test_japanese_and_korean_reports_embed_the_bundled_fonts_on_a_machine_without_cjk_fonts(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    exercise = sample_play(scenario="exercise_season", turns=1, seed=7, language="en")
    config = isolated_fontconfig(tmp_path)
    matplotlib_home = tmp_path / "matplotlib"
    matplotlib_home.mkdir()
    env = {
        **os.environ,
        "FONTCONFIG_FILE": str(config),
        "MPLCONFIGDIR": str(matplotlib_home),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "WARGAME_ENV": "dev",
        "WARGAME_VAR_DIR": str(settings.VAR_DIR),
        "DATABASE_URL": database_url(postgres_server),
    }
    if shutil.which("fc-list"):  # the isolation itself: fontconfig lists the copied DejaVu only
        listed = subprocess.run(
            ["fc-list", "--format", "%{file}\n"], env=env, capture_output=True, text=True
        ).stdout.split()
        assert listed, "fontconfig lists no font at all"
        assert all(Path(path).parent == tmp_path / "fonts" for path in listed), listed

    render = ("-m", "tests.reports.isolated_render", str(exercise.pk), str(tmp_path), *LANGUAGES)
    run = subprocess.run(
        [sys.executable, *render],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=RENDER_TIMEOUT,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    emitted = json.loads(run.stdout)
    assert list(matplotlib_home.glob("fontlist-*.json")), "matplotlib did not start from empty"
    # matplotlib names each glyph it had to draw as a box; a family it cannot find is logged
    complaints = [
        line
        for line in emitted["warnings"] + emitted["logs"]
        if "Glyph" in line or "findfont" in line or "Font-face" in line
    ]
    assert complaints == [], complaints

    for lang in LANGUAGES:
        content = (tmp_path / f"{lang}.pdf").read_bytes()
        embedded = {font_key(name) for name in embedded_font_names(content)}
        assert font_key(faces_for(lang)[0].family) in embedded, (lang, embedded)
        assert embedded <= PROJECT_FONTS | LATIN_FONTS, (lang, embedded)

        text = squeezed("".join(pdf_pages(content)))
        words = report_texts()[lang]
        for expected in (TEAM_NAMES[lang], *words["sections"].values(), *words["charts"].values()):
            assert squeezed(expected) in text, (lang, expected)
        by_character = fonts_by_character(content)
        assert "\ufffd" not in by_character, lang
        drawn_elsewhere = {
            c: sorted(fonts)
            for c, fonts in by_character.items()
            if c in cjk(text) and not fonts <= PROJECT_FONTS
        }
        assert drawn_elsewhere == {}, (lang, drawn_elsewhere)
