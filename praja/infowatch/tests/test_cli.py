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
from praja.infowatch.tests.appfixtures import FakeClassifier

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


def _classified(tmp_path: Path, n: int, hateful: int, *extra: str) -> tuple[list[dict[str, Any]], str]:
    f = tmp_path / "t.csv"
    rows = ["Kami benci mereka, usir dari desa" if i < hateful else f"Rapat warga desa nomor {i}" for i in range(n)]
    f.write_text("teks\n" + "\n".join(rows) + "\n")
    out, err = _run("classify", str(f), "--text-column", "teks", *extra)
    return [json.loads(x) for x in out.splitlines()], err


class _CalibratedHate(FakeClassifier):
    """Hate-speech scores as a calibrated head gives them for clear cases (0.99 / 0.01)."""

    def predict(self, texts: list[str]) -> list[dict[str, float]]:
        out = super().predict(texts)
        for d in out:
            d["hate_speech"] = 0.99 if d["hate_speech"] > 0.5 else 0.01
        return out


def test_classify_adjusts_a_file_to_its_own_share_of_hate_speech_and_sets_labels_at_one_half(
        fake_core: None, tmp_path: Path, monkeypatch: Any) -> None:
    # 4 hateful rows of 40 (10 %), against 42,2 % in the training data: the file's share is estimated by EM,
    # the scores come down, and the shipped decision (adjusted probability >= 0.5) is applied.
    from praja.infowatch import services_analysis as core

    monkeypatch.setattr(core, "classifier", lambda: _CalibratedHate())
    rows, err = _classified(tmp_path, 40, 4)
    assert len(rows) == 40
    hateful, calm = rows[0], rows[-1]
    assert hateful["raw"]["hate_speech"] == 0.99 and hateful["labels"]["hate_speech"] < 0.99
    assert calm["labels"]["hate_speech"] < calm["raw"]["hate_speech"]
    assert "hate_speech" in hateful["set"] and "hate_speech" not in calm["set"]
    assert "hate_speech: porsi latih / training share 42,2 %" in err
    share = float(err.split("hate_speech:")[1].split("berkas ini / this file ")[1].split(" %")[0].replace(",", "."))
    assert 5 < share < 15  # 10 % of the rows, estimated from the scores alone


def test_classify_leaves_a_small_file_or_a_refused_adjustment_at_the_heads_thresholds(
        fake_core: None, tmp_path: Path) -> None:
    small, err = _classified(tmp_path, 5, 1)
    assert "raw" not in small[0] and small[0]["labels"]["hate_speech"] == 0.9 and "hate_speech" in small[0]["set"]
    assert "berkas terlalu kecil" in err
    kept, err = _classified(tmp_path, 40, 4, "--no-prior-shift")
    assert "raw" not in kept[0] and kept[0]["labels"]["hate_speech"] == 0.9 and "porsi latih" not in err
    # a short text's hoax score is reported but the queue does not count it (services.counted_labels)
    assert kept[0]["not_counted"] == ["hoax"]
