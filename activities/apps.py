from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities and classes")

    def ready(self):
        # The sessions of the worker's classes and events join their personal calendar feed.
        from bookings.calendars import FEED_PROVIDERS
        from bookings.notifications import notification_kind_register

        from .calendars import feed_class_events
        from .voice.notifications import KIND, wish_answered_discriminator, wish_answered_render

        if feed_class_events not in FEED_PROVIDERS:
            FEED_PROVIDERS.append(feed_class_events)
        # The outbox sends the answer to a wish; the kind is activities' own.
        notification_kind_register(
            KIND, render=wish_answered_render, discriminator=wish_answered_discriminator
        )
