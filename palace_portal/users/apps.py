from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    name = "palace_portal.users"
    label = "users"
    verbose_name = _("Users")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from palace_portal import checks  # noqa: F401 - registers the deployment checks

        user_logged_in.connect(_remember_language, dispatch_uid="users-remember-language")


def _remember_language(sender, request, user, **kwargs):
    # Every sign-in (page, sign-up, API token) keeps the language it was made in, so that what the
    # portal later sends this person is in their language, not in that of whoever acted.
    from django.utils import translation

    from .services import user_language_remember

    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
    user_language_remember(user=user, language=language)
