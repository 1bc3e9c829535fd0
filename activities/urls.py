"""Every page of activities, mounted once at the site root by `palace_portal.urls`.

Each sub-domain keeps its own URL module and namespace; this module only places them under their
prefixes, so the addresses and the names (`activities:ledger`, `classes:course`, `voice:wishes`…)
stay what they were.
"""

from django.urls import include, path

from activities.classes import staff_urls as classes_staff
from activities.classes import urls as classes
from activities.events import staff_urls as events_staff
from activities.events import urls as events

# The workers' pages of classes and events, and their staff pages, have always shared a namespace
# each (`classes:`, `classes_staff:`): the two sub-domains' URL lists are joined under it here.
_CLASSES = ([*classes.urlpatterns, *events.urlpatterns], "classes")
_CLASSES_STAFF = ([*classes_staff.urlpatterns, *events_staff.urlpatterns], "classes_staff")

urlpatterns = [
    # The activity ledger of a palace's staff: /staff/ledger/<palace_id>/...
    path("staff/ledger/", include("activities.ledger.urls")),
    # Legal help for the palace's legal-service staff: /staff/legal/<palace_id>/...
    path("staff/legal/", include("activities.legal.staff_urls")),
    # Teams and volunteers for staff: /staff/teams/<palace_id>/...
    path("staff/teams/", include("activities.teams.staff_urls")),
    # Worker voice for staff: the wish inbox, survey builder, results (/staff/voice/<palace_id>/...).
    path("staff/voice/", include("activities.voice.staff_urls")),
    # Innovation for staff: the clinic, mentors and studios (/staff/innovation/<palace_id>/...).
    path("staff/innovation/", include("activities.innovation.staff_urls")),
    # Series (brands and recurring programmes): /series/<pk>/ and /staff/series/<palace_id>/...
    path("series/", include("activities.series.urls")),
    path("staff/series/", include("activities.series.staff_urls")),
    # The media centre: /news/... for everyone, /staff/news/... for writers.
    path("news/", include("activities.media.urls")),
    path("staff/news/", include("activities.media.staff_urls")),
    # Classes and events for staff: /staff/classes/<palace_id>/..., /staff/events/<palace_id>/...
    path("staff/", include(_CLASSES_STAFF)),
    # Ratings: /ratings/ for workers, /staff/ratings/<palace_id>/ for the palace's staff.
    path("", include("activities.ratings.urls")),
    # Legal help (/legal/...) and teams (/teams/...) for workers.
    path("legal/", include("activities.legal.urls")),
    path("teams/", include("activities.teams.urls")),
    # Employment: /jobs/... for workers, /staff/jobs/... for staff.
    path("jobs/", include("activities.employment.urls")),
    path("staff/jobs/", include("activities.employment.staff_urls")),
    # Worker voice: wishes and demand surveys (/voice/...).
    path("voice/", include("activities.voice.urls")),
    # Innovation: studio alliances, mentors, the problem clinic (/innovation/...).
    path("innovation/", include("activities.innovation.urls")),
    # The night school and events for workers: /classes/..., /events/...
    path("", include(_CLASSES)),
]
