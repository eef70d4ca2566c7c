"""Helpers for the import tests: files built in the test, a snapshot of the TPS table, people with roles."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

HEADER = ["kode_desa", "nomor_tps", "dpt", "alamat", "lat", "lng"]

# Inside Kabupaten Malang (Tulungrejo, Donomulyo) and well outside it (central Jakarta).
INSIDE = (-8.3593, 112.4861)
OUTSIDE = (-6.2000, 106.8166)

# The five kinds of bad rows of the acceptance test, with the valid rows around them.
# (row as a spreadsheet shows it, field) of each expected problem follows the rows.
BAD_ROWS: list[list[object]] = [
    ["35.07.01.2001", 1, 250, "Balai Desa Tulungrejo", INSIDE[0], INSIDE[1]],  # row 2: fine
    ["35.07.99.9999", 1, 200, "", "", ""],  # row 3: unknown desa
    ["35.07.01.2002", 4, 300, "", "", ""],  # row 4: fine
    ["35.07.01.2002", 4, 310, "", "", ""],  # row 5: duplicate of row 4
    ["35.07.01.2003", 1, 0, "", "", ""],  # row 6: voters 0
    ["35.07.01.2003", 2, 1500, "", "", ""],  # row 7: voters 1500
    ["35.07.01.2004", 1, 220, "", "abc", 112.5],  # row 8: malformed coordinate
    ["35.07.01.2004", 2, 230, "", OUTSIDE[0], OUTSIDE[1]],  # row 9: outside the regency
]
BAD_CELLS = {(3, "kode_desa"), (5, "nomor_tps"), (6, "dpt"), (7, "dpt"), (8, "lat"), (9, "lat, lng")}


def csv_bytes(
    rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER, delimiter: str = ","
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append([None if v == "" else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_bytes(kind: str, rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER) -> bytes:
    return xlsx_bytes(rows, header) if kind == "xlsx" else csv_bytes(rows, header)


def tps_snapshot() -> list[tuple[Any, ...]]:
    """Every TPS row, every column: equal before and after means the table did not change."""
    from praja.territory.models import TPS

    fields = [f.attname for f in TPS._meta.concrete_fields]
    return list(TPS.objects.order_by("code").values_list(*fields))


def add_tps(desa: str, number: int, voters: int = 100, **extra: Any) -> Any:
    from praja.territory.models import TPS

    return TPS.objects.create(desa_id=desa, number=number, voters=voters, **extra)


def make_person(username: str, role: str, region_code: str | None, agency_kind: str = "polres") -> Any:
    """A signed-in-able user with one role held in `region_code` (None: national)."""
    from django.contrib.auth import get_user_model

    from praja.accounts.models import Agency, Person, RoleAssignment

    agency_region = region_code or "35.07"
    agency, _ = Agency.objects.get_or_create(
        slug=f"{agency_kind}-{agency_region}".replace(".", "-"),
        defaults={"kind": agency_kind, "name": f"{agency_kind} {agency_region}", "region_id": agency_region},
    )
    user = get_user_model().objects.create(username=username)
    person = Person.objects.create(user=user, agency=agency, full_name=username)
    RoleAssignment.objects.create(person=person, role=role, region_id=region_code)
    return user
