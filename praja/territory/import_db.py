"""Database helpers the TPS and boundary imports share: code look-ups in chunks, a fast many-row UPDATE,
the region an import's audit entry is filed under."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

QUERY_CHUNK = 900  # stays under SQLite's bound on query parameters


def chunks(items: Iterable[str], size: int = QUERY_CHUNK) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in sorted(items):
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def common_region(codes: Iterable[str]) -> str:
    codes = set(codes)
    for width in (5, 2):  # regency "35.07", province "35"
        heads = {c[:width] for c in codes}
        if len(heads) == 1:
            return heads.pop()
    return ""


def update_rows(objs: list[Any], fields: list[str]) -> None:
    """UPDATE each object's `fields` by primary key in one executemany (fires no signals).

    Django's bulk_update builds one CASE expression per field and batch, which takes seconds for a
    few thousand rows on SQLite; one prepared UPDATE run many times takes milliseconds.
    """
    from django.db import connections, router

    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    qn = connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{qn(c.column)} = %s" for c in columns)
    sql = f"UPDATE {qn(meta.db_table)} SET {assignments} WHERE {qn(meta.pk.column)} = %s"
    params = [
        [c.get_db_prep_save(getattr(obj, c.attname), connection) for c in columns]
        + [meta.pk.get_db_prep_value(obj.pk, connection)]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
