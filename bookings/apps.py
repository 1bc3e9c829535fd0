from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self):
        from venues.page_cache import palace_page_watch

        from .models import DutyShift, Offering

        # The palace page's cached sections list the legal rota and published courses and events.
        palace_page_watch(DutyShift, Offering)
        # The booking's one-round-trip function follows the tables it writes: written again after
        # every migrate, and into test databases built without migrations.
        post_migrate.connect(_install_booking_function, sender=self)


def _install_booking_function(sender, using="default", **kwargs):
    from .services.fast import install

    install(using)
