"""`{% palace_voice palace %}`: the palace page's small "worker voice" section.

The palace page belongs to `venues`, which may not import `activities`; its template asks here for
the most-voted open wishes and the surveys taking answers (two queries).
"""

from django import template
from django.utils import timezone

from activities.voice.models import Survey, Wish

register = template.Library()

TOP_WISHES = 3
OPEN_SURVEYS = 3


@register.inclusion_tag("activities/voice/_palace_section.html")
def palace_voice(palace):
    wishes = Wish.objects.filter(palace=palace).votable().order_by("-vote_count", "-created_at", "-pk")
    surveys = Survey.objects.filter(palace=palace).open_on(timezone.localdate()).order_by("closes_on", "-pk")
    return {"palace": palace, "wishes": list(wishes[:TOP_WISHES]), "surveys": list(surveys[:OPEN_SURVEYS])}
