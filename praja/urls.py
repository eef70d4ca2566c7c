from django.contrib import admin
from django.urls import include, path

from praja.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("akun/", include("praja.accounts.urls")),
    path("wilayah/", include("praja.territory.urls")),
    path("kerawanan/", include("praja.risk.urls")),
    path("pengamanan/", include("praja.deployment.urls")),
    path("koordinasi/", include("praja.coordination.urls")),
    path("laporan/", include("praja.reports.urls")),
    path("lapor/", include("praja.reports.urls_public")),
    path("info/", include("praja.infowatch.urls")),
    path("api/v1/", api.urls),
    path("tugas/", include("praja.jobqueue.urls")),
    path("", include("praja.situation.urls")),
]
