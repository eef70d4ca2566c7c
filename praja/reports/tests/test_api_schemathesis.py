"""Property-based test of the whole /api/v1 OpenAPI schema: every answer of every route is one the schema
documents, and none is a 5xx.

schemathesis generates requests from /api/v1/openapi.json (its examples, coverage and fuzzing phases: valid and
invalid bodies, parameters and headers, undocumented methods) and sends them to the WSGI application in-process.
Each answer goes through schemathesis's own checks, `case.call_and_validate()` with its default set:

- not_a_server_error: no 5xx;
- status_code_conformance: the status code is one the operation documents;
- content_type_conformance: the Content-Type is one documented for that status;
- response_headers_conformance: the documented headers are there and match (Retry-After on 429, ETag on the
  map's 200 and 304);
- response_schema_conformance: the body matches the documented schema (errors included: 401, 403, 404, 422...);
- negative_data_rejection: a request the schema forbids is refused (4xx), except on POST /api/v1/reports;
- positive_data_acceptance: a request the schema allows is not refused as malformed (400/422), except on
  POST /api/v1/reports and GET /api/v1/map/layers (see `EXCLUDED`);
- ignored_auth: a signed-in 2xx, sent again without the session and with a wrong one, is refused;
- unsupported_method (405 with Allow), missing_required_header, allow_header_conformance; the stateful ones
  (use_after_free, ensure_resource_availability, object_level_authorization) have no recorded scenario here and
  pass.

Senders, chosen from each case's content by crc32 (not hash(): str hashes change with each process's
PYTHONHASHSEED, and the run must be the same every time): half of the cases of the session routes are sent signed
in as a reader (polres_leader of Kabupaten Malang, in the small world of praja/accounts/tests/fixtures.py), so
their 200 bodies are checked too, the others anonymously (401, or 403 for a write without the CSRF token); half of
the reports bodies are sent as a partner. The report routes' per-address limits are set low, so their last
anonymous requests are answered 429 and its Retry-After is checked too.

Deterministic (derandomize=True; the same items pass every run) and bounded: PRAJA_SCHEMATHESIS_EXAMPLES (default
5) examples per operation in the fuzzing phase, besides the coverage phase's fixed cases; about 20 s for the 32
items on one core. tests/test_api_error_answers.py covers the error answers these requests cannot reach.
"""

from __future__ import annotations

import os
import zlib
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core import NotSet
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from praja.wsgi import application

EXAMPLES = int(os.environ.get("PRAJA_SCHEMATHESIS_EXAMPLES", "5"))

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

# Checks left out, per operation, each for a reason the API is right about:
EXCLUDED: dict[tuple[str, str], list[Any]] = {
    # A report is checked by intake.validate, the same rules for every channel, answering 422 {field: message}.
    # The schema documents what JSON Schema can say (category and subject_kind enums, lengths, the idempotency key's
    # pattern), but some rules it cannot: a TPS, region or agency that exists in the database, latitude only with
    # longitude, a name or contact unless anonymous, a time not in the future, a description not blank once
    # stripped. Schema-valid reports that break them are refused 422 by design.
    #
    # And it takes what every channel sends (SMS, webhooks and imports give text): pydantic's lax mode reads "-7.9"
    # or true as a number, and the body's client_key, when given, is the key (an Idempotency-Key header beside it
    # is not read). Requests the schema calls invalid for these reasons are accepted by design, so
    # negative_data_rejection does not hold either.
    ("POST", "/api/v1/reports"): [positive_data_acceptance, negative_data_rejection],
    # ?saat= and ?tanggal= are a moment and a day inside 2000-2099, as every page of Praja reads them
    # (praja/base/dates.py), and anything else answers 400 (issue 14). No JSON Schema format says that (a local time
    # without an offset; 2024-02-30 fits any pattern), so the schema says it in words and schema-valid strings that
    # are not such a moment are refused 400 by design.
    ("GET", "/api/v1/map/layers"): [positive_data_acceptance],
}

# The report routes' limits per address, low enough that the last anonymous requests are answered 429 (with
# Retry-After, which the schema documents), high enough that most are not. Only requests that reach the route's code
# count (ninja's 422 comes first): at the default EXAMPLES about 60 anonymous reports and 10 follow requests. (The
# counters' windows are fixed 10-minute slots: a run that straddles one sees its 429s later; 429 is documented and
# accepted by every check either way.)
PUBLIC_RATE = (25, 600)
FOLLOW_RATE = (5, 600)
READER = "pembaca"
CSRF_SECRET = "schemathesis0csrf0secret00000032"  # 32 characters of [A-Za-z0-9], as Django's secrets are


