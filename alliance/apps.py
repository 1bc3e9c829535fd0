from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllianceConfig(AppConfig):
    name = "alliance"
    verbose_name = _("Palace alliance")

    def ready(self):
        from venues.page_cache import palace_page_watch

        from .models import Membership, RotationTerm

        # The palace page's cached membership section (venues/page_cache.py).
        palace_page_watch(Membership, RotationTerm)
