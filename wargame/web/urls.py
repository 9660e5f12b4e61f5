"""The web app's pages. Each area keeps its routes beside its views."""

from __future__ import annotations

from django.urls import include, path

from wargame.web import glossary_views, join_views

app_name = "web"

urlpatterns = [
    path("", join_views.home, name="home"),
    path("join/", join_views.join, name="join"),
    path("leave/", join_views.leave, name="leave"),
    path("glossary/", glossary_views.glossary, name="glossary"),
    path("", include("wargame.web.room_urls")),
    path("", include("wargame.web.console_urls")),
    path("", include("wargame.web.review_urls")),
    path("", include("wargame.web.practice_urls")),
    path("", include("wargame.web.compare_urls")),
]
