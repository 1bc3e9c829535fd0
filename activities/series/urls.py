"""Pages of series: `/series/<pk>/` (public, namespace `series`)."""

from django.urls import path

from . import views

app_name = "series"

urlpatterns = [
    path("<int:pk>/", views.series_detail, name="detail"),
]
