"""Files for the picture tests: real pictures made with Pillow, and files that only pretend."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

# EXIF tag 0x010F (camera make) and 0x8825 (GPS): what a phone photo carries and we must drop.
EXIF_MAKE = 0x010F


def photo(width: int = 3000, height: int = 2000, *, fmt: str = "JPEG", name: str = "photo.jpg", exif=True):
    """A camera-like picture, larger than the portal keeps, with EXIF metadata."""
    image = Image.new("RGB", (width, height), (200, 120, 40))
    buffer = io.BytesIO()
    kwargs = {}
    if exif and fmt == "JPEG":
        tags = Image.Exif()
        tags[EXIF_MAKE] = "PhoneMaker"
        kwargs["exif"] = tags.tobytes()
    image.save(buffer, fmt, **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def not_a_picture():
    return SimpleUploadedFile("photo.jpg", b"this is not a picture at all", content_type="image/jpeg")


def too_large():
    """Over the 8 MB bound (the content is never decoded)."""
    return SimpleUploadedFile(
        "big.jpg", b"\xff\xd8\xff" + b"0" * (8 * 1024 * 1024 + 10), content_type="image/jpeg"
    )


def pixel_bomb():
    """A small file that would decode to 49 million pixels (over the 40 million bound)."""
    buffer = io.BytesIO()
    Image.new("1", (7000, 7000)).save(buffer, "PNG")
    return SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")


def stored(field_file) -> Image.Image:
    field_file.open("rb")
    try:
        image = Image.open(io.BytesIO(field_file.read()))
        image.load()
    finally:
        field_file.close()
    return image
