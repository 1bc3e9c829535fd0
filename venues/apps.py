from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VenuesConfig(AppConfig):
    name = "venues"
    verbose_name = _("Palaces and venues")

    def ready(self):
        from .directory_cache import directory_watch
        from .home_cache import home_page_watch
        from .models import Closure, OpeningHours, Palace, Region, SatellitePoint, Venue
        from .page_cache import palace_page_watch

        # The palace page, kept rendered (venues/page_cache.py): the palace, its city and county,
        # venues, satellite points, opening hours and closures (its open state); the other apps
        # add the models their sections show.
        palace_page_watch(Palace, Region, Venue, SatellitePoint, OpeningHours, Closure)
        # The home page's figures and its "coming up" list name palaces, cities and venues
        # (venues/home_cache.py), as do the course catalogue's cached cards and filters.
        home_page_watch(Palace, Region, Venue)
        # The directory shows palaces with their city and county, open state (hours, closures)
        # and venue count; the city and centre filters read regions and venues
        # (venues/directory_cache.py).
        directory_watch(Palace, Region, Venue, OpeningHours, Closure)
