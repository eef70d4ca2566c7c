"""Every interface text of the page shell, home and map has an English translation."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation.template import templatize

PRAJA = Path(__file__).resolve().parents[2]
TEMPLATES = [
    PRAJA / "templates" / "base.html",
    *sorted((PRAJA / "situation" / "templates" / "situation").glob("*.html")),
]
PYTHON = [PRAJA / "situation" / n for n in ("views.py", "views_dashboard.py", "views_lapsit.py", "lapsit.py")]
_CALL = re.compile(r"""\b(?:gettext|ngettext|pgettext)\(\s*u?('(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")""")
# Texts that read the same in both languages.
SAME_IN_ENGLISH = {"Kec.", "Audit", "Info", "Polri", "No.", "Status", "Volume", "PDF", "XLSX", "SHA-256 PDF",
                   "SHA-256 XLSX", "{kecamatan} kecamatan", "Desa/kec.", "Polsek"}


def template_msgids(path: Path) -> list[str]:
    return [ast.literal_eval(m.group(1)) for m in _CALL.finditer(templatize(path.read_text("utf-8"), origin=str(path)))]


def python_msgids(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            if name in {"_", "gettext", "gettext_lazy"} and isinstance(node.args[0].value, str):
                out.append(node.args[0].value)
    return out


def all_msgids() -> set[str]:
    ids: set[str] = set()
    for t in TEMPLATES:
        ids |= set(template_msgids(t))
    for p in PYTHON:
        ids |= set(python_msgids(p))
    return ids


def test_the_extraction_finds_the_interface_texts() -> None:
    ids = all_msgids()
    assert {"Beranda", "Wilayah aktif", "Selamat datang, %(name)s", "Memuat TPS… {done}/{total}"} <= ids
    assert len(ids) > 80


def test_every_interface_text_has_an_english_translation(compiled_messages: Any) -> None:
    untranslated = []
    with translation.override("en"):
        for msgid in sorted(all_msgids() - SAME_IN_ENGLISH):
            if translation.gettext(msgid) == msgid:
                untranslated.append(msgid)
    assert untranslated == []


@pytest.mark.parametrize("msgid", ["Selamat datang, %(name)s", "Memuat TPS… {done}/{total}"])
def test_placeholders_survive_translation(compiled_messages: Any, msgid: str) -> None:
    with translation.override("en"):
        english = translation.gettext(msgid)
    assert sorted(re.findall(r"%\(\w+\)s|\{\w+\}", english)) == sorted(re.findall(r"%\(\w+\)s|\{\w+\}", msgid))
