"""Reading a rendered report back: its text, the fonts it embeds, the font behind each character."""

from __future__ import annotations

import ctypes
import re
import zlib

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c


def pdf_pages(content: bytes) -> list[str]:
    document = pdfium.PdfDocument(content)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def squeezed(text: str) -> str:
    """Extracted text breaks lines and may split words: compare without any whitespace."""
    return re.sub(r"\s+", "", text)


def font_key(name: str) -> str:
    """A font's name as PDFs spell it, or a family name, reduced to compare: WeasyPrint writes
    ``ABCDEF+Wargame-Sans-JP`` for the family "Wargame Sans JP"."""
    return re.sub(r"[^a-z0-9]", "", name.split("+")[-1].lower())


def embedded_font_names(content: bytes) -> set[str]:
    """/BaseFont names, also those inside compressed object streams."""
    chunks = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", content, re.DOTALL):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return {
        name.decode()
        for chunk in chunks
        for name in re.findall(rb"/BaseFont\s*/([A-Za-z0-9+\-_]+)", chunk)
    }


def _font_of(textpage: pdfium.PdfTextPage, index: int) -> str:
    flags = ctypes.c_int()
    size = pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, None, 0, ctypes.byref(flags))
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, buffer, size, ctypes.byref(flags))
    return buffer.value.decode("utf-8", "replace")


def fonts_by_character(content: bytes) -> dict[str, set[str]]:
    """Each character of the text layer, and the fonts that draw it (by :func:`font_key`)."""
    found: dict[str, set[str]] = {}
    document = pdfium.PdfDocument(content)
    try:
        for page_index in range(len(document)):
            textpage = document[page_index].get_textpage()
            for index in range(pdfium_c.FPDFText_CountChars(textpage.raw)):
                character = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index))
                found.setdefault(character, set()).add(font_key(_font_of(textpage, index)))
    finally:
        document.close()
    return found
