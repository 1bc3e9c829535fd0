from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities and classes")

    def ready(self):
        from bookings.models import Offering
        from venues.home_cache import home_page_watch
        from venues.page_cache import palace_page_watch

        from .classes.models import Course, Term
        from .employment.models import Employer, JobPosting, ResidencyApplication, ResidencySupport
        from .events.models import Event
        from .ledger.models import Activity
        from .media.models import Article, Channel, Column
        from .series.models import Series
        from .teams.models import Team
        from .voice.models import Survey, Wish

        # What the palace page's cached sections show (venues/page_cache.py); votes and bulk
        # imports, which send no signal, announce themselves in their services.
        palace_page_watch(
            Activity,
            Series,
            Article,
            Channel,
            Course,
            Term,
            Event,
            Team,
            Wish,
            Survey,
            JobPosting,
            Employer,
            ResidencyApplication,
            ResidencySupport,
        )
        # The home page's "coming up" list (venues/home_cache.py): events, courses, and the
        # sign-up windows held by their terms and offerings. The course catalogue's cached cards
        # (activities/classes/catalogue.py) are kept under the same version.
        home_page_watch(Event, Course, Term, Offering)
        # Its latest news: articles (published and withdrawn by update(), which announce
        # themselves) and their columns.
        home_page_watch(Article, Column)
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
