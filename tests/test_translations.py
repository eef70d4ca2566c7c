"""The whole app reads in English when switched: every interface text of every template and module under
praja/ (tests and migrations aside) has an English translation that keeps its placeholders, and the English
catalogue is one a translator can trust (no fuzzy entries, which gettext ignores at run time, no duplicates,
which msgfmt refuses)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from django.test import Client

from praja.situation.tests.conftest import compiled_messages  # noqa: F401 - the fixture
from praja.situation.tests.i18n_texts import (
    PO_FILE,
    SAME_IN_ENGLISH,
    Text,
    all_texts,
    placeholders,
    python_texts,
    read_po,
    template_texts,
)

pytestmark = pytest.mark.usefixtures("compiled_messages")


def untranslated(texts: list[Text]) -> list[str]:
    """One line per text without English: where it is, and the text."""
    out, seen = [], set()
    for t in texts:
        key = (t.msgid, t.plural, t.context)
        if key in seen or t.msgid in SAME_IN_ENGLISH:
            continue
        seen.add(key)
        if not t.is_translated():
            out.append(f"{t.where}: {t.msgid!r}" + (" (plural)" if t.plural is not None else ""))
    return out


@pytest.fixture(scope="module")
def texts() -> list[Text]:
    return all_texts()


def test_the_finder_sees_every_kind_of_interface_text(texts: list[Text]) -> None:
    found = {(t.msgid, t.plural) for t in texts}
    assert ("Beranda", None) in found  # {% translate %} in base.html
    assert ("%(n)s laporan di antrian Anda", "%(n)s laporan di antrian Anda") in found  # blocktranslate count
    assert ("nama lengkap", None) in found  # gettext_lazy as _ on a model field
    assert ("tidak berisi TPS", None) in found  # gettext_noop, translated later
    assert ("belum selesai", None) in found  # gettext_lazy imported as _lazy
    assert ("Label", None) in found  # gettext_lazy called by its own name
    wheres = {t.where.split(":")[0] for t in texts}
    assert {"praja/templates/404.html", "praja/ops/templates/ops/drill.html", "praja/reports/intake.py"} <= wheres
    assert not any("/tests/" in w or "/migrations/" in w for w in wheres)
    assert len({t.msgid for t in texts}) > 1500


def test_an_unmarked_translation_is_reported_with_its_file_and_text(tmp_path: Path) -> None:
    page = tmp_path / "baru.html"
    page.write_text('{% load i18n %}<h1>{% translate "Beranda" %}</h1><p>{% translate "Teks yang belum ada" %}</p>'
                    '{% blocktranslate count n=2 %}{{ n }} pos baru{% plural %}{{ n }} pos baru{% endblocktranslate %}')
    module = tmp_path / "baru.py"
    module.write_text('from django.utils.translation import gettext_lazy as _\nLABEL = _("Label yang belum ada")\n')
    assert untranslated(template_texts(page) + python_texts(module)) == [
        f"{page}: 'Teks yang belum ada'",
        f"{page}: '%(n)s pos baru' (plural)",
        f"{module}:2: 'Label yang belum ada'",
    ]


def test_every_interface_text_of_the_app_has_an_english_translation(texts: list[Text]) -> None:
    missing = untranslated(texts)
    assert not missing, f"{len(missing)} interface texts without English (add them to {PO_FILE.name}):\n" + "\n".join(
        missing)


def test_the_english_keeps_the_placeholders_of_the_indonesian(texts: list[Text]) -> None:
    wrong = []
    for t in {(t.msgid, t.plural, t.context): t for t in texts}.values():
        for n, source in ((1, t.msgid), (2, t.plural if t.plural is not None else t.msgid)):
            english = t.english(n)
            if placeholders(english) != placeholders(source):
                wrong.append(f"{t.where}: {source!r} -> {english!r}")
    assert wrong == []


def test_the_same_in_english_list_names_only_texts_the_app_has(texts: list[Text]) -> None:
    assert sorted(set(SAME_IN_ENGLISH) - {t.msgid for t in texts}) == []
    assert all(reason.strip() for reason in SAME_IN_ENGLISH.values())


def test_the_english_catalogue_has_no_fuzzy_entries() -> None:
    fuzzy = [f"{PO_FILE.name}:{e.line}: {e.msgid!r}" for e in read_po() if "fuzzy" in e.flags]
    assert fuzzy == []


def test_the_english_catalogue_has_no_duplicate_msgids() -> None:
    counts = Counter((e.context, e.msgid) for e in read_po())
    assert [msgid for (_, msgid), n in counts.items() if n > 1] == []


def test_every_entry_of_the_english_catalogue_has_its_translation() -> None:
    empty = [f"{PO_FILE.name}:{e.line}: {e.msgid!r}" for e in read_po()
             if e.msgid and (not e.msgstr or not all(e.msgstr) or (e.plural is not None and len(e.msgstr) != 2))]
    assert empty == []


def test_the_catalogue_reader_sees_flags_plurals_and_continued_lines(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: en\\n"\n\n#, fuzzy\nmsgid "Satu"\nmsgstr "One"\n\n'
                  '#, python-format\nmsgid "%(n)s pos"\nmsgid_plural "%(n)s pos"\nmsgstr[0] "%(n)s post"\n'
                  'msgstr[1] "%(n)s posts"\n\nmsgid ""\n"Panjang "\n"sekali"\nmsgstr ""\n\n#~ msgid "Lama"\n'
                  '#~ msgstr "Old"\n', "utf-8")
    entries = read_po(po)
    assert [(e.msgid, e.plural, e.msgstr, "fuzzy" in e.flags) for e in entries] == [
        ("", None, ("Language: en\n",), False),
        ("Satu", None, ("One",), True),
        ("%(n)s pos", "%(n)s pos", ("%(n)s post", "%(n)s posts"), False),
        ("Panjang sekali", None, ("",), False),
    ]


@pytest.mark.django_db
def test_the_not_found_page_reads_in_english(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/tidak-ada-halaman-ini/")
    assert page.status_code == 404
    assert "Page not found" in page.content.decode()
    assert "Halaman tidak ditemukan" not in page.content.decode()
