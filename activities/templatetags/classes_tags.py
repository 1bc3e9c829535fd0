"""Template helpers of the workers' class and event pages.

- `{{ course|schedule }}`: "Tuesday, Thursday 19:00–21:00" in the active language.
- `{% palace_classes palace %}`: the palace page's small section with that palace's courses and
  events (the palace page belongs to `venues`, which may not import `activities`). Two queries.
"""

from functools import reduce

from django import template
from django.utils import timezone
from django.utils.translation import pgettext

from activities.classes.models import Course
from activities.events.models import Event
from venues.models import OpeningHours

register = template.Library()

PALACE_COURSES = 4
PALACE_EVENTS = 3


@register.filter
def weekdays(days) -> str:
    labels = dict(OpeningHours.Weekday.choices)
    names = [str(labels[day]) for day in sorted(days or []) if day in labels]
    if not names:
        return ""
    # A pattern, not a separator: Chinese joins with the enumeration comma 、 and no space.
    pattern = pgettext("list of weekdays", "%(earlier)s, %(next)s")
    return reduce(lambda earlier, name: pattern % {"earlier": earlier, "next": name}, names[1:], names[0])


@register.filter
def schedule(course: Course) -> str:
    return f"{weekdays(course.weekdays)} {course.starts_at:%H:%M}–{course.ends_at:%H:%M}"


@register.inclusion_tag("activities/classes/_palace_section.html")
def palace_classes(palace):
    now = timezone.now()
    courses = (
        Course.objects.filter(
            palace=palace, state=Course.State.PUBLISHED, offering__ends_at__gt=now, offering__cancelled=False
        )
        .select_related("offering", "term")
        .order_by("offering__starts_at", "title", "pk")
    )
    events = Event.objects.filter(palace=palace, state=Event.State.PUBLISHED, ends_at__gt=now).order_by(
        "starts_at", "pk"
    )
    return {
        "palace": palace,
        "courses": list(courses[:PALACE_COURSES]),
        "events": list(events[:PALACE_EVENTS]),
    }
