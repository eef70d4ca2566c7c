"""Issue 14 (hardening): every page carries a Content-Security-Policy that runs scripts from Praja's own origin
only, and no template needs more (no inline <script>, no on*="" handler attributes)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.test import Client

from praja.base import csp

ROOT = Path(__file__).resolve().parents[1] / "praja"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER_ATTRIBUTE = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)


def test_every_page_carries_a_policy_that_allows_scripts_from_praja_only(db: Any) -> None:
    for path in ("/lapor/", "/akun/masuk/", "/publik/"):
        header = Client().get(path)["Content-Security-Policy"]
        assert "script-src 'self';" in header and "'unsafe-inline'" not in header.split("script-src")[1].split(";")[0]
        assert "object-src 'none'" in header and "frame-ancestors 'none'" in header and "base-uri 'self'" in header


def test_no_template_has_an_inline_script_or_an_event_handler_attribute() -> None:
    found = []
    for template in ROOT.rglob("templates/**/*.html"):
        text = template.read_text()
        # {{ x|json_script:"id" }} renders <script type="application/json">: data, never run
        found += [f"{template.relative_to(ROOT)}: {m.group(0)}" for m in INLINE_SCRIPT.finditer(text)]
        found += [f"{template.relative_to(ROOT)}: {m.group(0)}" for m in HANDLER_ATTRIBUTE.finditer(text)]
    assert found == []


def test_the_map_tiles_origin_is_allowed_as_images(settings: Any, db: Any) -> None:
    assert csp.tile_source("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://*.tile.openstreetmap.org"
    assert csp.tile_source("") == "" and csp.tile_source("javascript:alert(1)") == ""
    settings.PRAJA = {**settings.PRAJA, "TILE_URL": "https://peta.example.go.id/{z}/{x}/{y}.png"}
    header = Client().get("/lapor/")["Content-Security-Policy"]
    assert "img-src 'self' data: blob: https://peta.example.go.id;" in header


def test_report_only_and_off_are_settings(settings: Any, db: Any) -> None:
    settings.PRAJA_CSP = "report-only"
    r = Client().get("/lapor/")
    assert "Content-Security-Policy" not in r and "script-src 'self'" in r["Content-Security-Policy-Report-Only"]
    settings.PRAJA_CSP = "off"
    r = Client().get("/lapor/")
    assert "Content-Security-Policy" not in r and "Content-Security-Policy-Report-Only" not in r
