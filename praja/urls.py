from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from praja.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # The audit log's admin moved with its models to the base app (issue 15); old bookmarks still arrive. The
    # admin's path is PRAJA_ADMIN_PATH ("admin/" unless set; issue 14).
    re_path(rf"^{settings.PRAJA_ADMIN_PATH}accounts/auditentry/(?P<rest>.*)$",
            RedirectView.as_view(url=f"/{settings.PRAJA_ADMIN_PATH}base/auditentry/%(rest)s", permanent=True,
                                 query_string=True)),
    path(settings.PRAJA_ADMIN_PATH, admin.site.urls),
    path("akun/", include("praja.accounts.urls")),
    path("wilayah/", include("praja.territory.urls")),
    path("kerawanan/", include("praja.risk.urls")),
    path("pengamanan/", include("praja.deployment.urls")),
    path("koordinasi/", include("praja.coordination.urls")),
    path("laporan/", include("praja.reports.urls")),
    path("lapor/", include("praja.reports.urls_public")),
    path("info/", include("praja.infowatch.urls")),
    path("latihan/", include("praja.ops.urls")),
    path("api/v1/", api.urls),
    path("tugas/", include("praja.jobqueue.urls")),
    path("", include("praja.situation.urls")),
]

# 403 and 404 render the templates 403.html and 404.html with the request (the menu shows); 500 too, with a
# plain fallback when that fails (praja/ops/errors.py). Under /api/ a 400 and a 404 are JSON, as the API's schema
# says.
handler500 = "praja.ops.errors.server_error"
handler400 = "praja.ops.errors.bad_request"  # in Indonesian, naming an impossible date (issue 14)
handler404 = "praja.ops.errors.page_not_found"  # the page; under /api/ JSON {"detail": "Not Found"}
