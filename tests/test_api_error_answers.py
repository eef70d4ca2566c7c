"""The API's error answers are JSON ``{"detail": ...}`` and its OpenAPI schema documents them (praja/api_support.py):
an address no API route has (404), a body over the cap (413), a date that is no date (400), a role that still owes
the second factor (403), and the answers every route gives besides its own (401, CSRF 403, 400/413/422).
praja/reports/tests/test_api_schemathesis.py checks every answer against the schema; these are the cases it
cannot reach, and the pages outside /api/, which stay pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from praja.accounts.tests.fixtures import World, build_world


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


def openapi() -> dict[str, Any]:
    from praja.api import api

    return dict(api.get_openapi_schema(path_prefix="/api/v1"))


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, item in schema["paths"].items() for method, op in item.items()]


def refs(answer: dict[str, Any]) -> set[str]:
    body = answer["content"]["application/json"]["schema"]
    return {s["$ref"].rsplit("/", 1)[1] for s in body.get("anyOf", [body]) if "$ref" in s}


def test_every_session_route_documents_401_and_every_session_write_the_csrf_403() -> None:
    schema = openapi()
    session_ops = [(m, p, op) for m, p, op in operations(schema) if {"SessionAuth": []} in (op.get("security") or [])]
    assert len(session_ops) == 30
    for method, path, op in session_ops:
        assert refs(op["responses"]["401"]) == {"Detail"}, (method, path)
        assert "Detail" in refs(op["responses"]["403"]), (method, path)
        if method in ("post", "patch", "delete"):
            assert "CSRF" in op["responses"]["403"]["description"], (method, path)


def test_every_body_documents_400_413_and_422_beside_the_routes_own_answers() -> None:
    schema = openapi()
    with_body = [(m, p, op) for m, p, op in operations(schema) if "requestBody" in op]
    assert {p for _m, p, _op in with_body} >= {"/api/v1/reports", "/api/v1/reports/status",
                                              "/api/v1/accounts/assignments", "/api/v1/territory/tps/{desa}/{number}"}
    for method, path, op in with_body:
        assert "Detail" in refs(op["responses"]["400"]) and refs(op["responses"]["413"]) == {"Detail"}, (method, path)
        assert "ValidationErrors" in refs(op["responses"]["422"]), (method, path)
    patch = schema["paths"]["/api/v1/territory/tps/{desa}/{number}"]["patch"]["responses"]
    assert refs(patch["400"]) == {"FieldErrors", "Detail"}  # the form's errors, or a body that cannot be read
    report = schema["paths"]["/api/v1/reports"]["post"]["responses"]
    assert refs(report["422"]) == {"ErrorOut", "ValidationErrors"}
    assert "401" in report and report["429"]["headers"]["Retry-After"]["required"] is True
    assert "401" not in schema["paths"]["/api/v1/reports/status"]["post"]["responses"]  # no credentials at all


def test_the_map_documents_its_cache_answers_and_the_query_it_reads_itself() -> None:
    schema = openapi()
    tps = schema["paths"]["/api/v1/map/tps"]["get"]
    assert {"200", "304", "401", "403", "404"} <= set(tps["responses"])
    assert tps["responses"]["422"]["description"] == "the query string holds a NUL character"  # nothing else
    assert tps["responses"]["304"]["headers"]["ETag"]["required"] is True
    assert {p["name"] for p in tps["parameters"]} == {"wilayah", "If-None-Match"}
    layers = schema["paths"]["/api/v1/map/layers"]["get"]
    assert {p["name"] for p in layers["parameters"]} == {"wilayah", "saat", "tanggal"} and "400" in layers["responses"]


def test_an_api_address_no_route_has_answers_json_404_and_a_page_address_the_page(db: Any) -> None:
    for path in ("/api/v1/accounts/people/abc", "/api/v1/tidak-ada"):
        response = Client().get(path)
        assert response.status_code == 404 and response["Content-Type"] == "application/json", path
        assert response.json() == {"detail": "Not Found"}
    page = Client().get("/tidak-ada/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
    assert "Halaman tidak ditemukan" in page.content.decode()


def test_a_body_over_the_cap_answers_json_413_under_api_and_text_elsewhere(db: Any, settings: Any) -> None:
    settings.PRAJA_MAX_REQUEST_BYTES = 10
    api = Client().post("/api/v1/reports", {"description": "x" * 40}, content_type="application/json")
    assert api.status_code == 413 and api["Content-Type"] == "application/json"
    assert api.json()["detail"].startswith("Kiriman terlalu besar")
    page = Client().post("/lapor/", {"description": "x" * 40})
    assert page.status_code == 413 and page["Content-Type"].startswith("text/plain")


def test_a_date_that_is_no_date_answers_json_400_under_api(world: World) -> None:
    client = Client()
    client.force_login(world.people["officer"].user)
    response = client.get("/api/v1/map/layers?saat=kemarin")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert "kemarin" in response.json()["detail"]


def test_a_role_that_owes_the_second_factor_is_refused_json_403_under_api(world: World) -> None:
    client = Client()
    client.force_login(world.people["polsek_admin"].user)  # admin: needs TOTP, has not passed it
    response = client.get("/api/v1/territory/regions")
    assert response.status_code == 403 and response.json() == {"detail": "second factor required"}
    assert client.get("/wilayah/").status_code == 302  # a page still sends the person to the second factor


def test_a_body_too_big_to_read_answers_json_400_under_api(db: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10  # Django's cap on the part of a body that is not a file
    response = Client().post("/api/v1/reports/status", {"receipt": "x" * 30, "pin": "1"},
                             content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Permintaan tidak sah"}


def test_a_nul_in_the_query_string_is_refused_before_the_database_sees_it(world: World) -> None:
    """PostgreSQL cannot hold U+0000 in text: `?parent=35%00` reached it and answered 500 (found by the schema
    test on PostgreSQL). Under /api/ the answer is a documented 422 naming the parameter; a page answers 400."""
    client = Client()
    client.force_login(world.people["officer"].user)
    for url in ("/api/v1/territory/regions?parent=35%00", "/api/v1/accounts/agencies?kind=a%00b",
                "/api/v1/accounts/audit?region=p%C3%A9%00"):
        response = client.get(url)
        assert response.status_code == 422, url
        assert response.json()["detail"][0]["loc"][0] == "query", url
        assert "NUL" in response.json()["detail"][0]["msg"], url
    assert client.get("/api/v1/territory/regions?level=3").status_code == 200  # without a NUL, as before
    page = client.get("/wilayah/?q=a%00")
    assert page.status_code == 400 and "NUL" in page.content.decode()
    every = openapi()["paths"]
    assert all("ValidationErrors" in refs(op["responses"]["422"]) for item in every.values() for op in item.values())
