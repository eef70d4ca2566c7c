"""The one django-ninja API of Praja; each app adds its router here."""

from django.conf import settings
from ninja.security import django_auth

from praja.accounts.api import router as accounts_router
from praja.api_support import PrajaAPI
from praja.deployment.api import router as deployment_router
from praja.reports.api import router as reports_router
from praja.risk.api import router as risk_router
from praja.situation.api import router as situation_router
from praja.territory.api import router as territory_router

# The interactive docs and the schema at /api/v1/<PRAJA_API_DOCS_PATH> and /api/v1/openapi.json; both off when the
# path is empty (the production default; issue 14).
_DOCS = str(getattr(settings, "PRAJA_API_DOCS_PATH", "docs") or "").strip("/")
# PrajaAPI: the schema also lists the answers every route gives besides its own (401, 422, CSRF 403...).
api = PrajaAPI(title="Praja API", version="1", auth=django_auth, urls_namespace="api",
               docs_url=f"/{_DOCS}" if _DOCS else None, openapi_url="/openapi.json" if _DOCS else None)
api.add_router("/territory/", territory_router)
api.add_router("/accounts/", accounts_router)
api.add_router("/map/", situation_router)
api.add_router("/risk/", risk_router)
api.add_router("/deployment/", deployment_router)
api.add_router("/reports", reports_router)  # POST /api/v1/reports (no trailing slash)
