"""Pages of the standardisation evaluation, mounted at /performance/evaluation/."""

from django.urls import path

from .views import process, schemes

app_name = "evaluation"

urlpatterns = [
    path("", process.home, name="home"),
    path("overview/", process.overview, name="overview"),
    path("league/", process.league, name="league"),
    path("schemes/", schemes.scheme_list, name="schemes"),
    path("schemes/<int:pk>/", schemes.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/edit/", schemes.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/publish/", schemes.scheme_publish, name="scheme_publish"),
    path("schemes/<int:pk>/delete/", schemes.scheme_delete, name="scheme_delete"),
    path("schemes/<int:pk>/categories/new/", schemes.category_form, name="category_new"),
    path("schemes/<int:pk>/categories/<int:category_id>/", schemes.category_form, name="category_edit"),
    path(
        "schemes/<int:pk>/categories/<int:category_id>/delete/",
        schemes.category_delete,
        name="category_delete",
    ),
    path(
        "schemes/<int:pk>/categories/<int:category_id>/indicators/new/",
        schemes.indicator_form,
        name="indicator_new",
    ),
    path(
        "schemes/<int:pk>/categories/<int:category_id>/indicators/<int:indicator_id>/",
        schemes.indicator_form,
        name="indicator_edit",
    ),
    path(
        "schemes/<int:pk>/categories/<int:category_id>/indicators/<int:indicator_id>/delete/",
        schemes.indicator_delete,
        name="indicator_delete",
    ),
    path("palace/<int:palace_id>/", process.palace_home, name="palace"),
    path("palace/<int:palace_id>/start/<int:scheme_id>/", process.evaluation_start, name="start"),
    path("<int:pk>/", process.evaluation_detail, name="evaluation"),
    path("<int:pk>/self/", process.self_save, name="self_save"),
    path("<int:pk>/evidence/", process.evidence_upload, name="evidence_upload"),
    path("<int:pk>/evidence/<int:evidence_id>/", process.evidence_download, name="evidence"),
    path("<int:pk>/evidence/<int:evidence_id>/delete/", process.evidence_delete, name="evidence_delete"),
    path("<int:pk>/review/", process.review, name="review"),
    path("<int:pk>/score/", process.score, name="score"),
]
