"""Every interface text of the vulnerability pages has an English translation, and the pages switch language."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation.template import templatize

from praja.accounts.tests.fixtures import World, main_of
from praja.risk.tests.test_views import scored  # noqa: F401 - the fixture

RISK = Path(__file__).resolve().parents[1]
LOCALE = RISK.parent / "locale"
_CALL = re.compile(r"""\b(?:gettext|ngettext|pgettext)\(\s*u?('(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")""")
SAME_IN_ENGLISH = {"Bawaslu", "Polri", "%(n)s TPS"}

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
    for t in (RISK / "templates" / "risk").glob("*.html"):
        text = templatize(t.read_text("utf-8"), origin=str(t))
        ids |= {ast.literal_eval(m.group(1)) for m in _CALL.finditer(text)}
    for p in ("views.py", "forms.py", "models.py", "templatetags/risk_tags.py"):
        for node in ast.walk(ast.parse((RISK / p).read_text("utf-8"))):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                if name in {"_", "gettext", "gettext_lazy"} and isinstance(node.args[0].value, str):
                    ids.add(node.args[0].value)
    return ids

def test_every_text_of_the_vulnerability_pages_has_an_english_translation(compiled: None) -> None:
    ids = msgids()
    assert {"Pemetaan kerawanan TPS", "Indikator yang belum dinilai", "Sangat rawan"} <= ids and len(ids) > 150
    with translation.override("en"):
        untranslated = sorted(i for i in ids - SAME_IN_ENGLISH if translation.gettext(i) == i)
    assert untranslated == []

@pytest.mark.django_db
def test_the_overview_reads_in_english(compiled: None, risk_world: World, ops: Client) -> None:
    ops.post("/i18n/setlang/", {"language": "en", "next": "/kerawanan/"})
    html = ops.get("/kerawanan/").content.decode()
    assert "Summary per Kecamatan" in html and "Highly vulnerable" in html


@pytest.mark.django_db
def test_the_indicators_read_in_english_on_the_tps_pages(
    compiled: None, scored: World, officer: Client, ops: Client  # noqa: F811
) -> None:
    for client in (officer, ops):
        client.post("/i18n/setlang/", {"language": "en", "next": "/kerawanan/"})
    tps = main_of(officer.get("/kerawanan/tps/35.07.01.2001/1/"))
    assert "History of violence at the TPS" in tps and "Riwayat kekerasan di TPS" not in tps  # the score's parts
    assert "Money or gifts near the TPS" in tps  # not assessed yet
    assert "Special location (prison" in main_of(officer.get("/kerawanan/tps/35.07.01.2002/1/"))  # why khusus
    assert "History of violence at the TPS" in main_of(officer.get("/kerawanan/tps/"))  # drivers in the list
    assert "History of violence at the TPS" in main_of(officer.get("/kerawanan/wilayah/35.07.01.2001/"))
    settings = main_of(ops.get("/kerawanan/pengaturan/?kabupaten=35.07"))
    assert "Money or gifts near the TPS" in settings and "Money politics" in settings  # indicator, variable
    assert "Money or gifts near the TPS" in main_of(ops.get("/kerawanan/impor/"))


@pytest.mark.django_db
def test_the_indicators_stay_indonesian_in_indonesian(scored: World, officer: Client) -> None:  # noqa: F811
    tps = main_of(officer.get("/kerawanan/tps/35.07.01.2001/1/"))
    assert "Riwayat kekerasan di TPS" in tps and "History of violence at the TPS" not in tps
