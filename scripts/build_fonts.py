"""Builds the CJK fonts under ``static/fonts/`` from Noto Sans CJK 2.004 (SIL Open Font License).

    python scripts/build_fonts.py noto_cjk_sans_otc-0.0.1-py3-none-any.whl

The wheel (``pip download --no-deps noto-cjk-sans-otc==0.0.1``, as ``make fonts`` does) carries the
upstream ``NotoSansCJK-Regular.ttc`` unchanged; its digest is checked below. The outputs are
committed, so no machine needs this script, a registry or a system font to run the project.

Each output is a subset, renamed as the licence asks of a modified version:

- Wargame Sans JP: JIS X 0208 (all 6,355 kanji of both levels, kana, symbols), the kana blocks,
  CJK punctuation, full-width forms, ASCII, Latin-1 and general punctuation.
- Wargame Sans KR: all 11,172 modern hangul syllables (a superset of KS X 1001's 2,350), the
  compatibility jamo, KS X 1001's symbols, CJK punctuation, full-width forms, ASCII, Latin-1 and
  general punctuation. Hanja fall back to the Japanese face.
- Wargame Language Names: the glyphs of the language switcher's native names (日本語, 한국어), so
  a page in English draws them without downloading either large face.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import sys
import zipfile
from pathlib import Path
from typing import Any

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")

from django.conf.locale import LANG_INFO  # noqa: E402

from wargame.reports.aar.fonts import JAPANESE_FACE, KOREAN_FACE, FontFace, font_dir  # noqa: E402
from wargame.settings import LANGUAGES  # noqa: E402

# The switcher on every page names each language in itself (templates/base.html).
LANGUAGE_NAMES_FACE = FontFace("Wargame Language Names", "WargameLanguageNames-Regular.otf")

SOURCE_MEMBER = "noto_cjk_sans_otc/NotoSansCJK-Regular.ttc"
LICENCE_MEMBER = "noto_cjk_sans_otc-0.0.1.dist-info/licenses/LICENSE"
# NotoSansCJK-Regular.ttc of the Noto CJK Sans 2.004 release.
SOURCE_SHA256 = "b76b0433203017ca80401b2ee0dd69350349871c4b19d504c34dbdd80541690a"
SOURCE_VERSION = "2.004"
JAPANESE, KOREAN = 0, 1  # faces in the collection: JP, KR, SC, TC, HK, then the Mono ones
# Horizontal text only: the other features (vertical forms, the regional forms of the other
# CJK locales, JIS78 and traditional variants) would double the glyph count.
LAYOUT_FEATURES = ["ccmp", "kern", "liga", "calt", "mark", "mkmk"]


def _double_byte(codec: str) -> set[int]:
    """Every character of a two-byte EUC code set (JIS X 0208 in EUC-JP, KS X 1001 in EUC-KR)."""
    found: set[int] = set()
    for lead in range(0xA1, 0xFF):
        for trail in range(0xA1, 0xFF):
            try:
                found.update(ord(c) for c in bytes((lead, trail)).decode(codec))
            except UnicodeDecodeError:
                continue
    return found


def _block(first: int, last: int) -> set[int]:
    return set(range(first, last + 1))


LATIN = _block(0x20, 0x7E) | _block(0xA0, 0xFF) | _block(0x2000, 0x206F)
SHARED = LATIN | _block(0x3000, 0x303F) | _block(0xFF00, 0xFFEF)


def japanese_characters() -> set[int]:
    return SHARED | _double_byte("euc_jp") | _block(0x3040, 0x30FF) | _block(0x31F0, 0x31FF)


def korean_characters() -> set[int]:
    ks_x_1001 = _double_byte("euc_kr")
    hanja = {c for c in ks_x_1001 if 0x4E00 <= c <= 0x9FFF or 0xF900 <= c <= 0xFAFF}
    return SHARED | (ks_x_1001 - hanja) | _block(0xAC00, 0xD7A3) | _block(0x3130, 0x318F)


def _rename(font: Any, face: FontFace, source_family: str) -> None:
    family, postscript = face.family, face.postscript_name
    names = font["name"]
    for name_id in (16, 17, 21, 22):  # typographic names would still say Noto
        names.removeNames(nameID=name_id)
    for name_id, value in (
        (1, family),
        (2, "Regular"),
        (3, f"{SOURCE_VERSION};{postscript}"),
        (4, family),
        (6, postscript),
        (10, f"A subset of {source_family} {SOURCE_VERSION}, made for the wargame project."),
    ):
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)
    cff = font["CFF "].cff
    cff.fontNames = [postscript]
    top = cff.topDictIndex[0]
    top.FamilyName, top.FullName = family, family


def build_face(collection: bytes, index: int, characters: set[int], face: FontFace) -> bytes:
    font = TTFont(io.BytesIO(collection), fontNumber=index, recalcTimestamp=False)
    source_family = font["name"].getDebugName(1)
    options = subset.Options()
    options.layout_features = LAYOUT_FEATURES
    options.name_IDs = ["*"]  # keep the copyright, licence and licence URL records
    options.drop_tables += ["vhea", "vmtx", "VORG", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters)
    subsetter.subset(font)
    _rename(font, face, source_family)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def licence_text(wheel: zipfile.ZipFile, collection: bytes) -> str:
    copyright_line = TTFont(io.BytesIO(collection), fontNumber=0)["name"].getDebugName(0)
    body = wheel.read(LICENCE_MEMBER).decode()
    return f"{copyright_line}\n\n{body}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="noto_cjk_sans_otc-0.0.1-py3-none-any.whl")
    parser.add_argument("--out", type=Path, default=font_dir())
    args = parser.parse_args()
    with zipfile.ZipFile(args.wheel) as wheel:
        collection = wheel.read(SOURCE_MEMBER)
        digest = hashlib.sha256(collection).hexdigest()
        if digest != SOURCE_SHA256:
            parser.error(f"{SOURCE_MEMBER} is not Noto Sans CJK {SOURCE_VERSION} ({digest}).")
        licence = licence_text(wheel, collection)
    names = {
        ord(c) for code, _ in LANGUAGES for c in LANG_INFO[code]["name_local"] if ord(c) > 0x7F
    }
    builds = (
        (JAPANESE_FACE, JAPANESE, japanese_characters()),
        (KOREAN_FACE, KOREAN, korean_characters()),
        (LANGUAGE_NAMES_FACE, JAPANESE, names),  # the JP face has every hangul syllable too
    )
    args.out.mkdir(parents=True, exist_ok=True)
    for face, index, characters in builds:
        path = args.out / face.file
        path.write_bytes(build_face(collection, index, characters, face))
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")  # noqa: T201
    (args.out / "OFL.txt").write_text(licence, encoding="utf-8")


if __name__ == "__main__":
    main()
