from django.urls import path

from . import views

urlpatterns = [
    path("rankings/", views.rankings, name="rankings"),
    path("rankings/palace/<int:palace_id>/", views.trend, name="ranking_trend"),
]
