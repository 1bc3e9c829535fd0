from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "activities"

    def ready(self):
        # The sessions of the worker's classes and events join their personal calendar feed.
        from bookings.calendars import FEED_PROVIDERS

        from .calendars import feed_class_events

        if feed_class_events not in FEED_PROVIDERS:
            FEED_PROVIDERS.append(feed_class_events)
