from django.urls import path

from . import import_views, views

app_name = "circle"

urlpatterns = [
    path("", views.circle_home, name="home"),
    path("points/<int:pk>/", views.point_detail, name="point"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/<int:palace_id>/", views.staff_points, name="staff_points"),
    path("staff/<int:palace_id>/new/", views.point_create, name="point_create"),
    path("staff/<int:palace_id>/<int:pk>/edit/", views.point_edit, name="point_edit"),
    path("staff/<int:palace_id>/<int:pk>/delete/", views.point_delete, name="point_delete"),
    path("staff/<int:palace_id>/import/", import_views.points_import, name="points_import"),
    path(
        "staff/<int:palace_id>/import/commit/", import_views.points_import_commit, name="points_import_commit"
    ),
    path("staff/<int:palace_id>/export.xlsx", import_views.points_export, name="points_export"),
]
