"""Every endpoint of activities, included once under `/api/v1/` by `palace_portal.urls`.

Each sub-domain keeps its URL module; this module gathers them under the namespaces the API has
always had: `activities_api` (the activity ledger; courses, events and enrolments, API.md "Classes
and events"), `ratings_api` and `voice_api`.
"""

from django.urls import include, path

from activities.classes.api import urls as classes_api
from activities.ledger.api import urls as ledger_api

urlpatterns = [
    path("", include(([*ledger_api.urlpatterns, *classes_api.urlpatterns], "activities_api"))),
    # Ratings: /ratings/ (own, create), /ratings/summary/, /ratings/pending/, /ratings/{id}/.
    path("", include("activities.ratings.api.urls")),
    # Worker voice: /wishes/ (vote, answer) and /surveys/ (responses, results).
    path("", include("activities.voice.api.urls")),
]
