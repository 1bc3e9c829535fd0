"""Innovation, the public's and workers' pages, mounted at `innovation/` by `activities.urls`."""

from django.urls import path

from activities.innovation import views

app_name = "innovation"

urlpatterns = [
    path("", views.index, name="index"),
    path("palaces/<int:palace_id>/", views.alliance, name="alliance"),
    path("mentors/", views.mentor_list, name="mentors"),
    path("problems/", views.my_problems, name="mine"),
    path("problems/new/", views.problem_new, name="problem_new"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/<int:pk>/take/", views.problem_take, name="take"),
    path("problems/<int:pk>/sessions/", views.guidance_new, name="session_new"),
    path("problems/<int:pk>/close/", views.problem_close, name="close"),
    path("queue/", views.queue, name="queue"),
]
