"""QR codes of join links, drawn on the server as SVG: they work on a venue network with no
internet and scale crisply on a projector."""

from __future__ import annotations

import io

import segno

# Medium error correction survives a phone camera pointed at a projected, slightly blurred code.
ERROR_LEVEL = "m"
MODULE_PIXELS = 6
QUIET_ZONE = 4


def qr_svg(text: str, *, title: str = "") -> str:
    """An SVG document whose QR code encodes ``text``."""
    code = segno.make(text, error=ERROR_LEVEL)
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        scale=MODULE_PIXELS,
        border=QUIET_ZONE,
        xmldecl=True,
        svgns=True,
        title=title or None,
        dark="#000",
        light="#fff",
    )
    return buffer.getvalue().decode("utf-8")
