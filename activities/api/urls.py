"""Every endpoint of activities, included once under `/api/v1/` by `palace_portal.urls`.

Each sub-domain keeps its URL module; this module gathers them under the namespaces the API has
always had: `activities_api` (the activity ledger; courses, events and enrolments, API.md "Classes
and events"), `ratings_api` and `voice_api`.
"""

from django.urls import include, path

from activities.classes.api import urls as courses_api
from activities.events.api import urls as events_api
from activities.ledger.api import urls as ledger_api
from activities.offerings.api import urls as enrolments_api

# One namespace, as the API has always had, over four sub-domains' endpoints.
_ACTIVITIES_API = (
    [
        *ledger_api.urlpatterns,
        *courses_api.urlpatterns,
        *events_api.urlpatterns,
        *enrolments_api.urlpatterns,
    ],
    "activities_api",
)

urlpatterns = [
    path("", include(_ACTIVITIES_API)),
    # Ratings: /ratings/ (own, create), /ratings/summary/, /ratings/pending/, /ratings/{id}/.
    path("", include("activities.ratings.api.urls")),
    # The media centre: /news/ (published articles; writers create, change, publish).
    path("", include("activities.media.api.urls")),
    # Worker voice: /wishes/ (vote, answer) and /surveys/ (responses, results).
    path("", include("activities.voice.api.urls")),
    # Innovation: /mentors/ (public) and /problems/ (the problem clinic).
    path("", include("activities.innovation.api.urls")),
    # Legal help: /legal-cases/ (the worker's own; legal-service staff: their palaces').
    path("", include("activities.legal.api.urls")),
    # Teams and volunteers: /teams/ (public information; join).
    path("", include("activities.teams.api.urls")),
    # Employment: /jobs/ (apply), /job-applications/ (mine, withdraw), /job-postings/ (staff).
    path("", include("activities.employment.api.urls")),
]
