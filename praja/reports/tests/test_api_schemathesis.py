"""Property-based fuzzing of the whole /api/v1 OpenAPI schema: no input makes any route answer 5xx.

schemathesis generates requests from /api/v1/openapi.json (valid and invalid bodies, parameters, headers)
and sends them to the WSGI application in-process, anonymously and, for the reports route, also with a
partner token. Bounded: a few examples per operation (PRAJA_SCHEMATHESIS_EXAMPLES, default 5).
"""

from __future__ import annotations

import os
import zlib
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from praja.wsgi import application

EXAMPLES = int(os.environ.get("PRAJA_SCHEMATHESIS_EXAMPLES", "5"))

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def partner_token(db: Any) -> str:
    from praja.accounts.models import Agency
    from praja.reports.api import create_token
    from praja.territory.models import Region

    Region.objects.create(code="35", name="Jawa Timur", level=1, kind="provinsi")
    agency = Agency.objects.create(slug="mitra-uji", kind="media", name="Mitra Uji", region_id="35")
    return create_token(agency, "schemathesis")[1]


@pytest.fixture
def keep_connection() -> Any:
    """Like Django's test client: the test's database connection stays open across WSGI requests."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_route_answers_5xx(case: Any, partner_token: str, settings: Any, keep_connection: Any) -> None:
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "PUBLIC_RATE": (0, 60), "FOLLOW_RATE": (0, 60)}
    # half of the report bodies are sent as a partner (crc32, not hash(): str hashes change with each process's
    # PYTHONHASHSEED, and the run must be the same every time)
    if case.path.startswith("/api/v1/reports") and case.method == "POST" and zlib.crc32(str(case.body).encode()) % 2:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {partner_token}"}
    response = case.call()
    assert response.status_code < 500, f"{case.method} {case.path}: {response.status_code} {response.text[:500]}"
