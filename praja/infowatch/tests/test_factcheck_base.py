"""The fact-check base fills itself: the import page (CSV/XLSX, columns mapped, checked whole) and the
fact-checkers' feeds named in the settings, fetched from a local server, de-duplicated, each fact-check with its
publisher, origin, date and verdict."""

from __future__ import annotations

import datetime
import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from praja.base import audit
from praja.infowatch import factchecks as fcmod
from praja.infowatch.models import FactCheck, FactCheckFeed
from praja.infowatch.tests.appfixtures import *  # noqa: F401,F403
from praja.infowatch.tests.appfixtures import SYSTEM

pytestmark = pytest.mark.django_db


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_an_analyst_imports_factchecks_from_a_csv_with_columns_of_other_names(humas: Any, fake_core: None) -> None:
    data = (b"Nomor;Narasi;Kapan;Hasil\n"
            b"TBH-1;Kotak suara ditukar di gudang PPK;25-11-2024;salah\n"
            b"TBH-2;Surat suara sudah dicoblos;26-11-2024;hoaks\n")
    r = humas.post("/info/cek-fakta/impor/", {"berkas": _upload("cek.csv", data), "kolom_id": "Nomor",
                                              "kolom_klaim": "Narasi", "kolom_tanggal": "Kapan",
                                              "kolom_putusan": "Hasil", "pemeriksa": "Mafindo"})
    assert r.status_code == 200, r.content.decode()[:2000]
    assert "2 cek fakta baru" in r.content.decode()
    fc = FactCheck.objects.get(external_id="TBH-1")
    assert (fc.claim, fc.published_on, fc.verdict, fc.publisher, fc.origin) == (
        "Kotak suara ditukar di gudang PPK", datetime.date(2024, 11, 25), "salah", "Mafindo", "impor: cek.csv")
    listing = humas.get("/info/cek-fakta/").content.decode()
    assert "TBH-2" in listing and "Mafindo" in listing


def test_an_xlsx_with_one_bad_row_is_rejected_whole_naming_file_row_and_column(humas: Any, fake_core: None) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "judul", "klaim", "tanggal", "tautan"])
    sheet.append(["A-1", "[HOAKS] Kotak suara ditukar", "Kotak suara ditukar malam hari", "2024-11-25", ""])
    sheet.append(["A-2", "TPS dipindah", "TPS dipindah mendadak", "kemarin", "ftp://x"])
    buf = io.BytesIO()
    book.save(buf)
    r = humas.post("/info/cek-fakta/impor/", {"berkas": _upload("cek.xlsx", buf.getvalue())})
    page = r.content.decode()
    assert r.status_code == 400 and "cek.xlsx ditolak" in page
    assert "tanggal" in page and "kemarin" in page  # row 3, the date column, named
    assert not FactCheck.objects.exists()


def test_the_same_debunk_under_another_id_is_stored_once(fake_core: None) -> None:
    a = fcmod.Row("X-1", "Kotak suara ditukar di gudang PPK", "[HOAKS] Kotak suara ditukar di gudang PPK")
    b = fcmod.Row("Y-9", "isi lain", "HOAKS: Kotak suara ditukar di gudang PPK!")
    with audit.acting_as(SYSTEM):
        first = fcmod.store([a], origin="umpan: A")
        second = fcmod.store([b], origin="umpan: B")
    assert (first.created, second.created, second.duplicates) == (1, 0, 1)
    assert list(FactCheck.objects.values_list("external_id", flat=True)) == ["X-1"]


RSS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Cek Fakta</title>
<item><guid>https://cek.example/1</guid><title>[SALAH] Kotak suara di gudang PPK Kromengan ditukar</title>
<link>https://cek.example/1</link><description>&lt;p&gt;Faktanya kotak suara disegel.&lt;/p&gt;</description>
<pubDate>Mon, 25 Nov 2024 08:00:00 +0700</pubDate></item>
<item><guid>https://cek.example/2</guid><title>Video kericuhan TPS ternyata lama</title><link>https://cek.example/2</link>
<description>Rekaman lama.</description><category>Disinformasi</category></item>
</channel></rss>"""
MIRROR = RSS.replace("cek.example/1", "mirror.example/1").replace("cek.example/2", "mirror.example/2")


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        body = {"/tbh": RSS, "/mirror": MIRROR}.get(self.path, "").encode()
        self.send_response(200 if body else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def feeds_server(settings: Any) -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    settings.PRAJA_INFOWATCH_FETCH_ALLOW_HOSTS = f"127.0.0.1:{httpd.server_address[1]}"
    settings.PRAJA_INFOWATCH_FACTCHECK_FEEDS = [
        {"name": "TurnBackHoax (Mafindo)", "url": base + "/tbh", "publisher": "Mafindo"},
        {"name": "Cermin", "url": base + "/mirror", "publisher": "Cermin"},
        {"name": "Komdigi", "url": base + "/missing", "publisher": "Komdigi", "verdict": "hoaks"},
    ]
    yield base
    httpd.shutdown()
    httpd.server_close()


def test_the_factcheckers_feeds_in_the_settings_are_fetched_deduplicated_with_source_date_and_verdict(
        feeds_server: str, fake_core: None) -> None:
    results = fcmod.fetch_factcheck_feeds()
    assert [(r.name, r.status, r.created, r.duplicates) for r in results] == [
        ("TurnBackHoax (Mafindo)", "ok", 2, 0), ("Cermin", "ok", 0, 2), ("Komdigi", "error", 0, 0)]
    swap = FactCheck.objects.get(title__contains="Kromengan")
    assert (swap.verdict, swap.publisher, swap.origin, swap.published_on, swap.claim) == (
        "salah", "Mafindo", "umpan: TurnBackHoax (Mafindo)", datetime.date(2024, 11, 25),
        "Faktanya kotak suara disegel.")
    assert FactCheck.objects.get(title__startswith="Video").verdict == "disinformasi"
    again = fcmod.fetch_factcheck_feeds(force=True)
    assert [r.created for r in again] == [0, 0, 0] and FactCheck.objects.count() == 2
    assert FactCheckFeed.objects.get(name="Komdigi").failures == 2


def test_the_demo_ships_its_own_factchecks_including_the_ballot_box_swap(fake_core: None) -> None:
    with audit.acting_as(SYSTEM):
        assert fcmod.load_demo_factchecks() >= 5
        assert fcmod.load_demo_factchecks() == 0  # loaded once
    swap = FactCheck.objects.get(external_id="DEMO-CF-001")
    assert "kotak suara" in swap.title.lower() and "Kromengan" in swap.title and swap.verdict == "hoaks"


def test_the_scheduled_fetch_command_fills_the_base_and_regroups(feeds_server: str, fake_core: None) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("infowatch", "fetch", stdout=out)
    text = out.getvalue()
    assert "TurnBackHoax (Mafindo): ok new=2" in text and "Cermin: ok new=0 duplicates=2" in text
    assert "narasi diperbarui" in text and FactCheck.objects.count() == 2
