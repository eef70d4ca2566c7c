"""Every interface text of the page shell, home and map has an English translation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation

from praja.situation.tests import i18n_texts
from praja.situation.tests.i18n_texts import python_msgids, template_msgids

PRAJA = i18n_texts.PRAJA
TEMPLATES = [
    PRAJA / "templates" / "base.html",
    *sorted((PRAJA / "situation" / "templates" / "situation").glob("*.html")),
]
PYTHON = [PRAJA / "situation" / n for n in ("views.py", "views_dashboard.py", "views_lapsit.py", "lapsit.py")]
# Texts that read the same in both languages (the reviewed list, with reasons, is in i18n_texts).
SAME_IN_ENGLISH = set(i18n_texts.SAME_IN_ENGLISH)


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
