"""Worker voice, the workers' pages: `path("voice/", include("activities.voice.urls"))`."""

from django.urls import path

from activities.voice import views

app_name = "voice"

urlpatterns = [
    path("", views.wish_list, name="wishes"),
    path("wishes/new/", views.wish_new, name="wish_new"),
    path("wishes/<int:pk>/", views.wish_detail, name="wish"),
    path("wishes/<int:pk>/vote/", views.wish_vote, name="vote"),
    path("palaces/<int:palace_id>/", views.wish_list, name="palace_wishes"),
    path("palaces/<int:palace_id>/wishes/new/", views.wish_new, name="palace_wish_new"),
    path("surveys/", views.survey_list, name="surveys"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey"),
]
