"""The one django-ninja API of Praja; each app adds its router here."""

from ninja import NinjaAPI
from ninja.security import django_auth

from praja.accounts.api import router as accounts_router
from praja.deployment.api import router as deployment_router
from praja.reports.api import router as reports_router
from praja.risk.api import router as risk_router
from praja.situation.api import router as situation_router
from praja.territory.api import router as territory_router

api = NinjaAPI(title="Praja API", version="1", auth=django_auth, urls_namespace="api")
api.add_router("/territory/", territory_router)
api.add_router("/accounts/", accounts_router)
api.add_router("/map/", situation_router)
api.add_router("/risk/", risk_router)
api.add_router("/deployment/", deployment_router)
api.add_router("/reports", reports_router)  # POST /api/v1/reports (no trailing slash)
