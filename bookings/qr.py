"""QR codes of check-in codes, drawn by segno.

The pages show the code with `<img src=".../qr.svg">`: a standalone SVG document served with
`image/svg+xml`. segno draws with presentation attributes (`stroke`, `fill`), never `style=`, so
the SVG would pass the strict CSP even if someone inlined it. A white background and the quiet
zone are part of the image, so the code scans on a dark-mode page too.
"""

from __future__ import annotations

import io

import segno

# 8 px per module: a check-in code (version 1–2, 21–25 modules + 2×4 quiet zone) is 232–264 px
# wide, clear on a 390 px phone screen and easy for a scanner; the SVG scales without blur anyway.
SCALE = 8
BORDER = 4
DARK = "#000"
LIGHT = "#fff"


def _make(text: str) -> segno.QRCode:
    if not text:
        raise ValueError("empty QR code text")
    # Error level M, raised by segno when the version has room to spare (boost_error).
    return segno.make(text, error="m", micro=False)


def qr_svg(text: str, *, title: str | None = None) -> bytes:
    """A standalone SVG document (UTF-8 bytes, with XML declaration) of `text` as a QR code.

    It has both an intrinsic size (width/height) and a viewBox, so CSS may resize the `<img>`
    and the drawing scales with it instead of being cropped.
    """
    code = _make(text)
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        scale=SCALE,
        border=BORDER,
        dark=DARK,
        light=LIGHT,
        xmldecl=True,
        svgns=True,
        title=title,
        encoding="utf-8",
    )
    width, height = code.symbol_size(scale=SCALE, border=BORDER)
    return buffer.getvalue().replace(b"<svg ", f'<svg viewBox="0 0 {width} {height}" '.encode(), 1)


def qr_png(text: str, *, scale: int = SCALE) -> bytes:
    """The same code as a PNG (for e-mail or download)."""
    buffer = io.BytesIO()
    _make(text).save(buffer, kind="png", scale=scale, border=BORDER, dark=DARK, light=LIGHT)
    return buffer.getvalue()
