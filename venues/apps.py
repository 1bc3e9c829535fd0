from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VenuesConfig(AppConfig):
    name = "venues"
    verbose_name = _("Palaces and venues")

    def ready(self):
        from .models import Palace, SatellitePoint, Venue
        from .page_cache import palace_page_watch

        # The palace page's cached sections show satellite points, duty windows and the
        # alliance flag (venues/page_cache.py).
        palace_page_watch(Palace, Venue, SatellitePoint)
