"""Uploaded pictures: checked, bounded and resized once, on the way in.

Every picture the portal keeps (palaces, venues, courses, events, news) goes through
`prepare_picture`: the upload is read with Pillow under a pixel bound (a decompression bomb is
refused, not decoded), turned upright by its EXIF orientation, stripped of its metadata (phone
photos carry the place they were taken), scaled down to fit `MAX_SIDE` and stored as JPEG. The
result is small enough for a phone and never the file the client sent.
"""

from __future__ import annotations

import io
import uuid

from django import forms
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 1600
JPEG_QUALITY = 82


def prepare_picture(upload: UploadedFile, *, prefix: str = "picture") -> ContentFile:
    """The upload as a bounded JPEG, or `forms.ValidationError` with a message for the person."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            _("The picture is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in {"JPEG", "PNG", "WEBP", "GIF"}:
                raise forms.ValidationError(_("Upload a JPEG, PNG or WebP picture."), code="format")
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise forms.ValidationError(_("The picture has too many pixels."), code="too_many_pixels")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))
            image = ImageOps.exif_transpose(image)
            if image.mode not in ("RGB", "L"):
                background = Image.new("RGB", image.size, (255, 255, 255))
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.split()[-1])
                image = background
            image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    except forms.ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError) as exc:
        message = _("This file is not a picture that can be read.")
        raise forms.ValidationError(message, code="unreadable") from exc
    return ContentFile(out.getvalue(), name=f"{prefix}-{uuid.uuid4().hex[:12]}.jpg")


class PictureField(forms.ImageField):
    """A form field whose cleaned value is the prepared JPEG (`prepare_picture`), not the upload."""

    def __init__(self, *args, prefix: str = "picture", **kwargs):
        self.prefix = prefix
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("JPEG, PNG or WebP, up to 8 MB; stored at most 1600 pixels wide."))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if value and isinstance(value, UploadedFile):
            return prepare_picture(value, prefix=self.prefix)
        return value
