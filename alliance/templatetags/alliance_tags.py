"""Template helpers of the alliance, for its own pages and for pages of other apps.

- `{% rotation_banner %}`: the council units leading now and next (轮值理事单位), wherever alliance
  work appears (the calendar, the palace hub, the provincial pages). Four queries.
- `{% palace_alliance palace %}`: the public palace page's membership section (member since …,
  founding member, leading the rotation now); nothing for a palace that is not a member today
  (no query then; two for a member).
- `{% alliance_upcoming %}`: the home page's next provincial events of the alliance. One query,
  then kept in the cache until a write moves the home page's version or the day ends
  (venues/home_cache.py).
- `{{ user|may_apply_for:palace }}`: whether the palace desk shows the palace's "Alliance" button.
"""

from datetime import datetime, time, timedelta

from django import template
from django.template.loader import render_to_string
from django.utils import timezone

from venues.home_cache import home_block

from .. import access
from ..models import Membership, RotationTerm
from ..selectors import calendar_events, rotations_now

register = template.Library()


@register.inclusion_tag("alliance/_rotation_banner.html")
def rotation_banner():
    rotations = rotations_now()
    return {"current": rotations.current, "next": rotations.next}


UPCOMING_PROVINCIAL = 3


@register.simple_tag
def alliance_upcoming():
    def build(now: datetime):
        today = timezone.localdate(now)
        events = list(calendar_events(first=today)[:UPCOMING_PROVINCIAL])
        # An event of today stays listed until the day ends.
        midnight = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
        return render_to_string("alliance/_upcoming.html", {"provincial_events": events}), midnight

    return home_block("alliance", build)


@register.inclusion_tag("alliance/_palace_membership.html")
def palace_alliance(palace):
    if not palace.alliance_member:
        # The flag mirrors "a member today" (kept by the services): no query for the others.
        return {"palace": palace, "is_member": False}
    today = timezone.localdate()
    # A palace's memberships are a handful of rows (joined, left, rejoined): read them all at once.
    memberships = list(Membership.objects.filter(palace=palace).order_by("joined_on", "pk"))
    membership = memberships[-1] if memberships else None
    leading = None
    if memberships:
        leading = (
            RotationTerm.objects.filter(leads=palace, starts_on__lte=today, ends_on__gte=today)
            .order_by("starts_on")
            .first()
        )
    return {
        "palace": palace,
        "membership": membership,
        "founding": any(m.founding for m in memberships),
        "first_joined": memberships[0].joined_on if memberships else None,
        "is_member": True,
        "leading": leading,
    }


@register.filter
def may_apply_for(user, palace) -> bool:
    return access.may_apply_for_palace(user, palace)
