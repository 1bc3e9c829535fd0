"""Staff pages of employment: /staff/jobs/... (namespace `employment_staff`)."""

from django.urls import path

from . import staff_views as views

app_name = "employment_staff"

_p = "<int:palace_id>"

urlpatterns = [
    path("", views.home, name="home"),
    path(f"{_p}/", views.postings, name="postings"),
    path(f"{_p}/new/", views.posting_new, name="posting_new"),
    path(f"{_p}/<int:posting_id>/", views.posting_detail, name="posting"),
    path(f"{_p}/<int:posting_id>/edit/", views.posting_edit, name="posting_edit"),
    path(f"{_p}/<int:posting_id>/publish/", views.posting_publish, name="posting_publish"),
    path(f"{_p}/<int:posting_id>/close/", views.posting_close, name="posting_close"),
    path(f"{_p}/applications/<int:application_id>/interview/", views.interview, name="interview"),
    path(f"{_p}/applications/<int:application_id>/decide/", views.decide, name="decide"),
    path(f"{_p}/employers/", views.employers, name="employers"),
    path(f"{_p}/employers/new/", views.employer_new, name="employer_new"),
    path(f"{_p}/employers/<int:employer_id>/", views.employer_edit, name="employer_edit"),
    path(f"{_p}/fairs/", views.fairs, name="fairs"),
    path(f"{_p}/fairs/<int:event_id>/", views.fair_postings, name="fair_postings"),
    path(f"{_p}/live/new/", views.livestream_new, name="livestream_new"),
    path(f"{_p}/live/<int:livestream_id>/", views.livestream_edit, name="livestream_edit"),
    path(f"{_p}/residency/", views.residency, name="residency"),
    path(f"{_p}/residency/<int:residency_id>/decide/", views.residency_decide, name="residency_decide"),
    path(f"{_p}/residency/<int:residency_id>/support/", views.support_new, name="support_new"),
]
