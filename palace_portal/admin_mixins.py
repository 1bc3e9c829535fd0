"""Admin building blocks every app's back office shares."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from palace_portal.images import PictureField


class ReadOnlyMixin:
    """Rows that carry business rules are changed through the services, never edited raw."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Django writes the names of the default permissions into the database in English ("Can add
# term"); the back office shows them from these messages instead, in the reader's language.
_DEFAULT_PERMISSIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission) -> str:
    """`app | model | action` with every part translated (a custom permission keeps its name)."""
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is None or action not in _DEFAULT_PERMISSIONS or model_name != model._meta.model_name:
        return str(permission)
    name = _DEFAULT_PERMISSIONS[action] % {"model": model._meta.verbose_name}
    return f"{permission.content_type} | {name}"


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return permission_label(obj)


class PermissionLabelsMixin:
    """For the admin of groups and users: the permission choices named in the reader's language."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in {"permissions", "user_permissions"}:
            kwargs["form_class"] = PermissionChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class PictureAdminMixin:
    """Every uploaded picture goes through `palace_portal.images` (bounded, stripped, resized)."""

    formfield_overrides = {models.ImageField: {"form_class": PictureField}}
