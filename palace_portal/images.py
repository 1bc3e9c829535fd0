"""Uploaded pictures: checked, bounded and resized once, on the way in.

Every picture the portal keeps (palaces, venues, courses, events, news) goes through
`prepare_picture`: the upload is read with Pillow under a pixel bound (a decompression bomb is
refused, not decoded), turned upright by its EXIF orientation, stripped of its metadata (phone
photos carry the place they were taken), scaled down to fit `MAX_SIDE` and stored as JPEG. The
result is small enough for a phone and never the file the client sent.

A kept picture always has a description (`picture_alt`, the `alt` text of every <img>): the rows
carry `picture_alt_constraint`, models' `clean` add `picture_alt_errors`, forms add
`add_picture_fields` and services read them with `picture_input` and store with `apply_picture`.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 1600
JPEG_QUALITY = 82


def _too_large():
    return forms.ValidationError(
        _("The picture is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
        code="too_large",
    )


def _too_many_pixels():
    return forms.ValidationError(_("The picture has too many pixels."), code="too_many_pixels")


def check_bounds(upload: UploadedFile) -> None:
    """Size, format and pixel count from the file's header, before anything decodes it."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise _too_large()
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in {"JPEG", "PNG", "WEBP", "GIF"}:
                raise forms.ValidationError(_("Upload a JPEG, PNG or WebP picture."), code="format")
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise _too_many_pixels()
            probe.verify()
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels() from exc
    except forms.ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise forms.ValidationError(
            _("This file is not a picture that can be read."), code="unreadable"
        ) from exc
    finally:
        upload.seek(0)


def prepare_picture(upload: UploadedFile, *, prefix: str = "picture") -> ContentFile:
    """The upload as a bounded JPEG, or `forms.ValidationError` with a message for the person."""
    check_bounds(upload)
    try:
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

    def to_python(self, data):
        # The portal's bounds first, with their own messages: Django's check below decodes more.
        if isinstance(data, UploadedFile):
            check_bounds(data)
        return super().to_python(data)

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if value and isinstance(value, UploadedFile):
            return prepare_picture(value, prefix=self.prefix)
        return value


# --- The picture of a row: file, description, and how forms and services handle both ---------------

ALT_MAX_LENGTH = 200
PICTURE_ALT_HELP = _(
    "What the picture shows, in a few words, for people who cannot see it (read out by screen readers)."
)
ALT_REQUIRED = _("Describe the picture in a few words: people who cannot see it hear this text.")
# Pictures shipped with the demo live here and are shared by many rows: never deleted with one.
SHARED_PREFIX = "demo/"


def picture_alt_constraint(model_name: str) -> models.CheckConstraint:
    """A row with a picture has its description (fields `picture` and `picture_alt`)."""
    return models.CheckConstraint(
        condition=Q(picture="") | ~Q(picture_alt=""),
        name=f"{model_name}_picture_has_alt",
        violation_error_message=ALT_REQUIRED,
    )


def picture_alt_errors(instance) -> dict[str, Any]:
    """For a model's `clean`: the description is missing although a picture is set."""
    if instance.picture and not (instance.picture_alt or "").strip():
        return {"picture_alt": ALT_REQUIRED}
    return {}


def add_picture_fields(form: forms.Form, *, current=None, prefix: str = "picture") -> None:
    """Append the picture, its description and (when there is one) "remove" to `form`."""
    form.fields["picture"] = PictureField(
        label=_("Picture"),
        prefix=prefix,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_(
            "JPEG, PNG or WebP, up to 8 MB; stored at most 1600 pixels wide. "
            "Leave empty to keep the current one."
        ),
    )
    form.fields["picture_alt"] = forms.CharField(
        label=_("Picture description"), max_length=ALT_MAX_LENGTH, required=False, help_text=PICTURE_ALT_HELP
    )
    if current:
        form.fields["picture_clear"] = forms.BooleanField(label=_("Remove the picture"), required=False)


@dataclass(frozen=True)
class PictureInput:
    """What a form asked for: a new prepared file, the description, or removing the picture."""

    upload: File | None
    alt: str
    clear: bool


def picture_input(values: dict[str, Any], *, current, errors: dict[str, list]) -> PictureInput:
    """Read `picture`, `picture_alt`, `picture_clear` from a service's input; problems go to `errors`.

    An upload that did not come through `PictureField` is prepared here, so no caller can store the
    file a client sent. The description is required whenever a picture will be kept."""
    upload = values.get("picture") or None
    if isinstance(upload, UploadedFile):
        try:
            upload = prepare_picture(upload)
        except forms.ValidationError as exc:
            errors["picture"] = list(exc.messages)
            upload = None
    elif upload is not None and not isinstance(upload, File):
        errors["picture"] = [_("This file is not a picture that can be read.")]
        upload = None
    alt = " ".join(str(values.get("picture_alt") or "").split())[:ALT_MAX_LENGTH]
    clear = bool(values.get("picture_clear")) and upload is None and "picture" not in errors
    kept = upload is not None or "picture" in errors or (bool(current) and not clear)
    if kept and not alt:
        errors["picture_alt"] = [ALT_REQUIRED]
    return PictureInput(upload=upload, alt=alt if kept else "", clear=clear)


def apply_picture(instance, change: PictureInput) -> None:
    """Set the row's picture as asked (saved with the row); the replaced file goes once committed."""
    old = instance.picture.name if instance.picture else ""
    if change.upload is not None:
        instance.picture = change.upload
    elif change.clear:
        instance.picture = ""
    instance.picture_alt = change.alt
    if old and (change.upload is not None or change.clear) and not old.startswith(SHARED_PREFIX):
        storage = instance.picture.storage
        transaction.on_commit(lambda: storage.delete(old))
