"""Bulk import of reports: every row through the intake validation; a bad file names each row and field and
stores nothing; the same file again stores nothing twice."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from praja.accounts.tests.fixtures import HOME_DESA, world  # noqa: F401
from praja.reports import importers, sealing
from praja.reports.models import Report

GOOD = (
    "no;kategori;uraian;tingkat;waktu;kode_tps;kode_wilayah;nama_pelapor\n"
    f"1;politik_uang;Bagi amplop di TPS;tinggi;2024-11-27 08:15;{HOME_DESA}/001;;\n"
    "2;keamanan;Spanduk dirobek;1;2024-11-26;;35.07.01;Pak Slamet\n"
)


def test_a_clean_csv_is_stored_whole_and_once(world: Any) -> None:  # noqa: F811
    result = importers.import_reports("laporan.csv", GOOD.encode())
    assert result.ok and (result.rows, result.created) == (2, 2)
    money = Report.objects.get(category="politik_uang")
    assert money.channel == "impor" and money.severity == 3 and money.tps_id == f"{HOME_DESA}/001" and money.anonymous
    assert money.occurred_at is not None and money.occurred_at.hour == 1  # 08:15 WIB is 01:15 UTC
    named = Report.objects.get(category="keamanan")
    assert not named.anonymous and sealing.unseal(named.reporter_sealed) == {"name": "Pak Slamet"}
    again = importers.import_reports("laporan.csv", GOOD.encode())
    assert (again.created, again.repeated) == (0, 2) and Report.objects.count() == 2
    assert [r for _n, r, _p in again.receipts] == [r for _n, r, _p in result.receipts]


def test_a_bad_file_names_every_row_and_field_and_stores_nothing(world: Any) -> None:  # noqa: F811
    bad = GOOD + "3;alien;;9;besok;35.07.01.2001/777;;\n"
    result = importers.import_reports("laporan.csv", bad.encode())
    assert not result.ok and Report.objects.count() == 0
    where = {(p.row, p.field) for p in result.problems}
    assert where == {(4, "kategori"), (4, "uraian"), (4, "tingkat"), (4, "waktu"), (4, "kode_tps")}
    assert any(str(p).startswith("laporan.csv baris 4, kolom kode_tps: TPS tidak dikenal") for p in result.problems)


def test_a_file_without_the_required_columns_is_refused(world: Any) -> None:  # noqa: F811
    result = importers.import_reports("x.csv", b"judul,tempat\na,b\n")
    assert {p.field for p in result.problems} == {"kategori", "uraian"} and all(p.row is None for p in result.problems)


def test_the_command_imports_an_xlsx_and_writes_the_receipts(world: Any, tmp_path: Path) -> None:  # noqa: F811
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Kategori", "Uraian", "Kode TPS"])
    sheet.append(["hoaks", "Kabar bohong soal TPS", f"{HOME_DESA}/002"])
    path = tmp_path / "laporan.xlsx"
    book.save(path)
    out, receipts = io.StringIO(), tmp_path / "tanda_terima.csv"
    call_command("reports", "import", str(path), "--receipts", str(receipts), stdout=out, stderr=io.StringIO())
    assert "1 laporan baru" in out.getvalue()
    report = Report.objects.get()
    assert report.receipt in receipts.read_text() and report.tps_id == f"{HOME_DESA}/002"
    bad = tmp_path / "bad.csv"
    bad.write_text("kategori,uraian\nalien,x\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="tidak ada yang disimpan"):
        call_command("reports", "import", str(bad), stdout=io.StringIO(), stderr=err)
    assert "bad.csv baris 2, kolom kategori" in err.getvalue() and Report.objects.count() == 1
