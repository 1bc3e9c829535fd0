"""QR codes of check-in codes: a standalone SVG the strict CSP accepts, and a PNG."""

import xml.etree.ElementTree as ET

import pytest
import segno

from bookings.qr import qr_png, qr_svg

SVG_NS = "{http://www.w3.org/2000/svg}"


def test_qr_svg_is_a_standalone_svg_document_without_style_attributes():
    svg = qr_svg("K7Q2M9XA")

    assert svg.startswith(b"<?xml")
    assert b"<svg" in svg
    assert b"style" not in svg
    assert b"<script" not in svg
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == f"{SVG_NS}svg"
    assert all("style" not in element.attrib for element in root.iter())


def test_qr_svg_scales_and_fits_a_phone_screen():
    root = ET.fromstring(qr_svg("K7Q2M9XA"))  # noqa: S314
    width, height = int(root.get("width")), int(root.get("height"))
    assert width == height
    assert 200 <= width <= 360
    assert root.get("viewBox") == f"0 0 {width} {height}"


def test_qr_svg_encodes_exactly_the_given_code():
    svg = qr_svg("K7Q2M9XA")
    # The dark modules as segno draws them for this text (and only this text).
    expected = segno.make("K7Q2M9XA", error="m", micro=False).svg_inline(scale=1)
    path = expected.split(' d="', 1)[1].split('"', 1)[0]
    assert path.encode() in svg
    assert path.encode() not in qr_svg("K7Q2M9XB")


def test_qr_svg_has_a_white_background_for_dark_pages():
    root = ET.fromstring(qr_svg("K7Q2M9XA"))  # noqa: S314
    fills = [element.get("fill") for element in root.iter(f"{SVG_NS}path")]
    assert "#fff" in fills


def test_qr_svg_title_is_escaped():
    svg = qr_svg("K7Q2M9XA", title='<script>alert("x")</script>')
    assert b"<script>" not in svg
    assert b"&lt;script&gt;" in svg


def test_qr_png_is_a_png_image():
    png = qr_png("K7Q2M9XA")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_qr_of_an_empty_code_is_refused():
    with pytest.raises(ValueError, match="empty"):
        qr_svg("")
