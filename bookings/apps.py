from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self):
        from venues.page_cache import palace_page_watch

        from .models import DutyShift, Offering

        # The palace page's cached sections list the legal rota and published courses and events.
        palace_page_watch(DutyShift, Offering)
