"""`{% palace_legal palace %}` and `{% palace_teams palace %}`: the palace page's small sections of
legal help and of teams. The palace page belongs to `venues`, which may not import `activities`."""

from django import template
from django.db.models import Count, Q
from django.utils import timezone

from activities.legal.selectors import duty_lawyers
from activities.teams.models import Team, TeamKind

register = template.Library()


@register.inclusion_tag("activities/legal/_palace_section.html")
def palace_legal(palace):
    return {"palace": palace, "lawyers": duty_lawyers(palace, today=timezone.localdate())}


@register.inclusion_tag("activities/teams/_palace_section.html")
def palace_teams(palace):
    counts = Team.objects.filter(palace=palace, is_active=True).aggregate(
        volunteer=Count("pk", filter=Q(kind=TeamKind.VOLUNTEER)),
        professional=Count("pk", filter=Q(kind=TeamKind.PROFESSIONAL)),
    )
    return {
        "palace": palace,
        "volunteer_count": counts["volunteer"],
        "professional_count": counts["professional"],
    }