def fingerprint(case: Any, *parts: str) -> int:
    """crc32 of the case's generated content (the same every run; NOT_SET has no stable text, so it is '-')."""
    values = {"path": case.path_parameters, "query": case.query, "body": case.body}
    text = repr([("-" if isinstance(values[p], NotSet) else values[p]) for p in parts])
    return zlib.crc32(text.encode())


@pytest.fixture
def world(db: Any) -> Any:
    """The small world of praja/accounts/tests/fixtures.py (Kabupaten Malang, two kecamatan) and a reader in it."""
    from praja.accounts.tests.fixtures import build_world, make_person

    w = build_world()
    w.people[READER] = make_person(READER, w.agencies["polres-malang"], [("polres_leader", "35.07")])
    return w


@pytest.fixture
def partner_token(world: Any) -> str:
    from praja.accounts.models import Agency
    from praja.reports.api import create_token

    agency = Agency.objects.create(slug="mitra-uji", kind="media", name="Mitra Uji", region_id="35.07")
    return create_token(agency, "schemathesis")[1]


@pytest.fixture
def reader_session(world: Any) -> dict[str, str]:
    """The cookies of the reader's session and a CSRF token (sent as cookie and as X-CSRFToken)."""
    from django.conf import settings as django_settings
    from django.test import Client

    client = Client()
    client.force_login(world.people[READER].user)
    return {django_settings.SESSION_COOKIE_NAME: client.cookies[django_settings.SESSION_COOKIE_NAME].value,
            django_settings.CSRF_COOKIE_NAME: CSRF_SECRET}


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


def _carries_session(case: Any) -> bool:
    """Whether the case is for a session route and carries its (generated) session cookie: a case that leaves the
    cookie out on purpose (negative data: the required credential missing) stays without one."""
    from django.conf import settings as django_settings

    # the operation's method: a case may probe another (TRACE, an undocumented method: 405)
    security = schema.raw_schema["paths"][case.operation.path][case.operation.method.lower()].get("security") or []
    if not any("SessionAuth" in requirement for requirement in security):
        return False
    negative_cookie = case.meta is not None and case.meta.is_negative_at(ParameterLocation.COOKIE)
    return django_settings.SESSION_COOKIE_NAME in (case.cookies or {}) and not negative_cookie


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_every_answer_is_documented(case: Any, partner_token: str, reader_session: dict[str, str], settings: Any,
                                    keep_connection: Any) -> None:
    from django.conf import settings as django_settings

    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "PUBLIC_RATE": PUBLIC_RATE, "FOLLOW_RATE": FOLLOW_RATE}
    kwargs: dict[str, Any] = {}
    operation = (case.operation.method.upper(), case.operation.path)  # a case may probe another method (405)
    if operation[1].startswith("/api/v1/reports") and case.method == "POST" and fingerprint(case, "body") % 2:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {partner_token}"}
    elif _carries_session(case) and fingerprint(case, "path", "query", "body") % 2:
        # Signed in: the generated session cookie replaced by the reader's, given explicitly (so ignored_auth sends
        # the request again without it and with a wrong one, and expects 401), and the CSRF token as cookie and
        # header (so writes pass ninja's CSRF check).
        cookie = "; ".join(f"{k}={v}" for k, v in reader_session.items())
        kwargs = {"cookies": dict(reader_session),
                  "headers": {"Cookie": cookie, "X-CSRFToken": reader_session[django_settings.CSRF_COOKIE_NAME]}}
    # The WSGI test client does not undo Content-Encoding as an HTTP client does: ask for the body as it is (the
    # map routes gzip their JSON for a sender that takes gzip, which schemathesis's default headers say it does).
    kwargs["headers"] = {**kwargs.get("headers", {}), "Accept-Encoding": "identity"}
    # Nor does it send a client address, and the report routes' limits count per address (none: not counted).
    kwargs["environ_base"] = {"REMOTE_ADDR": "192.0.2.10"}
    case.call_and_validate(excluded_checks=EXCLUDED.get(operation, []), **kwargs)
