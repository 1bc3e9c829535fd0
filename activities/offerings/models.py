"""What courses and events share: the publishing state of an offering (no table of its own)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublishState(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    CANCELLED = "cancelled", _("cancelled")
