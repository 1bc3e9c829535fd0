"""Public pages of the media centre: `/news/`, `/news/palace/<palace_id>/`, `/news/<pk>/`."""

from django.urls import path

from . import views

app_name = "news"

urlpatterns = [
    path("", views.news, name="list"),
    path("palace/<int:palace_id>/", views.palace_news, name="palace"),
    path("<int:pk>/", views.article, name="article"),
]
