"""Admin building blocks every app's back office shares."""


class ReadOnlyMixin:
    """Rows that carry business rules are changed through the services, never edited raw."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
