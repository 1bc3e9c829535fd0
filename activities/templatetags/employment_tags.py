"""`{% palace_employment palace %}`: the palace page's employment section (the palace page belongs
to `venues`, which may not import `activities`): its open jobs, and its maker residents with their
period. Two queries."""

from django import template
from django.utils import timezone

from activities.employment.selectors import postings_open, residents_of

register = template.Library()

PALACE_JOBS = 3
PALACE_RESIDENTS = 8


@register.inclusion_tag("activities/employment/_palace_section.html")
def palace_employment(palace):
    today = timezone.localdate()
    jobs = postings_open(today=today).filter(palace=palace)
    residents = residents_of(palace, today=today)
    return {
        "palace": palace,
        "jobs": list(jobs[:PALACE_JOBS]),
        "residents": list(residents[:PALACE_RESIDENTS]),
    }
