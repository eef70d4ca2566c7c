"""Every interface text of the deployment pages and exports has an English translation; the plan page
switches language."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation.template import templatize

from praja.deployment.models import Plan

APP = Path(__file__).resolve().parents[1]
LOCALE = APP.parent / "locale"
_CALL = re.compile(r"""\b(?:gettext|ngettext|pgettext)\(\s*u?('(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")""")
# Texts that read the same in both languages.
SAME_IN_ENGLISH = {"TNI", "Linmas", "Polsek", "Koramil", "A", "B", "Status", "km", "No.", "Desa", "status", "preset",
                   "desa", "kecamatan", "desa/kelurahan", "desa/kecamatan", "Kecamatan: %(kec)s", "Kec.", "Polri"}


@pytest.fixture(scope="module")
def compiled() -> None:
    for po in LOCALE.glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)
    from django.utils.translation import trans_real

    trans_real._translations = {}  # type: ignore[attr-defined]
    trans_real._default = None  # type: ignore[attr-defined]


def msgids() -> set[str]:
    ids: set[str] = set()
    for t in (APP / "templates" / "deployment").glob("*.html"):
        text = templatize(t.read_text("utf-8"), origin=str(t))
        ids |= {ast.literal_eval(m.group(1)) for m in _CALL.finditer(text)}
    for p in ("views.py", "forms.py", "models.py", "exports.py", "pattern_settings.py", "regency_pools.py",
              "plan_jobs.py", "plan_edits.py", "plan_exports.py", "plan_queries.py"):
        for node in ast.walk(ast.parse((APP / p).read_text("utf-8"))):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                if name in {"_", "gettext", "gettext_lazy", "gettext_noop"} and isinstance(node.args[0].value, str):
                    ids.add(node.args[0].value)
    return ids


def test_every_text_of_the_deployment_pages_has_an_english_translation(compiled: None) -> None:
    ids = msgids()
    assert {"Rencana pengamanan baru", "Terbukti optimal:", "Kekurangan personel per kecamatan"} <= ids
    assert len(ids) > 200
    with translation.override("en"):
        untranslated = sorted(i for i in ids - SAME_IN_ENGLISH if translation.gettext(i) == i)
    assert untranslated == []


@pytest.mark.django_db
def test_the_plan_page_reads_in_english(compiled: None, ops_client: Client, done_plan: Plan) -> None:
    ops_client.post("/i18n/setlang/", {"language": "en", "next": "/pengamanan/"})
    html = ops_client.get(f"/pengamanan/rencana/{done_plan.pk}/").content.decode()
    assert "Proved optimal:" in html and "Shortfall per kecamatan" not in html  # nothing short here
    assert "Re-check against the pattern" in html and "Download XLSX" in html
    ops_client.post(f"/pengamanan/rencana/{done_plan.pk}/pos/1/", {"police": 1, "tni": 0, "linmas": 0})
    ops_client.post(f"/pengamanan/rencana/{done_plan.pk}/periksa/")
    html = ops_client.get(f"/pengamanan/rencana/{done_plan.pk}/").content.decode()
    assert "Pos 1 (35.07.01.2001/P01): 1 police, the pattern needs 2" in html
