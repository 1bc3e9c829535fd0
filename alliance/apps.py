from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllianceConfig(AppConfig):
    name = "alliance"
    verbose_name = _("Palace alliance")

    def ready(self):
        from venues.home_cache import home_page_watch
        from venues.page_cache import palace_page_watch

        from .models import HostingApplication, HostingCall, Membership, RotationTerm

        # The palace page's cached membership section (venues/page_cache.py).
        palace_page_watch(Membership, RotationTerm)
        # The home page's next provincial events (venues/home_cache.py).
        home_page_watch(HostingApplication, HostingCall)
