"""Reading the rows of a CSV or XLSX file as (row number, cells), whatever the spreadsheet wrote.

CSV: UTF-8 (with or without BOM), else cp1252, else latin-1; the delimiter is guessed from the first
non-blank line ("," ";" tab "|"). XLSX: the first worksheet, cell values (not formulas). A file that
cannot be read raises `Unreadable` with a message for the user. Row numbers are those a spreadsheet
shows (the first row is 1).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from os import PathLike
from pathlib import Path, PurePath

MAX_ROWS = 200_000  # data rows an import file may hold


class Unreadable(Exception):
    pass


def csv_rows(data: bytes) -> Iterator[tuple[int, list[object]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    if "\x00" in text:
        raise Unreadable(
            "berkas bukan CSV teks (berisi byte nol) / the file is not a text CSV (contains NUL bytes)"
        )
    first = next((line for line in text.splitlines() if line.strip()), "")
    # Spreadsheets set to Indonesian write ";" between columns (the comma is the decimal mark).
    delimiter = max((",", ";", "\t", "|"), key=first.count) if first else ","
    if first and first.count(delimiter) == 0:
        delimiter = ","
    try:
        for number, cells in enumerate(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1
        ):
            yield number, list(cells)
    except csv.Error as exc:
        raise Unreadable(f"CSV rusak: {exc} / malformed CSV: {exc}") from exc


def xlsx_rows(data: bytes) -> Iterator[tuple[int, list[object]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip, XML and openpyxl errors all mean "not a readable XLSX"
        raise Unreadable(
            "berkas XLSX tidak dapat dibaca (rusak atau bukan XLSX) / cannot read the XLSX file "
            "(damaged or not XLSX)"
        ) from exc
    try:
        if not book.worksheets:
            raise Unreadable("berkas XLSX tidak berisi lembar kerja / the XLSX file has no worksheet")
        sheet = book.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
    finally:
        book.close()


def read_source(file: str | PathLike[str], data: bytes | None) -> tuple[str, bytes]:
    """(file name shown in messages, content): `data` as given, or read from the path `file`."""
    if data is None:
        data = Path(file).read_bytes()
    return PurePath(file).name or "berkas", data
