"""Innovation, the palace's pages, mounted at `staff/innovation/` by `activities.urls`."""

from django.urls import path

from activities.innovation import staff_views as views

app_name = "innovation_staff"

urlpatterns = [
    path("<int:palace_id>/", views.home, name="home"),
    path("<int:palace_id>/studios/new/", views.studio_edit, name="studio_new"),
    path("<int:palace_id>/studios/<int:studio_id>/", views.studio_edit, name="studio"),
    path(
        "<int:palace_id>/studios/<int:studio_id>/join/",
        views.studio_membership,
        {"move": "join"},
        name="studio_join",
    ),
    path(
        "<int:palace_id>/studios/<int:studio_id>/leave/",
        views.studio_membership,
        {"move": "leave"},
        name="studio_leave",
    ),
    path("<int:palace_id>/mentors/new/", views.mentor_edit, name="mentor_new"),
    path("<int:palace_id>/mentors/<int:mentor_id>/", views.mentor_edit, name="mentor"),
]
