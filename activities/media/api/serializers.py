"""Shapes of the news endpoint (`/api/v1/news/`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from activities.media.models import Article

_ID = {"min_value": 1, "max_value": 2**63 - 1}


class ArticleSerializer(serializers.ModelSerializer):
    """One article. `palace` is null for the province's own news; the author shown is the palace."""

    palace_name = serializers.CharField(source="palace.name", read_only=True, allow_null=True, default=None)
    column_name = serializers.CharField(source="column.name", read_only=True, allow_null=True, default=None)
    picture = serializers.ImageField(read_only=True, allow_null=True, use_url=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "palace",
            "palace_name",
            "column",
            "column_name",
            "series",
            "title",
            "summary",
            "body",
            "picture",
            "picture_alt",
            "state",
            "published_at",
        ]
        read_only_fields = fields


class ArticleWriteSerializer(serializers.Serializer):
    """What writers send. `palace` absent or null: the province's own news (provincial officers)."""

    palace = serializers.IntegerField(required=False, allow_null=True, help_text=_("Palace id"), **_ID)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=300, required=False, allow_blank=True)
    body = serializers.CharField(max_length=20000, help_text=_("Plain text; a blank line between paragraphs"))
    column = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("A column of the news page"), **_ID
    )
    series = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("A series of the palace"), **_ID
    )
    picture = serializers.ImageField(required=False, help_text=_("JPEG, PNG or WebP (multipart)"))
    picture_alt = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ArticleUpdateSerializer(ArticleWriteSerializer):
    """A change: every field optional; the palace never changes."""

    palace = None
    title = serializers.CharField(max_length=200, required=False)
    body = serializers.CharField(max_length=20000, required=False)
