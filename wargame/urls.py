from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from wargame.web import render_count
from wargame.web.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: the CSP forbids inline scripts.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("wargame.api.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("wargame.web.urls")),
]

if settings.RENDER_COUNTER:
    render_count.install()
    urlpatterns.insert(0, path("_bench/renders", render_count.counts_view, name="bench-renders"))

handler404 = "wargame.api.views.not_found"
handler500 = "wargame.api.views.server_error"
