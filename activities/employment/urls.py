"""The workers' pages of employment: /jobs/... (namespace `employment`)."""

from django.urls import path

from . import views

app_name = "employment"

urlpatterns = [
    path("", views.job_list, name="jobs"),
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/apply/", views.job_apply, name="apply"),
    path("mine/", views.my_jobs, name="mine"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("fairs/<int:event_id>/", views.job_fair, name="fair"),
    path("live/<int:pk>/", views.livestream, name="livestream"),
    path("residency/<int:palace_id>/", views.residency, name="residency"),
    path("residency/applications/<int:pk>/withdraw/", views.residency_withdraw, name="residency_withdraw"),
]
