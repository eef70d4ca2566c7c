"""What an import reports: a `Problem` for every bad row and field, and its progress.

An import loads whole or not at all: the file is read, every row is checked, and when any row is
bad the whole file is rejected with a report naming every bad row and field; nothing is written.
The TPS list (`praja.territory.tps_import`), the boundaries (`praja.territory.boundary_import`) and
the other apps' importers all report this way.

Messages are Indonesian first, then English: ``tps.csv baris 7, kolom dpt: 1500 di luar batas
1..1000 / outside 1..1000``. Row numbers are those a spreadsheet shows (the header is row 1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# (phase, done, total): "periksa" while checking rows, "simpan" while writing.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an import file: where (file, row, field), what value, and why."""

    file: str
    row: int | None  # None: the whole file (a missing column, unreadable file)
    field: str
    value: str
    message: str
    unit: str = "baris"  # "baris" (a table row) or "fitur" (a GeoJSON feature)

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" {self.unit} {self.row}"
        if self.field:
            where += f", kolom {self.field}" if self.unit == "baris" else f", {self.field}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "field": self.field,
            "value": self.value,
            "message": self.message,
        }
