"""`praja infowatch import-factchecks | classify | match`: fact-checks from the TurnBackHoax test corpus,
one JSON object per input row on stdout, progress and problems on stderr."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from praja.infowatch.models import FactCheck
from praja.infowatch.tests.appfixtures import *  # noqa: F401,F403

pytestmark = pytest.mark.django_db
CORPUS = Path(settings.SHARED_DATA_DIR) / "factcheck-turnbackhoax-2024" / "politics_hoax_text.csv"


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("infowatch", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.needs_shared_data("factcheck-turnbackhoax-2024/politics_hoax_text.csv")
def test_it_imports_the_turnbackhoax_claims_keeping_their_ids(fake_core: None, tmp_path: Path) -> None:
    _run("import-factchecks", str(CORPUS), "--text-column", "HOAX_TEXT", "--id-column", "ID",
         "--title-column", "TITLE", "--date-column", "DATE")
    n = FactCheck.objects.count()
    assert n > 500
    fc = FactCheck.objects.get(external_id="3741")
    assert fc.title.startswith("Nama Anies Baswedan") and fc.published_on is not None
    _run("import-factchecks", str(CORPUS), "--text-column", "HOAX_TEXT", "--id-column", "ID")
    assert FactCheck.objects.count() == n  # the same ids again: updated, not doubled
    queries = tmp_path / "q.csv"
    queries.write_text('judul\n"Nama Anies Baswedan Masuk dalam Daftar Penikmat Uang Hasil Korupsi BTS Kominfo"\n\n')
    out, _ = _run("match", str(queries), "--text-column", "judul", "--top", "5")
    lines = [json.loads(x) for x in out.splitlines()]
    assert len(lines) == 1 and lines[0]["matches"][0]["id"] == "3741" and len(lines[0]["matches"]) <= 5


def test_a_factcheck_file_without_the_named_column_is_rejected(fake_core: None, tmp_path: Path) -> None:
    f = tmp_path / "fc.csv"
    f.write_text("ID,TITLE\n1,a\n")
    with pytest.raises(CommandError):
        _run("import-factchecks", str(f), "--text-column", "HOAX_TEXT")
    assert FactCheck.objects.count() == 0


def test_classify_writes_one_json_object_per_row_with_every_label(fake_core: None, tmp_path: Path,
                                                                 capsys: Any) -> None:
    f = tmp_path / "t.csv"
    f.write_text("id,teks\n1,Surat suara sudah dicoblos di TPS\n2,\n3,<script>x</script>\n")
    out, err = _run("classify", str(f), "--text-column", "teks")
    rows = [json.loads(x) for x in out.splitlines()]
    assert [r["row"] for r in rows] == [1, 2, 3]
    assert {"election", "hoax", "hate_speech", "abusive"} <= set(rows[0]["labels"])
    assert rows[0]["labels"]["hoax"] > rows[1]["labels"]["hoax"]
    assert rows[1]["flags"] == ["empty"] and "markup" in rows[2]["flags"]
