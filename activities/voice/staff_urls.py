"""Worker voice, the palace's pages: `path("staff/voice/", include("activities.voice_staff_urls"))`,
before the palace desk's `staff/` include."""

from django.urls import path

from activities.voice import staff_views as views

app_name = "voice_staff"

_survey = "<int:palace_id>/surveys/<int:survey_id>"

urlpatterns = [
    path("<int:palace_id>/", views.inbox, name="inbox"),
    path("<int:palace_id>/wishes/<int:wish_id>/", views.wish_detail, name="wish"),
    path("<int:palace_id>/surveys/", views.survey_list, name="surveys"),
    path("<int:palace_id>/surveys/new/", views.survey_new, name="survey_new"),
    path(f"{_survey}/", views.survey_builder, name="survey"),
    path(f"{_survey}/edit/", views.survey_edit, name="survey_edit"),
    path(f"{_survey}/publish/", views.survey_publish, name="survey_publish"),
    path(f"{_survey}/close/", views.survey_close, name="survey_close"),
    path(f"{_survey}/delete/", views.survey_delete, name="survey_delete"),
    path(f"{_survey}/questions/", views.question_add, name="question_add"),
    path(f"{_survey}/questions/<int:question_id>/", views.question_edit, name="question_edit"),
    path(f"{_survey}/questions/<int:question_id>/delete/", views.question_delete, name="question_delete"),
    path(f"{_survey}/questions/<int:question_id>/move/", views.question_move, name="question_move"),
    path(f"{_survey}/questions/<int:question_id>/choices/", views.choice_add, name="choice_add"),
    path(f"{_survey}/choices/<int:choice_id>/delete/", views.choice_delete, name="choice_delete"),
    path(f"{_survey}/choices/<int:choice_id>/move/", views.choice_move, name="choice_move"),
    path(f"{_survey}/results/", views.survey_results, name="results"),
    path(f"{_survey}/results.xlsx", views.export_xlsx, name="export_xlsx"),
    path(f"{_survey}/results.csv", views.export_csv, name="export_csv"),
]
