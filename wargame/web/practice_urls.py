"""Routes of the practice pages."""

from __future__ import annotations

from django.urls import path

from wargame.web import practice_views

urlpatterns = [
    path("practice/", practice_views.practice, name="practice"),
    path("practice/return/", practice_views.practice_return, name="practice-return"),
]
