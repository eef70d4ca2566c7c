"""The WSGI entry point: a process environment variable named like a request header is not taken for one."""

from __future__ import annotations

import importlib
import io
import sys
from typing import Any

import pytest


@pytest.mark.django_db
def test_an_environment_variable_named_like_a_header_is_not_a_header(monkeypatch: Any) -> None:
    monkeypatch.setenv("HTTP_X_FORWARDED_FOR", "10.9.8.7")
    monkeypatch.delitem(sys.modules, "praja.wsgi", raising=False)
    wsgi = importlib.import_module("praja.wsgi")
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.update(environ)
        start_response("204 No Content", [])
        return []

    monkeypatch.setattr(wsgi, "_django", app)
    base = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "wsgi.input": io.BytesIO(b""), "PATH": "/usr/bin"}
    wsgi.application({**base, "HTTP_X_FORWARDED_FOR": "10.9.8.7"}, lambda *a: None)  # as granian passes it
    assert "HTTP_X_FORWARDED_FOR" not in seen and seen["PATH"] == "/usr/bin"
    seen.clear()
    wsgi.application({**base, "HTTP_X_FORWARDED_FOR": "203.0.113.5"}, lambda *a: None)  # the client's own header
    assert seen["HTTP_X_FORWARDED_FOR"] == "203.0.113.5"
