from django.urls import path

from .api import RankingApi

urlpatterns = [path("rankings/", RankingApi.as_view(), name="api-rankings")]
