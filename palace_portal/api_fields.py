"""Serializer fields every app's API shares."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


# OpenAPI's `format: time` means HH:MM:SS with an offset; these are local wall-clock HH:MM.
@extend_schema_field({"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "09:00"})
class HourMinuteField(serializers.TimeField):
    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)
