"""Serializer fields every app's API shares."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


# OpenAPI's `format: time` means HH:MM:SS with an offset; these are local wall-clock HH:MM.
@extend_schema_field({"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "09:00"})
class HourMinuteField(serializers.TimeField):
    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class PictureUrlField(serializers.ImageField):
    """A row's picture: the stored JPEG's address, null without one. Read only."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text", _("Address of the picture (a JPEG at most 1600 pixels wide); null without one")
        )
        super().__init__(read_only=True, allow_null=True, use_url=True, **kwargs)


class PictureAltField(serializers.CharField):
    """What the picture shows, for the image's alt text. Read only."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("What the picture shows (its alt text); empty without a picture"))
        super().__init__(read_only=True, **kwargs)
