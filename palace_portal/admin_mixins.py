"""Admin building blocks every app's back office shares."""

from django.db import models

from palace_portal.images import PictureField


class ReadOnlyMixin:
    """Rows that carry business rules are changed through the services, never edited raw."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PictureAdminMixin:
    """Every uploaded picture goes through `palace_portal.images` (bounded, stripped, resized)."""

    formfield_overrides = {models.ImageField: {"form_class": PictureField}}
